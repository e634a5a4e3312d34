"""The x-ray's join, pure: the compiler's messages, its `-json` inlining positions and a memory
profile in; one record per source line out.

Nothing here starts a process. The parsers are the lab's own: `gm.escape`'s `-m=2` parser made
the messages, `gm.pprof`'s decoder the profile; this module only reads the compiler's `-json`
files (one JSON object a line, LSP-shaped, see cmd/compile/internal/logopt) and joins.

Attribution follows `go tool pprof -list`: a sample's values go to the *flat* column of its
innermost frame (inlined frames expanded: an allocation inside an inlined callee is counted at
the callee's line), and to the *cum* column of every distinct (function, file, line) on its
stack once.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import ParseError
from ..escape.records import HEAP_KINDS, LEAK_KINDS, EscapeMessage

Position = tuple[str, int, int]
"""(file, line, column) as the compiler prints them (file relative to the module)."""
_BENCHMARK = re.compile(r"(?:^|\.)Benchmark([^./]*)")

# --- the compiler's -json files -------------------------------------------------------------


@dataclass(frozen=True)
class InlinedMessage:
    """A `-json` diagnostic made in inlined code: what the compiler printed at the outer call
    site (`at`), and where the code it is about really is (`inner`, innermost first)."""

    at: Position
    message: str
    inner: tuple[Position, ...]


def _position(uri: str, where: Mapping, module_dir: str) -> Position:
    path = unquote(urlparse(uri).path) if uri.startswith("file:") else uri
    return (_relative(path, module_dir), int(where["line"]), int(where["character"]))


def _relative(path: str, module_dir: str) -> str:
    prefix = module_dir.rstrip("/") + "/"
    return path[len(prefix) :] if module_dir and path.startswith(prefix) else path


def read_inline_json(text: str, module_dir: str = "", *, name: str = "") -> list[InlinedMessage]:
    """The inlined diagnostics of one `-json=0,DIR` file: every diagnostic with `inlineLoc`
    related positions. The first line names the source file; ParseError names a bad line."""
    lines = text.splitlines()
    if not lines:
        return []
    try:
        header = json.loads(lines[0])
        file = _relative(str(header["file"]), module_dir)
    except (ValueError, KeyError, TypeError) as bad:
        raise ParseError(
            f"not a compiler -json file header ({bad})", line_no=1, line=lines[0][:200]
        ) from None
    found = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            entry = json.loads(line)
            start = entry["range"]["start"]
            inner = tuple(
                _position(r["location"]["uri"], r["location"]["range"]["start"], module_dir)
                for r in entry.get("relatedInformation") or ()
                if r.get("message") == "inlineLoc"
            )
            at = (file, int(start["line"]), int(start["character"]))
            message = str(entry.get("message", ""))
        except (ValueError, KeyError, TypeError) as bad:
            where = f" in {name}" if name else ""
            raise ParseError(
                f"not a compiler -json diagnostic{where} ({bad!r})", line_no=number, line=line[:200]
            ) from None
        if inner and message:
            found.append(InlinedMessage(at, message, inner))
    return found


def read_inline_folder(folder: Path, module_dir: str) -> list[InlinedMessage]:
    """Every inlined diagnostic of the `*.json` files under `folder` (the `-json` DIR)."""
    found: list[InlinedMessage] = []
    for path in sorted(folder.rglob("*.json")) if folder.is_dir() else ():
        found += read_inline_json(path.read_text(), module_dir, name=path.name)
    return found


# --- the profile, attributed like pprof -list -------------------------------------------------


@dataclass(frozen=True)
class LineCost:
    """What a memory profile puts on one (function, file, line), as `pprof -list` shows it."""

    function: str
    file: str
    line: int
    flat_objects: int
    flat_bytes: int
    cum_objects: int
    cum_bytes: int
    inlined_objects: int
    """Objects allocated in code inlined into this line (a callee's `&T{}` or `make`): pprof
    -list counts them at the callee's line (flat) and here only in cum."""
    inlined_bytes: int
    inlined_into: tuple[str, ...]
    """Callers this line's code was inlined into, where a flat allocation was recorded."""
    per_benchmark: tuple[tuple[str, int, int], ...]
    """(benchmark, flat objects, flat bytes) under each benchmark's stacks."""


Frame = tuple[str, str, int, bool]
"""(function, file, line, inlined into its caller)."""


def benchmark_of(stack: Sequence[Frame]) -> str:
    """The benchmark a sample ran under: its outermost `BenchmarkX` frame's X, else ""."""
    for function, *_ in reversed(stack):
        if match := _BENCHMARK.search(function.rsplit("/", 1)[-1]):
            return match.group(1)
    return ""


def line_costs(
    stacks: Sequence[Sequence[Frame]],
    objects: Sequence[int],
    space: Sequence[int],
    module_dir: str = "",
) -> list[LineCost]:
    """Per (function, file, line): flat and cum objects and bytes, attributed as `pprof
    -list` attributes them (`stacks` leaf first, inlined frames expanded; file names made
    relative to `module_dir` when inside it)."""
    flat: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    cum: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    inlined: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    callers: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    benches: dict[tuple[str, str, int], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for stack, n, size in zip(stacks, objects, space, strict=True):
        if not stack:
            continue
        keys = [(f, _relative(file, module_dir), line) for f, file, line, _ in stack]
        leaf = keys[0]
        flat[leaf][0] += n
        flat[leaf][1] += size
        if stack[0][3] and len(stack) > 1:
            callers[leaf].add(stack[1][0])
        for below, key in zip(stack, keys[1:], strict=False):
            if not below[3]:  # the frame below is a real call, not inlined here
                break
            inlined[key][0] += n
            inlined[key][1] += size
        mine = benches[leaf][benchmark_of(stack)]
        mine[0] += n
        mine[1] += size
        for key in dict.fromkeys(keys):
            cum[key][0] += n
            cum[key][1] += size
    costs = []
    for key, (cum_objects, cum_bytes) in sorted(
        cum.items(), key=lambda item: (item[0][1], item[0][2], item[0][0])
    ):
        flat_objects, flat_bytes = flat.get(key, (0, 0))
        inlined_objects, inlined_bytes = inlined.get(key, (0, 0))
        costs.append(
            LineCost(
                key[0],
                key[1],
                key[2],
                flat_objects,
                flat_bytes,
                cum_objects,
                cum_bytes,
                inlined_objects,
                inlined_bytes,
                tuple(sorted(callers.get(key, ()))),
                tuple((b, v[0], v[1]) for b, v in sorted(benches[key].items()) if key in flat),
            )
        )
    return costs


# --- the join ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class XRayLine:
    """Everything known about one source line of the package."""

    file: str
    line: int
    function: str
    source: str
    messages: tuple[EscapeMessage, ...]
    """The compiler's messages printed at this line (its own output, unchanged)."""
    inlined_here: tuple[tuple[EscapeMessage, Position], ...]
    """Messages printed at a call site elsewhere about this line's code inlined there:
    (message, where it was printed), from the compiler's `-json` inlineLoc positions."""
    costs: tuple[LineCost, ...]
    """The profile's values at this line (one per function: a closure may share a line)."""
    moved_out: tuple[tuple[EscapeMessage, Position], ...] = ()
    """Messages printed at this line (a call site) about inlined code that lives elsewhere:
    (message, where that code is), from the compiler's `-json` inlineLoc positions."""

    @property
    def verdict(self) -> str:
        """heap, leak, stack, or "" when no escape verdict concerns this line."""
        away = {id(m) for m, _ in self.moved_out}
        kinds = {m.kind for m in self.messages if id(m) not in away}
        kinds |= {m.kind for m, _ in self.inlined_here}
        if kinds & set(HEAP_KINDS):
            return "heap"
        if kinds & set(LEAK_KINDS):
            return "leak"
        return "stack" if "does_not_escape" in kinds else ""

    @property
    def inlined_calls(self) -> tuple[str, ...]:
        """Calls the compiler inlined at this line (`inlining call to X`)."""
        return tuple(m.subject for m in self.messages if m.kind == "inlining_call")

    @property
    def flat_objects(self) -> int:
        """Objects recorded at this line itself (pprof -list flat, every function's)."""
        return sum(c.flat_objects for c in self.costs)

    @property
    def flat_bytes(self) -> int:
        """Bytes recorded at this line itself (pprof -list flat)."""
        return sum(c.flat_bytes for c in self.costs)

    @property
    def inlined_objects(self) -> int:
        """Objects allocated in code inlined into this line."""
        return sum(c.inlined_objects for c in self.costs)

    @property
    def inlined_bytes(self) -> int:
        """Bytes allocated in code inlined into this line."""
        return sum(c.inlined_bytes for c in self.costs)

    @property
    def cum_objects(self) -> int:
        """Objects allocated by this line and its callees (pprof -list cum; the larger one
        when several functions share the line)."""
        return max((c.cum_objects for c in self.costs), default=0)

    @property
    def cum_bytes(self) -> int:
        """Bytes allocated by this line and its callees (pprof -list cum)."""
        return max((c.cum_bytes for c in self.costs), default=0)

    @property
    def ambiguous(self) -> bool:
        """More than one function's profile rows share this line (a closure on its
        enclosing function's line): flat values add up, cum values are the larger one."""
        return len(self.costs) > 1


def join_lines(
    messages: Iterable[EscapeMessage],
    inlined: Iterable[InlinedMessage],
    costs: Iterable[LineCost],
    sources: Mapping[str, str],
    function_at: Mapping[tuple[str, int], str] | None = None,
) -> tuple[XRayLine, ...]:
    """One XRayLine per line of `sources` (file -> text) that the compiler or the profile
    said something about, in file and line order."""
    function_at = function_at or {}
    by_line: dict[tuple[str, int], list[EscapeMessage]] = defaultdict(list)
    by_text: dict[tuple[Position, str], EscapeMessage] = {}
    for message in messages:
        if message.file in sources and message.line is not None:
            by_line[(message.file, message.line)].append(message)
            by_text.setdefault(
                ((message.file, message.line, message.col or 0), message.message), message
            )
    here: dict[tuple[str, int], list[tuple[EscapeMessage, Position]]] = defaultdict(list)
    away: dict[tuple[str, int], list[tuple[EscapeMessage, Position]]] = defaultdict(list)
    for item in inlined:
        found = by_text.get((item.at, item.message))
        inner = item.inner[0]
        if found is not None and inner[0] in sources and (inner[0], inner[1]) != item.at[:2]:
            pair = (found, item.at)
            if pair not in here[inner[:2]]:
                here[inner[:2]].append(pair)
                away[item.at[:2]].append((found, inner))
    cost_at: dict[tuple[str, int], list[LineCost]] = defaultdict(list)
    for cost in costs:
        if cost.file in sources:
            cost_at[(cost.file, cost.line)].append(cost)
    keys = sorted(set(by_line) | set(here) | set(cost_at))
    lines = {file: text.splitlines() for file, text in sources.items()}
    out = []
    for file, number in keys:
        text = lines[file][number - 1] if 0 < number <= len(lines[file]) else ""
        counted = cost_at.get((file, number), [])
        said = by_line.get((file, number), [])
        function = function_at.get((file, number)) or next(
            (m.function for m in said if m.function), counted[0].function if counted else ""
        )
        out.append(
            XRayLine(
                file,
                number,
                function,
                text,
                tuple(said),
                tuple(here.get((file, number), ())),
                tuple(counted),
                tuple(away.get((file, number), ())),
            )
        )
    return tuple(out)


def profile_costs(profile: Any, module_dir: str = "") -> list[LineCost]:
    """A memory profile's (a gm.pprof Profile) alloc_objects and alloc_space per (function,
    file, line), attributed as `pprof -list` attributes them (see `line_costs`)."""
    stacks, objects, space = _samples(profile)
    return line_costs(stacks, objects, space, module_dir)


def recorded_per_benchmark(profile: Any) -> dict[str, tuple[int, int]]:
    """Objects and bytes a profile recorded under each benchmark's stacks (all code: the
    standard library's and third-party modules' included)."""
    found: dict[str, list[int]] = {}
    for stack, n, size in zip(*_samples(profile), strict=True):
        mine = found.setdefault(benchmark_of(stack), [0, 0])
        mine[0] += n
        mine[1] += size
    return {name: (n, size) for name, (n, size) in sorted(found.items())}


def _samples(profile: Any) -> tuple[list[tuple[Frame, ...]], list[int], list[int]]:
    values = profile.decoded.values
    objects = values[:, profile.sample_types.index("alloc_objects")].tolist()
    space = values[:, profile.sample_types.index("alloc_space")].tolist()
    stacks = [
        tuple((f.function, f.file, f.line, f.inline) for f in stack) for stack in profile.stacks()
    ]
    return stacks, objects, space
