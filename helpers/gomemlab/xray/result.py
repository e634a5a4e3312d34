"""XRay: per source line, the compiler's verdicts, the profile's allocations and the
benchmarks' per-op figures, joined; with a listing, a summary of "why"s and claim checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult, table_property
from .join import (
    InlinedMessage,
    XRayLine,
    join_lines,
    profile_costs,
    recorded_per_benchmark,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..bench.result import BenchResult
    from ..escape.result import EscapeReport
    from ..pprof.result import Profile

FRAME_DOC = FrameDoc(
    file="source file, relative to the module (as the compiler printed it)",
    line="1-based source line",
    function="the function the line belongs to (the compiler's name: F, T.M, (*T).M, F.func1)",
    source="the line's Go source",
    verdict="heap, leak or stack: the strongest escape verdict about this line; '' for none",
    compiler="the compiler's messages printed at this line, in its own words, joined by '; '",
    flow="the -m=2 flow lines of the line's heap and leak verdicts",
    inlined_calls="calls the compiler inlined at this line",
    inlined_elsewhere="verdicts about this line's code where it was inlined: 'file:line: message'",
    alloc_objects="objects the profile records at this line itself (pprof -list flat, count)",
    alloc_space="bytes the profile records at this line itself (pprof -list flat, bytes)",
    inlined_objects="objects allocated in code inlined into this line (counted flat at the "
    "callee's line by pprof -list, here in cum; count)",
    inlined_space="bytes of those objects (bytes)",
    cum_objects="objects allocated by this line and what it calls (pprof -list cum, count)",
    cum_space="bytes allocated by this line and what it calls (pprof -list cum, bytes)",
    note="why a line the compiler says 'does not escape' about still allocates ('' otherwise)",
    why="one sentence: what the line allocates and why ('' when it does neither)",
    **{"objects.*": "flat objects recorded under each benchmark's stacks (count)"},
)
"""Columns of `XRay.frame`, in order."""


@dataclass(frozen=True, eq=False, repr=False)
class XRay(FrozenResult):
    """Why each line allocates: `lines` (XRayLine records, file and line order), the
    compiler's `escape` report, the memory `profile` and the `benchmarks` of the same build
    (None without `bench`), the run's `provenance`."""

    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC

    lines: tuple[XRayLine, ...]
    escape: EscapeReport
    profile: Profile | None = None
    benchmarks: BenchResult | None = None
    label: str = ""
    module_dir: str = ""
    recorded: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Objects and bytes the profile recorded under each benchmark (all code)."""
    inline_positions: int = 0
    """How many inlined diagnostics the compiler's -json files gave."""
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "recorded", MappingProxyType(dict(self.recorded)))

    # --- tables -------------------------------------------------------------------------------

    @property
    def total_bytes(self) -> int:
        """Bytes in the whole profile (alloc_space), 0 without one."""
        return self.profile.total("alloc_space") if self.profile is not None else 0

    @table_property
    def frame(self) -> pd.DataFrame:
        """One row per line the compiler or the profile spoke of; columns in FRAME_DOC."""
        import pandas as pd

        from .report import note, why

        benches = sorted(
            {b for row in self.lines for cost in row.costs for b, *_ in cost.per_benchmark if b}
        )
        total = self.total_bytes
        records = []
        for row in self.lines:
            record = {
                "file": row.file,
                "line": row.line,
                "function": row.function,
                "source": row.source,
                "verdict": row.verdict,
                "compiler": "; ".join(m.message for m in row.messages),
                "flow": [
                    line for m in row.messages if m.category in ("heap", "leak") for line in m.flow
                ],
                "inlined_calls": row.inlined_calls,
                "inlined_elsewhere": tuple(
                    f"{at[0]}:{at[1]}: {m.message}" for m, at in row.inlined_here
                ),
                "alloc_objects": row.flat_objects,
                "alloc_space": row.flat_bytes,
                "inlined_objects": row.inlined_objects,
                "inlined_space": row.inlined_bytes,
                "cum_objects": row.cum_objects,
                "cum_space": row.cum_bytes,
                "note": note(row),
                "why": why(row, total),
            }
            for bench in benches:
                record[f"objects.{bench}"] = sum(
                    n for cost in row.costs for b, n, _ in cost.per_benchmark if b == bench
                )
            records.append(record)
        columns = [c for c in FRAME_DOC if not c.endswith("*")]
        columns += [f"objects.{b}" for b in benches]
        return pd.DataFrame(records, columns=columns)

    def per_benchmark(self) -> pd.DataFrame:
        """Per benchmark: B/op and allocs/op as -benchmem printed them (the last run's), and
        the objects the profile recorded under its stacks (all of its runs, b.N ramp included)."""
        import pandas as pd

        columns = ["benchmark", "B_per_op", "allocs_per_op", "profile_objects"]
        if self.benchmarks is None:
            return pd.DataFrame(columns=columns)
        runs = self.benchmarks.frame
        rows = []
        for name, group in runs.groupby("name", sort=False):
            last = group.iloc[-1]
            base = str(name).split("/", 1)[0]
            rows.append(
                (name, last.get("B/op"), last.get("allocs/op"), self.recorded.get(base, (0, 0))[0])
            )
        return pd.DataFrame(rows, columns=columns)

    def whys(self, top: int = 5) -> list[tuple[XRayLine, str]]:
        """The `top` lines by bytes allocated, each with its why: lines that allocate
        themselves, and call sites whose inlined callee's code is outside the package (a
        dependency's, the standard library's); a call site whose callee's own line is listed
        is left to that line."""
        from .report import why

        shown = {
            caller
            for r in self.lines
            for c in r.costs
            if c.flat_objects
            for caller in c.inlined_into
        }

        def listed_elsewhere(row: XRayLine) -> bool:
            return any(c == row.function or c.endswith(f".{row.function}") for c in shown)

        ranked = sorted(
            (
                r
                for r in self.lines
                if r.flat_objects or (r.inlined_objects and not listed_elsewhere(r))
            ),
            key=lambda r: (-(r.flat_bytes or r.inlined_bytes), r.file, r.line),
        )
        return [(r, why(r, self.total_bytes)) for r in ranked[:top]]

    def summary(self, top: int = 5) -> pd.DataFrame:
        """The `top` lines by bytes allocated there: position, source, objects, bytes, why."""
        import pandas as pd

        return pd.DataFrame(
            [
                (
                    r.file,
                    r.line,
                    r.source.strip(),
                    r.flat_objects,
                    r.flat_bytes,
                    r.inlined_objects,
                    text,
                )
                for r, text in self.whys(top)
            ],
            columns=[
                "file",
                "line",
                "source",
                "alloc_objects",
                "alloc_space",
                "inlined_objects",
                "why",
            ],
        )

    # --- lookups and checks -------------------------------------------------------------------

    def line_of(self, text: str, *, function: str | None = None, file: str | None = None) -> int:
        """The first source line containing `text` (inside `function`, if named)."""
        return self.escape.line_of(text, function=function, file=file)

    def at(self, line: int | str, *, file: str | None = None) -> XRayLine:
        """The x-ray of one line (a number, or the first line holding this text); an empty
        record when neither the compiler nor the profile said anything about it."""
        sources = self.escape.sources
        if file is not None and file not in sources:
            raise UsageError(f"file must be one of {', '.join(sources) or 'none'}, not {file!r}")
        if isinstance(line, str):
            number = self.line_of(line, file=file)
            file = file or next(
                name
                for name, text in sources.items()
                if any(line in row for row in text.splitlines()[number - 1 : number])
            )
        else:
            number = line
            if file is None and len(sources) > 1:
                raise UsageError(f"line {line}: name the file (one of {', '.join(sources)})")
            file = file or next(iter(sources), "")
        for row in self.lines:
            if (row.file, row.line) == (file, number):
                return row
        text = sources.get(file, "").splitlines()
        source = text[number - 1] if 0 < number <= len(text) else ""
        return XRayLine(file, number, "", source, (), (), ())

    def expect_allocates(self, line: int | str, *, file: str | None = None) -> XRay:
        """Assert the profile records allocations at this line itself (flat); returns self."""
        row = self.at(line, file=file)
        if not row.flat_objects:
            raise AssertionError(
                f"expected {row.file}:{row.line} ({row.source.strip()!r}) to allocate, but the "
                f"profile records nothing there (cum {row.cum_objects} objects)"
            )
        return self

    def expect_no_allocation(self, line: int | str, *, file: str | None = None) -> XRay:
        """Assert the profile records no allocation at this line itself; returns self."""
        row = self.at(line, file=file)
        if row.flat_objects:
            raise AssertionError(
                f"expected no allocation at {row.file}:{row.line} ({row.source.strip()!r}), "
                f"but the profile records {row.flat_objects} objects, {row.flat_bytes} bytes"
            )
        return self

    def expect_verdict(self, line: int | str, verdict: str, *, file: str | None = None) -> XRay:
        """Assert the line's strongest escape verdict (heap, leak, stack or "")."""
        row = self.at(line, file=file)
        if row.verdict != verdict:
            said = "\n".join(f"  {m}" for m in row.messages) or "  nothing"
            raise AssertionError(
                f"expected verdict {verdict!r} at {row.file}:{row.line}, got {row.verdict!r}; "
                f"the compiler said:\n{said}"
            )
        return self

    # --- views --------------------------------------------------------------------------------

    def __repr__(self) -> str:
        allocating = sum(1 for r in self.lines if r.flat_objects or r.inlined_objects)
        return (
            f"<XRay of {self.label}: {len(self.lines)} lines, {allocating} allocating"
            + (f" · {self.provenance.line()}" if self.provenance.command else "")
            + ">"
        )

    def _repr_html_(self) -> str:
        from .report import report_html

        return report_html(self)

    def html(self) -> str:
        """A standalone HTML page of this x-ray (what `gomemlab xray -o` writes)."""
        from .report import page

        return page(self)


def xray_of(
    escape: EscapeReport,
    inlined: Iterable[InlinedMessage],
    profile: Profile | None = None,
    benchmarks: BenchResult | None = None,
    *,
    module_dir: str = "",
    label: str = "",
    provenance: Provenance | None = None,
) -> XRay:
    """An XRay from what one build and run printed: the compiler's report (with its sources
    and function spans), its `-json` inlined diagnostics, the memory profile and the
    benchmarks' output (pure: `run` is the one that starts Go)."""
    inlined = list(inlined)
    costs = profile_costs(profile, module_dir) if profile is not None else []
    function_at = {
        (file, number): span.name
        for file, spans in escape.spans.items()
        for span in sorted(spans, key=lambda s: s.start - s.end)  # the innermost wins
        for number in range(span.start, span.end + 1)
    }
    lines = join_lines(escape.messages, inlined, costs, escape.sources, function_at)
    return XRay(
        lines,
        escape=escape,
        profile=profile,
        benchmarks=benchmarks,
        label=label,
        module_dir=module_dir,
        recorded=recorded_per_benchmark(profile) if profile is not None else {},
        inline_positions=len(inlined),
        provenance=provenance or escape.provenance,
    )
