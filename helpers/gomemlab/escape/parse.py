"""Parse the Go compiler's `-m` / `-m=2` output (from `go build` or `go test`) into records.

Pure and total: text in, a `CompilerOutput` of frozen records out (`result.parse` wraps it in
an `EscapeReport`), or `ParseError` naming the line for text that cannot be compiler output
(control characters, impossible positions). Every input line is accounted for: it becomes
part of a message record, an explanation, a package header, a skipped line (kept, with the
reason: `go test` chatter, the generated test main), or a blank.

Formats understood (all seen in real output):
- Go 1.27 `-m`: `FILE:LINE:COL: MESSAGE`.
- Go 1.27 `-m=2`: an explanation (`X escapes to heap in F:` or `parameter p leaks to L for F
  with derefs=N:`, then indented `flow: A ← B:` and `from WHERE (WHY) at POS` lines) printed
  before the verdict it explains (`moved to heap: X`); it is attached to that verdict.
- Go 1.13 to 1.1x `-m -m`: the same without `in F`/`for F`, and `flow: A = B:`.
- Go up to 1.12 `-m -m`: verdicts followed by `\tfrom WHERE (WHY) at POS` lines; positions
  without a column before Go 1.10; `F X does not escape` with the function name in front.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import validate
from ..errors import ParseError, UsageError
from .records import HEAP_KINDS, CompilerOutput, EscapeMessage, Explanation, FlowNote, FlowStep

# FILE:LINE[:COL]:REST. A file name has no colon, except a Windows drive letter.
_POS = re.compile(
    r"(?P<file>(?:[A-Za-z]:[\\/])?[^:\n]+):(?P<line>\d+)(?::(?P<col>\d+))?:"
    r"(?P<rest>.*)"
)
_HEADER = re.compile(r"^# (?P<pkg>\S+)(?: \[(?P<variant>[^\]]+)\])?\s*$")
_GO_CHATTER = re.compile(
    r"^(?:ok\s|FAIL\b|PASS$|\?\s|--- |=== |exit status \d|goos: |goarch: |pkg: |cpu: |"
    r"Benchmark|testing: |go: |coverage: |no test files)"
)
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_POSITION = 10**8

# Explanation headers (-m=2), newest format first.
_ESC_HEADER = re.compile(r"^(?P<s>.+?) escapes to heap(?: in (?P<f>.+))?:$")
# `L` may hold " for " itself (`{storage for &T{...}}`); a function name holds no space or brace.
_LEAK_HEADER = re.compile(
    r"^parameter (?P<s>\S+) leaks to (?P<to>.+?)"
    r"(?: for (?P<f>[^\s{}]+))? with derefs=(?P<d>-?\d+):$"
)
# Continuation lines of an explanation.
_FLOW = re.compile(r"^flow: (?P<dst>.+?) (?:←|=) (?P<src>.+?):?$")

_VERDICTS: list[tuple[str, re.Pattern]] = [
    (kind, re.compile(pattern))
    for kind, pattern in [
        ("moved_to_heap", r"^moved to heap: (?P<s>.+)$"),
        ("escapes_to_heap", r"^(?P<s>.+?) escapes to heap$"),
        ("does_not_escape", r"^(?P<s>.+?) does not escape(?:, mutate, or call)?$"),
        ("leaking_param_content", r"^leaking param content: (?P<s>.+)$"),
        (
            "leaking_to_result",
            r"^leaking param: (?P<s>\S+) to result (?P<to>\S+) level=(?P<level>-?\d+)$",
        ),
        ("leaking_param", r"^leaking param: (?P<s>.+)$"),
        ("cannot_inline", r"^cannot inline (?P<s>.+?) into (?P<f>.+?): (?P<why>.+)$"),
        ("cannot_inline", r"^cannot inline (?P<s>.+?): (?P<why>.+)$"),
        (
            "can_inline",
            r"^can inline (?P<s>.+?)(?: with cost (?P<cost>\d+))?(?: as: (?P<body>.*))?$",
        ),
        ("inlining_call", r"^inlining call to (?P<s>.+?)(?: with score (?P<score>-?\d+))?$"),
        (
            "devirtualized",
            r"^(?:PGO )?(?:partially )?devirtualizing (?:interface call |function call )?"
            r"(?P<s>.+?) to (?P<to>.+)$",
        ),
        ("devirtualized", r"^de-virtualizing call$"),
        ("closure_capture", r"^(?P<f>.+?) capturing by (?P<how>value|ref): (?P<s>\S+) \(.*\)$"),
        ("self_assignment", r"^(?P<f>.+?) ignoring self-assignment in (?P<s>.+)$"),
        ("zero_copy", r"^zero-copy string->\[\]byte conversion$"),
        ("bounds_check_elided", r"^index bounds check elided$"),
    ]
]
# Before Go 1.13 an inlined call printed the callee's body: `inlining call to F func() {...}`.
_OLD_INLINE_BODY = re.compile(r"^(?P<s>\S+) func\(.*$")
# Before Go 1.13 "does not escape" named the function first: `main &x does not escape`.
# (Not a keyword starting a type literal, and not a binary expression such as `a + b`.)
_OLD_FUNCTION_PREFIX = re.compile(
    r"^(?!(?:struct|func|map|chan|interface)\b)(?P<f>[A-Za-z_][\w.]*) "
    r"(?![-+*/%&|^<>=!]+ )(?P<s>\S.*)$"
)


def classify(message: str) -> tuple[str, str, str]:
    """(kind, subject, function) of one message text; kind "other" when no shape fits."""
    return _classify(validate.text(message, "message"))


def _classify(message: str) -> tuple[str, str, str]:
    for kind, pattern in _VERDICTS:
        match = pattern.match(message)
        if match:
            groups = match.groupdict()
            subject = groups.get("s") or ""
            function = groups.get("f") or ""
            if kind == "inlining_call":
                old = _OLD_INLINE_BODY.match(subject)
                subject = old["s"] if old else subject
            if kind == "does_not_escape" and not subject.startswith(("func literal", "...")):
                old = _OLD_FUNCTION_PREFIX.match(subject)
                if old:
                    subject, function = old["s"], old["f"]
            if kind in ("can_inline",) or (kind == "cannot_inline" and not function):
                function = subject
            return kind, subject, function
    return "other", "", ""


@dataclass
class _Draft:
    """An EscapeMessage while it is being read (explanations still arrive)."""

    file: str
    line: int | None
    col: int | None
    kind: str
    subject: str
    function: str
    message: str
    package: str = ""
    explanations: list[Explanation] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)

    def freeze(self) -> EscapeMessage:
        return EscapeMessage(
            self.file,
            self.line,
            self.col,
            self.kind,
            self.subject,
            self.function,
            self.message,
            self.package,
            tuple(self.explanations),
            tuple(self.line_numbers),
        )


class _Pending:
    """An explanation being read: its header, then flow steps as they arrive."""

    def __init__(self, key, subject, target, function, header, line_no, is_leak):
        self.key = key
        self.subject = subject
        self.target = target
        self.function = function
        self.header = header
        self.is_leak = is_leak
        self.steps: list[tuple[str, str, list[FlowNote]]] = []
        self.line_numbers = [line_no]

    def freeze(self) -> Explanation:
        steps = tuple(FlowStep(dst, src, tuple(notes)) for dst, src, notes in self.steps)
        return Explanation(
            self.header, self.subject, self.target, self.function, steps, tuple(self.line_numbers)
        )


def _continuation(text: str) -> tuple[str, str, FlowNote | None]:
    """A flow or note line: ("flow", dst, None) / ("note", "", note)."""
    if text.startswith("from "):
        # `from WHERE (WHY) at POS`: WHERE may hold parentheses, WHY and POS do not.
        head, sep, at = text[5:].rpartition(") at ")
        where, open_, why = head.rpartition(" (")
        if sep and open_ and " " not in at and "(" not in why and ")" not in why:
            return "note", "", FlowNote(where, why, _clean_file(at))
    else:
        flow = _FLOW.match(text)
        if flow:
            return "flow", f"{flow['dst']}\x00{flow['src']}", None
    return "note", "", FlowNote(text, "", "")


def _clean_file(name: str, strip_prefix: str = "") -> str:
    if strip_prefix and name.startswith(strip_prefix):
        name = name[len(strip_prefix) :].lstrip("/\\")
    return name.removeprefix("./")


def parse_output(text: str, *, strip_prefix: str = "") -> CompilerOutput:
    """The compiler's `-m` / `-m=2` output (go build or go test) as frozen records.

    `strip_prefix` (a folder) is removed from file names, as is a leading `./`. Functions are
    taken from the messages where the compiler names them, else the nearest function declared
    above (`analyze` refines this with the source files). Bytes are a UsageError: decode them.
    """
    validate.text(text, "text")
    if not isinstance(strip_prefix, str):
        raise UsageError(f"strip_prefix must be a folder name (str), not {strip_prefix!r}")
    lines = text.splitlines()
    check_chars = _BAD_CHARS.search("\n".join(lines)) is not None
    messages: list[_Draft] = []
    pendings: list[_Pending] = []
    skipped: list[tuple[int, str, str]] = []
    packages: list[str] = []
    package = ""
    in_testmain = False
    current: _Pending | None = None  # explanation receiving continuation lines
    files: dict[str, str] = {}
    for line_no, raw in enumerate(lines, start=1):
        if check_chars and _BAD_CHARS.search(raw):
            raise ParseError(
                "control characters: this is not compiler output", line_no=line_no, line=raw
            )
        if not raw.strip():
            skipped.append((line_no, raw, "blank"))
            continue
        header = _HEADER.match(raw)
        if header:
            package = header["pkg"]
            in_testmain = package.endswith(".test") and not header["variant"]
            if not in_testmain and package not in packages:
                packages.append(package)
            skipped.append((line_no, raw, "package header"))
            current = None
            continue
        if in_testmain:
            skipped.append((line_no, raw, "generated test main (_testmain.go)"))
            continue
        pos = _POS.match(raw)
        if not pos:
            if _GO_CHATTER.match(raw):
                skipped.append((line_no, raw, "go command output"))
                continue
            kind, subject, function = _classify(raw.strip())
            messages.append(
                _Draft(
                    "",
                    None,
                    None,
                    kind,
                    subject,
                    function,
                    raw.strip(),
                    package,
                    line_numbers=[line_no],
                )
            )
            current = None
            continue
        file = files.get(pos["file"])
        if file is None:
            file = files[pos["file"]] = _clean_file(pos["file"], strip_prefix)
        if file.endswith("_testmain.go"):
            skipped.append((line_no, raw, "generated test main (_testmain.go)"))
            continue
        line = int(pos["line"])
        col = int(pos["col"]) if pos["col"] else None
        if line > _MAX_POSITION or (col or 0) > _MAX_POSITION:
            raise ParseError("impossible source position", line_no=line_no, line=raw)
        rest = pos["rest"]
        key = (file, line, col)
        body = rest[1:] if rest.startswith(" ") else rest
        if body[:1] in (" ", "\t"):  # an indented continuation line
            current = _add_continuation(body.strip(), key, line_no, current, messages, package)
            continue
        esc = _ESC_HEADER.match(body)
        leak = _LEAK_HEADER.match(body) if not esc else None
        match = esc or leak
        if match is not None:
            current = _Pending(
                key,
                match["s"],
                "{heap}" if esc else match["to"],
                match["f"] or "",
                body.rstrip(":"),
                line_no,
                bool(leak),
            )
            pendings.append(current)
            continue
        current = None
        kind, subject, function = _classify(body)
        messages.append(
            _Draft(file, line, col, kind, subject, function, body, package, line_numbers=[line_no])
        )
    _attach(messages, pendings)
    _infer_functions(messages)
    return CompilerOutput(tuple(m.freeze() for m in messages), tuple(skipped), tuple(packages))


def _add_continuation(
    text: str,
    key: tuple,
    line_no: int,
    current: _Pending | None,
    messages: list[_Draft],
    package: str,
) -> _Pending | None:
    """An indented line at position `key`: a step or note of the explanation being read, a
    note after its verdict (Go <= 1.12), or else a message of its own (kind "other").
    Returns the explanation that receives the next continuation lines."""
    what, flow, note = _continuation(text)
    if what == "note":
        assert note is not None  # _continuation makes a FlowNote for every note
    if current is not None and current.key == key:
        if what == "flow":
            dst, src = flow.split("\x00")
            current.steps.append((dst, src, []))
        elif note is not None:
            if not current.steps:
                current.steps.append(("", "", []))
            current.steps[-1][2].append(note)
        current.line_numbers.append(line_no)
        return current
    last = messages[-1] if messages else None
    if last is not None and (last.file, last.line, last.col) == key and note is not None:
        # Go <= 1.12: notes follow the verdict they explain.
        last.explanations.append(
            Explanation(
                last.message,
                last.subject,
                "",
                last.function,
                (FlowStep("", "", (note,)),),
                (line_no,),
            )
        )
        last.line_numbers.append(line_no)
        return current
    file, line, col = key
    messages.append(_Draft(file, line, col, "other", "", "", text, package, line_numbers=[line_no]))
    return None


def _compatible(message: _Draft, pending: _Pending) -> int:
    """How well an explanation fits a verdict at its position: 2 best, 0 not at all."""
    subject_ok = message.subject == pending.subject or (
        message.subject == "append" and pending.subject.startswith("append(")
    )
    if not subject_ok:
        return 0
    if not pending.is_leak:
        return 2 if message.kind in HEAP_KINDS else 1
    if pending.target == "{heap}":
        return 2 if message.kind in ("leaking_param", "leaking_param_content") else 1
    if message.kind == "leaking_to_result" and pending.target in message.message:
        return 2
    return 1


def _attach(messages: list[_Draft], pendings: Iterable[_Pending]) -> None:
    """Give each explanation to the verdict it explains; keep unmatched ones as records."""
    at: dict[tuple, list[_Draft]] = defaultdict(list)
    for message in messages:
        at[(message.file, message.line, message.col)].append(message)
    for pending in pendings:
        frozen = pending.freeze()
        first = frozen.line_numbers[0]
        candidates = [(m, _compatible(m, pending)) for m in at.get(pending.key, [])]
        candidates = [(m, score) for m, score in candidates if score]
        if candidates:
            # Prefer the best fit printed after the explanation with the fewest explanations.
            best, _ = max(
                candidates,
                key=lambda c: (c[1], c[0].line_numbers[0] > first, -len(c[0].explanations)),
            )
            best.explanations.append(frozen)
            best.line_numbers.extend(frozen.line_numbers)
            if not best.function:
                best.function = pending.function
            continue
        kind = "leaking_param" if pending.is_leak else "escapes_to_heap"
        file, line, col = pending.key
        message = _Draft(
            file,
            line,
            col,
            kind,
            pending.subject,
            pending.function,
            pending.header,
            "",
            [frozen],
            list(frozen.line_numbers),
        )
        messages.append(message)
        at[pending.key].append(message)
    messages.sort(key=lambda m: m.line_numbers[0])


_CLOSURE = re.compile(r"\.(?:func|gowrap|deferwrap)\d|-range\d")


def compiler_declarations(
    messages: Iterable[EscapeMessage | _Draft],
) -> dict[str, list[tuple[int, int, str]]]:
    """Functions the compiler named (can/cannot inline F, closures included), per file:
    (line, col, F) at the position it gave."""
    found: dict[str, set[tuple[int, int, str]]] = defaultdict(set)
    for message in messages:
        declared = message.kind == "can_inline" or (
            message.kind == "cannot_inline" and " into " not in message.message
        )
        if declared and message.line is not None and message.file:
            found[message.file].add((message.line, message.col or 0, message.subject))
    return {file: sorted(decls) for file, decls in found.items()}


def _infer_functions(messages: list[_Draft]) -> None:
    """Without the source, a message belongs to the nearest top-level function above it."""
    tops = {
        file: [d for d in decls if not _CLOSURE.search(d[2])]
        for file, decls in compiler_declarations(messages).items()
    }
    for message in messages:
        if message.function or message.line is None or message.file not in tops:
            continue
        decls = tops[message.file]
        index = bisect_right(decls, (message.line, message.col or 0, "\uffff")) - 1
        if index >= 0:
            message.function = decls[index][2]
