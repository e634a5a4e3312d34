"""Parse the text of `go tool trace -d=parsed FILE` (Go 1.22+ trace format) into columns.

One event per line::

    M=32203 P=0 G=25 RangeBegin Time=1167289881344 Name="stop-the-world (...)" Scope=Goroutine(25)

optionally followed by stack blocks (a `Stack=` or `TransitionStack=` line, frame lines
`<TAB>func @ 0xPC` / `<TAB><TAB>file:line`, then an empty line). The parser is pure, total and
streaming: feed it lines one at a time (`EventParser.feed`) or call `parse_events` on text or
any iterable of lines. Identical stacks are stored once (`stacks`); events refer to them by id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import ParseError

KINDS = frozenset({
    "Sync", "Metric", "Label", "StackSample", "RangeBegin", "RangeActive", "RangeEnd",
    "TaskBegin", "TaskEnd", "RegionBegin", "RegionEnd", "Log", "StateTransition",
    "Experimental",
})
"""Event kinds of Go 1.22+ traces; any other well-formed kind is kept as kind "other"."""

COLUMNS = ("time", "m", "p", "g", "kind", "resource", "resource_id", "name", "from_state",
           "to_state", "value", "text", "task", "line_no")
"""Fields of one event row, in order (`stack` and `transition_stack` are kept apart)."""

_HEADER = re.compile(r"M=(-?\d+) P=(-?\d+) G=(-?\d+) (\w+) Time=(-?\d+)(?: (.*))?\Z")
_Q = r'"[^"\\]*(?:\\.[^"\\]*)*"'  # a Go %q string
_SCOPE = r"(None|\w+\(-?\d+\))"
_TRANSITION = re.compile(rf"(GoID|ProcID)=(-?\d+) (\w+)->(\w+) Reason=({_Q})\Z")
_TRANSITION_OTHER = re.compile(rf"Reason=({_Q})\Z")
_RANGE = re.compile(rf"Name=({_Q}) Scope={_SCOPE}\Z")
_RANGE_END = re.compile(rf"Name=({_Q}) Scope={_SCOPE} Attributes=\[(.*)\]\Z")
_METRIC = re.compile(rf"Name=({_Q}) Value=(.*)\Z")
_UINT = re.compile(r"Value\{Uint64\((\d+)\)\}\Z")
_LABEL = re.compile(rf"Label=({_Q}) Resource={_SCOPE}\Z")
_TASK = re.compile(rf"ID=(-?\d+) Parent=(-?\d+) Type=({_Q})\Z")
_REGION = re.compile(rf"Task=(-?\d+) Type=({_Q})\Z")
_LOG = re.compile(rf"Task=(-?\d+) Category=({_Q}) Message=({_Q})\Z")
_SYNC = re.compile(r"N=(\d+)(?: .*)?\Z")
_EXPERIMENTAL = re.compile(r"Name=(\S*) Args=\[(.*)\]\Z")
_RESOURCE = re.compile(r"(\w+)\((-?\d+)\)\Z")
_FUNC_LINE = re.compile(r"\t(.*) @ 0x[0-9a-f]+\Z")  # the name may be empty (unknown PC)
_FILE_LINE = re.compile(r"\t\t(.*):(\d+)\Z")
_STACK_HEADER = re.compile(r"(\w*Stack)=\Z")
_ESCAPES = re.compile(r'\\(["\\abfnrtv]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})')
_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def unquote(text: str) -> str:
    """The value of a Go %q string literal (quotes included in `text`)."""
    body = text[1:-1]
    if "\\" not in body:
        return body

    def one(match: re.Match) -> str:
        code = match.group(1)
        if code in _SIMPLE:
            return _SIMPLE[code]
        if code in ('"', "\\"):
            return code
        if code[0] in "xuU":
            return chr(int(code[1:], 16)) if int(code[1:], 16) < 0x110000 else "\ufffd"
        return chr(int(code, 8))

    return _ESCAPES.sub(one, body)


@dataclass(frozen=True)
class Frame:
    """One stack frame: function, file and line."""

    func: str
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.func} ({self.file.rsplit('/', 1)[-1]}:{self.line})"


def _resource(text: str) -> tuple[str, int]:
    if text == "None":
        return "none", -1
    match = _RESOURCE.match(text)
    return match.group(1).lower(), int(match.group(2))


@dataclass
class ParsedEvents:
    """What the parser read: event rows (tuples in `COLUMNS` order) and interned stacks."""

    rows: list[tuple] = field(default_factory=list)
    stack: list[int] = field(default_factory=list)
    transition_stack: list[int] = field(default_factory=list)
    stacks: list[tuple[Frame, ...]] = field(default_factory=list)
    lines: int = 0
    head: list[str] = field(default_factory=list)
    """The first `HEAD_LINES` lines of the text, to show what the raw format looks like."""


_EVENT = re.compile(r"M=(-?\d+) P=(-?\d+) G=(-?\d+) (\w+) Time=(-?\d+)(?: ([^\n]*))?\n")
_FAST = re.compile(  # the two commonest shapes, whole line in one match
    r'M=(-?\d+) P=(-?\d+) G=(-?\d+) (?:StateTransition Time=(-?\d+) (GoID|ProcID)=(-?\d+) '
    r'(\w+)->(\w+) Reason="([^"\\\n]*)"|Metric Time=(-?\d+) Name="([^"\\\n]*)" '
    r'Value=Value\{Uint64\((\d+)\)\})\n')
_FAST_RANGE = re.compile(  # ranges with a plain name; Attributes only on RangeEnd (checked)
    r'M=(-?\d+) P=(-?\d+) G=(-?\d+) (RangeBegin|RangeActive|RangeEnd) Time=(-?\d+) '
    r'Name="([^"\\\n]*)" Scope=(?:None|(Goroutine|Proc)\((-?\d+)\))'
    r'(?: Attributes=\[([^\n]*)\])?\n')
_SCOPES = {"Goroutine": "goroutine", "Proc": "proc"}
_STACK_HEADERS = ("Stack=\n", "TransitionStack=\n")
_STACK_START = re.compile(r"\w*Stack=\n")
_BLANKS = re.compile(r"(?:[ \t]*\n)*")
_CHUNK_LINES = 20_000
HEAD_LINES = 40


class EventParser:
    """A streaming parser: `feed(text)` with whole lines (or `feed_line(line)`), then `close()`.

    Text is scanned a chunk at a time with one regular expression per event, so the Python
    work is per event, not per stack line; identical stack blocks are looked up, not reparsed.
    """

    def __init__(self) -> None:
        self.out = ParsedEvents()
        self._stack_ids: dict[str, int] = {}
        self._blocks: dict[str, tuple[int, int]] = {}
        self._tail = ""
        self._line_no = 1  # line number of the first line of `_tail`
        self._pending: list[str] = []

    def feed_line(self, line: str) -> None:
        """Add one line (without its newline); parsed in chunks of lines."""
        self._pending.append(line)
        if len(self.out.head) < HEAD_LINES:
            self.out.head.append(line)
        if len(self._pending) >= _CHUNK_LINES:
            self._flush_lines()

    def feed(self, text: str) -> None:
        """Add text made of whole lines; complete events in it are parsed now."""
        if self._pending:
            self._flush_lines()
        if len(self.out.head) < HEAD_LINES:
            self.out.head.extend(text[:20_000].split("\n")[:HEAD_LINES - len(self.out.head)])
        self._consume(text, final=False)

    def close(self) -> ParsedEvents:
        self._flush_lines()
        self._consume("", final=True)
        return self.out

    def _flush_lines(self) -> None:
        if self._pending:
            text = "\n".join(self._pending) + "\n"
            self._pending = []
            self._consume(text, final=False)

    def _consume(self, text: str, *, final: bool) -> None:
        text = self._tail + text
        if final:
            if text and not text.endswith("\n"):
                text += "\n"
            stop = len(text)
        else:  # the last event may continue in the next chunk: keep it for later
            stop = text.rfind("\nM=") + 1
        self._scan(text, stop)
        self._tail = text[stop:]

    def _scan(self, text: str, stop: int) -> None:
        rows, stack, tstack = self.out.rows, self.out.stack, self.out.transition_stack
        add_row, add_stack, add_tstack = rows.append, stack.append, tstack.append
        blocks, event = self._blocks, self._event
        fast, fast_range = _FAST.match, _FAST_RANGE.match
        match_event, stack_start, blanks = _EVENT.match, _STACK_START.match, _BLANKS.match
        count, find, startswith = text.count, text.find, text.startswith
        line_no = self._line_no
        pos = blanks(text, 0, stop).end()
        line_no += count("\n", 0, pos)
        while pos < stop:
            found = fast(text, pos, stop)
            if found is not None:
                m, p, g, time, res, rid, old, new, reason, mtime, name, value = found.groups()
                if time is not None:
                    add_row((int(time), int(m), int(p), int(g), "StateTransition",
                             "goroutine" if res == "GoID" else "proc", int(rid), "", old, new,
                             None, reason, -1, line_no))
                else:
                    add_row((int(mtime), int(m), int(p), int(g), "Metric", "", -1, name, "", "",
                             float(value), "", -1, line_no))
            elif ((found := fast_range(text, pos, stop)) is not None
                  and (found.group(4) == "RangeEnd") == (found.group(9) is not None)):
                m, p, g, kind, time, name, scope, sid, attributes = found.groups()
                add_row((int(time), int(m), int(p), int(g), kind, _SCOPES.get(scope, "none"),
                         int(sid) if sid is not None else -1, name, "", "", None,
                         attributes or "", -1, line_no))
            elif (found := match_event(text, pos, stop)) is not None:
                add_row(event(found.groups(), line_no, text, pos))
            else:
                self._fail(text, pos, line_no)
            pos = found.end()
            line_no += 1
            if pos >= stop or text[pos] == "M":  # the next event follows at once
                add_stack(-1)
                add_tstack(-1)
                continue
            if startswith(_STACK_HEADERS, pos) or stack_start(text, pos, stop):
                # stack blocks: each a header, frame lines, and a blank line
                block_end = pos
                while True:
                    blank = find("\n\n", block_end, stop)
                    block_end = stop if blank < 0 else blank + 2
                    if block_end >= stop or not (startswith(_STACK_HEADERS, block_end) or (
                            text[block_end] != "M" and stack_start(text, block_end, stop))):
                        break
                block = text[pos:block_end]
                ids = blocks.get(block)
                if ids is None:
                    ids = blocks[block] = (*self._parse_blocks(block, line_no),
                                           block.count("\n"))
                add_stack(ids[0])
                add_tstack(ids[1])
                line_no += ids[2]
                pos = block_end
            else:
                add_stack(-1)
                add_tstack(-1)
            if pos < stop and text[pos] != "M":
                end = blanks(text, pos, stop).end()
                line_no += count("\n", pos, end)
                pos = end
        self._line_no = line_no
        self.out.lines = line_no - 1

    def _fail(self, text: str, pos: int, line_no: int):
        end = text.find("\n", pos)
        line = text[pos:end if end >= 0 else len(text)]
        if line.startswith("\t"):
            why = "stack frame line outside a stack block"
        elif line.startswith("M="):
            why = "malformed event line"
        elif line.endswith("Stack="):
            why = "a stack header must follow an event line"
        else:
            why = "not a `go tool trace -d=parsed` line"
        raise ParseError(why, line_no=line_no, line=line)

    def _parse_blocks(self, block: str, line_no: int) -> tuple[int, int]:
        """Stack ids (Stack, TransitionStack) of an event's stack blocks; -1 when absent."""
        ids = {"Stack": -1, "TransitionStack": -1}
        kind, frames = "", []
        lines = block.split("\n")
        if lines[-1] == "":
            lines.pop()
        for i, line in enumerate([*lines, ""]):
            if line.startswith("\t") and kind:
                frames.append(line)
                continue
            if kind:  # end of a block: a blank line, the next header, or the end
                ids[kind] = self._intern(frames, line_no + i - len(frames))
            if line and not _STACK_HEADER.match(line):
                raise ParseError("not a stack header or frame line", line_no=line_no + i,
                                 line=line)
            kind, frames = line[:-1], []
        return ids["Stack"], ids["TransitionStack"]

    def _intern(self, lines: list[str], first_line: int) -> int:
        key = "\n".join(lines)
        stack_id = self._stack_ids.get(key)
        if stack_id is None:
            stack_id = self._stack_ids[key] = len(self.out.stacks)
            self.out.stacks.append(_frames(lines, first_line))
        return stack_id

    def _event(self, groups: tuple, line_no: int, text: str, pos: int) -> tuple:
        m, p, g, kind, time, rest = groups
        rest = rest or ""
        resource, resource_id, name, old, new, detail = "", -1, "", "", "", ""
        value, task = None, -1
        if kind == "StateTransition":
            match = _TRANSITION.match(rest)
            if match:
                res, rid, old, new, reason = match.groups()
                resource = "goroutine" if res == "GoID" else "proc"
                resource_id, detail = int(rid), unquote(reason)
            elif (match := _TRANSITION_OTHER.match(rest)) is not None:
                detail = unquote(match.group(1))
            else:
                self._malformed(kind, text, pos, line_no)
        elif kind == "Metric":
            match = _METRIC.match(rest) or self._malformed(kind, text, pos, line_no)
            name, raw = unquote(match.group(1)), match.group(2)
            number = _UINT.match(raw)
            if number:
                value = float(number.group(1))
            else:
                detail = raw
        elif kind in ("RangeBegin", "RangeActive", "RangeEnd"):
            pattern = _RANGE_END if kind == "RangeEnd" else _RANGE
            match = pattern.match(rest) or self._malformed(kind, text, pos, line_no)
            name = unquote(match.group(1))
            resource, resource_id = _resource(match.group(2))
            if kind == "RangeEnd":
                detail = match.group(3)
        elif kind == "Label":
            match = _LABEL.match(rest) or self._malformed(kind, text, pos, line_no)
            name = unquote(match.group(1))
            resource, resource_id = _resource(match.group(2))
        elif kind in ("TaskBegin", "TaskEnd"):
            match = _TASK.match(rest) or self._malformed(kind, text, pos, line_no)
            task, value, name = int(match.group(1)), float(match.group(2)), unquote(match.group(3))
        elif kind in ("RegionBegin", "RegionEnd"):
            match = _REGION.match(rest) or self._malformed(kind, text, pos, line_no)
            task, name = int(match.group(1)), unquote(match.group(2))
        elif kind == "Log":
            match = _LOG.match(rest) or self._malformed(kind, text, pos, line_no)
            task, name = int(match.group(1)), unquote(match.group(2))
            detail = unquote(match.group(3))
        elif kind == "Sync":
            match = _SYNC.match(rest) or self._malformed(kind, text, pos, line_no)
            value, detail = float(match.group(1)), rest
        elif kind == "Experimental":
            match = _EXPERIMENTAL.match(rest) or self._malformed(kind, text, pos, line_no)
            name, detail = match.group(1), match.group(2)
        elif kind in KINDS:  # StackSample: nothing beyond the header
            detail = rest
        else:
            name, detail, kind = kind, rest, "other"
        return (int(time), int(m), int(p), int(g), kind, resource, resource_id, name, old, new,
                value, detail, task, line_no)

    @staticmethod
    def _malformed(kind: str, text: str, pos: int, line_no: int):
        end = text.find("\n", pos)
        raise ParseError(f"malformed {kind} event", line_no=line_no, line=text[pos:end])


def _frames(lines: list[str], first_line: int) -> tuple[Frame, ...]:
    if len(lines) % 2:
        raise ParseError("a stack frame lacks its file:line", line_no=first_line + len(lines) - 1,
                         line=lines[-1])
    frames = []
    for i in range(0, len(lines), 2):
        func, where = _FUNC_LINE.match(lines[i]), _FILE_LINE.match(lines[i + 1])
        if func is None or where is None:
            bad = i if func is None else i + 1
            raise ParseError("malformed stack frame", line_no=first_line + bad, line=lines[bad])
        frames.append(Frame(func.group(1), where.group(1), int(where.group(2))))
    return tuple(frames)


def parse_events(source: str | Iterable[str]) -> ParsedEvents:
    """Parse `go tool trace -d=parsed` output: the whole text, or an iterable of lines."""
    parser = EventParser()
    if isinstance(source, str):
        source = source.replace("\r\n", "\n")
        parser.feed(source if source.endswith("\n") or not source else source + "\n")
    else:
        for line in source:
            parser.feed_line(line.rstrip("\r\n"))
    return parser.close()
