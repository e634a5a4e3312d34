"""Parse the text of `go tool trace -d=parsed FILE` (Go 1.22+ trace format) into records.

One event per line::

    M=32203 P=0 G=25 RangeBegin Time=1167289881344 Name="stop-the-world (...)" Scope=Goroutine(25)

optionally followed by stack blocks (a `Stack=` or `TransitionStack=` line, frame lines
`<TAB>func @ 0xPC` / `<TAB><TAB>file:line`, then an empty line). The parser is pure, total and
streaming: feed it lines one at a time (`EventParser.feed_line`) or text (`feed`), or call
`parse_events` on text, bytes or any iterable of lines. Identical stacks are stored once
(`stacks`); events refer to them by id. A line it cannot read is a `ParseError` naming it,
and so is a number that does not fit the trace's int64 (e.g. a huge `Time=`).

`parse_columns` reads the same records from the compact columns the compiled trace reader
writes (`_reader/main.go`, run by `fastread`), which is how `load` reads a trace file.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NoReturn, cast

import numpy as np

from ..errors import ParseError, UsageError
from .records import EVENT_COLUMNS, EVENT_KINDS, ParsedEvents, StackFrame

COLUMNS = EVENT_COLUMNS
INT64_MAX = (1 << 63) - 1
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


_EVENT = re.compile(r"M=(-?\d+) P=(-?\d+) G=(-?\d+) (\w+) Time=(-?\d+)(?: ([^\n]*))?\n")
# The fast paths take numbers of at most 18 digits (always within int64); a longer one falls
# through to the general path, which checks its range and names the line if it does not fit.
_N = r"(-?\d{1,18})"
_T = r"(\d{1,18})"
_FAST = re.compile(  # the two commonest shapes, whole line in one match
    rf"M={_N} P={_N} G={_N} (?:StateTransition Time={_T} (GoID|ProcID)={_N} "
    r'(\w+)->(\w+) Reason="([^"\\\n]*)"|Metric Time=' + _T + r' Name="([^"\\\n]*)" '
    r"Value=Value\{Uint64\((\d+)\)\})\n"
)
_FAST_RANGE = re.compile(  # ranges with a plain name; Attributes only on RangeEnd (checked)
    rf"M={_N} P={_N} G={_N} (RangeBegin|RangeActive|RangeEnd) Time={_T} "
    rf'Name="([^"\\\n]*)" Scope=(?:None|(Goroutine|Proc)\({_N}\))'
    r"(?: Attributes=\[([^\n]*)\])?\n"
)
_Q_PLAIN = r'"([^"\\\n]*)"'  # a %q string without escapes
_BLOCK = r"(?:Stack|TransitionStack)=\n(?:\t[^\n]*+\n)*+\n"
_STREAM = re.compile(  # the common shapes, with their stack blocks, in one match each
    rf"^M={_N} P={_N} G={_N} (?:"
    rf"StateTransition Time={_T} (GoID|ProcID)={_N} (\w+)->(\w+) Reason={_Q_PLAIN}"
    rf"|Metric Time={_T} Name={_Q_PLAIN} Value=Value\{{Uint64\((\d+)\)\}}"
    rf"|(RangeBegin|RangeActive) Time={_T} Name={_Q_PLAIN} Scope=(?:None|(Goroutine|Proc)\({_N}\))"
    rf"|RangeEnd Time={_T} Name={_Q_PLAIN} Scope=(?:None|(Goroutine|Proc)\({_N}\))"
    rf" Attributes=\[([^\n]*)\]"
    r"|(\w+) Time=(-?\d+)(?: ([^\n]*))?"  # any other event: its fields read by `_event`
    rf")\n((?:{_BLOCK})+)?(?=M=|\Z)",
    re.MULTILINE,
)
"""One event line and its stack blocks, followed by the next event or the end: what `_stream`
reads without the general step's per-line checks (the common shapes in one match)."""
_WINDOW = 1 << 18
"""Characters `_stream` matches at a time (then on to the next event line)."""
_SCOPES = {"Goroutine": "goroutine", "Proc": "proc"}
_STACK_HEADERS = ("Stack=\n", "TransitionStack=\n")
_STACK_START = re.compile(r"\w*Stack=\n")
_BLANKS = re.compile(r"(?:[ \t]*\n)*")
_blanks = cast("Callable[[str, int, int], re.Match[str]]", _BLANKS.match)
"""`_BLANKS.match`, which matches everywhere (maybe empty): never None."""
CHUNK_LINES = 20_000
"""Lines a streaming reader collects before it parses them (bounds the text held)."""
_CHUNK_LINES = CHUNK_LINES
HEAD_LINES = 40


class EventParser:
    """A streaming parser: `feed(text)` with whole lines (or `feed_line(line)`), then `close()`.

    Text is scanned a chunk at a time with one regular expression per event, so the Python
    work is per event, not per stack line; identical stack blocks are looked up, not reparsed.
    """

    def __init__(self) -> None:
        """An empty parser, at line 1."""
        self._rows: list[tuple] = []
        self._stack: list[int] = []
        self._tstack: list[int] = []
        self._stacks: list[tuple[StackFrame, ...]] = []
        self._head: list[str] = []
        self._lines = 0
        self._stack_ids: dict[str, int] = {}
        self._blocks: dict[str, tuple[int, int, int]] = {}  # stack ids and line count
        self._tail = ""
        self._line_no = 1  # line number of the first line of `_tail`
        self._pending: list[str] = []

    def feed_line(self, line: str) -> None:
        """Add one line (without its newline); parsed in chunks of lines."""
        self._pending.append(line)
        if len(self._pending) >= _CHUNK_LINES:
            self._flush_lines()

    def feed_lines(self, lines: list[str]) -> None:
        """Add whole lines (without their newlines), e.g. a chunk a reader collected."""
        if lines:
            self._flush_lines()
            self._note_head(lines)
            self._consume("\n".join(lines) + "\n", final=False)

    def _note_head(self, lines: list[str]) -> None:
        if len(self._head) < HEAD_LINES:
            self._head.extend(lines[: HEAD_LINES - len(self._head)])

    def feed(self, text: str) -> None:
        """Add text made of whole lines; complete events in it are parsed now."""
        if self._pending:
            self._flush_lines()
        if len(self._head) < HEAD_LINES:
            self._head.extend(text[:20_000].split("\n")[: HEAD_LINES - len(self._head)])
        self._consume(text, final=False)

    def close(self) -> ParsedEvents:
        """Parse what is left and return everything read (frozen)."""
        self._flush_lines()
        self._consume("", final=True)
        return ParsedEvents(
            rows=tuple(self._rows),
            stack=tuple(self._stack),
            transition_stack=tuple(self._tstack),
            stacks=tuple(self._stacks),
            lines=self._lines,
            head=tuple(self._head),
        )

    def _flush_lines(self) -> None:
        if self._pending:
            lines, self._pending = self._pending, []
            self._note_head(lines)
            self._consume("\n".join(lines) + "\n", final=False)

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

    def _stream(self, text: str, pos: int, stop: int, line_no: int) -> tuple[int, int]:
        """Parse events and their stack blocks from `pos` while they follow one another as the
        tool prints them; return where (and on which line) anything else begins, or `stop`."""
        findall, finditer, count = _STREAM.findall, _STREAM.finditer, text.count
        while pos < stop and text.startswith("M=", pos):
            end = stop
            if stop - pos > _WINDOW:
                cut = text.find("\nM=", pos + _WINDOW, stop)
                end = stop if cut < 0 else cut + 1
            found = findall(text, pos, end)
            # Each match starts at an event line and ends where the next event line (or the
            # window's end) begins; no match holds another event line. So when there are as
            # many matches as event lines in the window, they tile it.
            if len(found) == count("\nM=", pos, end) + 1:
                line_no = self._rows_of(found, line_no)
                pos = end
                continue
            for match in finditer(text, pos, end):
                if match.start() != pos:
                    break
                line_no = self._rows_of((match.groups(),), line_no)
                pos = match.end()
            if pos < end:
                break
        return pos, line_no

    def _rows_of(self, found: Iterable[tuple], line_no: int) -> int:
        """Add the rows of `_STREAM` matches (their groups); the line number after them."""
        add_row, add_stack, add_tstack = self._rows.append, self._stack.append, self._tstack.append
        blocks, scopes = self._blocks, _SCOPES
        for (
            m,
            p,
            g,
            time,
            res,
            rid,
            old,
            new,
            reason,
            mtime,
            name,
            value,
            kind,
            btime,
            bname,
            bscope,
            bsid,
            etime,
            ename,
            escope,
            esid,
            attributes,
            gkind,
            gtime,
            grest,
            block,
        ) in found:
            if time:  # findall gives '' for a group that took no part, finditer None
                add_row(
                    (
                        int(time),
                        int(m),
                        int(p),
                        int(g),
                        "StateTransition",
                        "goroutine" if res == "GoID" else "proc",
                        int(rid),
                        "",
                        old,
                        new,
                        None,
                        reason,
                        -1,
                        line_no,
                    )
                )
            elif mtime:
                add_row(
                    (
                        int(mtime),
                        int(m),
                        int(p),
                        int(g),
                        "Metric",
                        "",
                        -1,
                        name,
                        "",
                        "",
                        float(value),
                        "",
                        -1,
                        line_no,
                    )
                )
            elif btime:
                add_row(
                    (
                        int(btime),
                        int(m),
                        int(p),
                        int(g),
                        kind,
                        scopes.get(bscope, "none"),
                        int(bsid) if bsid else -1,
                        bname,
                        "",
                        "",
                        None,
                        "",
                        -1,
                        line_no,
                    )
                )
            elif etime:
                add_row(
                    (
                        int(etime),
                        int(m),
                        int(p),
                        int(g),
                        "RangeEnd",
                        scopes.get(escope, "none"),
                        int(esid) if esid else -1,
                        ename,
                        "",
                        "",
                        None,
                        attributes,
                        -1,
                        line_no,
                    )
                )
            else:
                line = f"M={m} P={p} G={g} {gkind} Time={gtime}" + (f" {grest}" if grest else "")
                add_row(self._event((m, p, g, gkind, gtime, grest), line_no, line + "\n", 0))
            if not block:
                add_stack(-1)
                add_tstack(-1)
                line_no += 1
            else:
                ids = blocks.get(block)
                if ids is None:
                    ids = blocks[block] = (
                        *self._parse_blocks(block, line_no + 1),
                        block.count("\n"),
                    )
                add_stack(ids[0])
                add_tstack(ids[1])
                line_no += 1 + ids[2]
        return line_no

    def _scan(self, text: str, stop: int) -> None:
        rows, stack, tstack = self._rows, self._stack, self._tstack
        add_row, add_stack, add_tstack = rows.append, stack.append, tstack.append
        blocks, event = self._blocks, self._event
        fast, fast_range = _FAST.match, _FAST_RANGE.match
        match_event, stack_start = _EVENT.match, _STACK_START.match
        blanks = _blanks
        count, find, startswith = text.count, text.find, text.startswith
        line_no = self._line_no
        pos = blanks(text, 0, stop).end()
        line_no += count("\n", 0, pos)
        while pos < stop:
            pos, line_no = self._stream(text, pos, stop, line_no)
            if pos >= stop:
                break
            found = fast(text, pos, stop)
            if found is not None:
                m, p, g, time, res, rid, old, new, reason, mtime, name, value = found.groups()
                if time is not None:
                    add_row(
                        (
                            int(time),
                            int(m),
                            int(p),
                            int(g),
                            "StateTransition",
                            "goroutine" if res == "GoID" else "proc",
                            int(rid),
                            "",
                            old,
                            new,
                            None,
                            reason,
                            -1,
                            line_no,
                        )
                    )
                else:
                    add_row(
                        (
                            int(mtime),
                            int(m),
                            int(p),
                            int(g),
                            "Metric",
                            "",
                            -1,
                            name,
                            "",
                            "",
                            float(value),
                            "",
                            -1,
                            line_no,
                        )
                    )
            elif (found := fast_range(text, pos, stop)) is not None and (
                found.group(4) == "RangeEnd"
            ) == (found.group(9) is not None):
                m, p, g, kind, time, name, scope, sid, attributes = found.groups()
                add_row(
                    (
                        int(time),
                        int(m),
                        int(p),
                        int(g),
                        kind,
                        _SCOPES.get(scope, "none"),
                        int(sid) if sid is not None else -1,
                        name,
                        "",
                        "",
                        None,
                        attributes or "",
                        -1,
                        line_no,
                    )
                )
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
                    if block_end >= stop or not (
                        startswith(_STACK_HEADERS, block_end)
                        or (text[block_end] != "M" and stack_start(text, block_end, stop))
                    ):
                        break
                block = text[pos:block_end]
                ids = blocks.get(block)
                if ids is None:
                    ids = blocks[block] = (*self._parse_blocks(block, line_no), block.count("\n"))
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
        self._lines = line_no - 1

    def _fail(self, text: str, pos: int, line_no: int) -> NoReturn:
        end = text.find("\n", pos)
        line = text[pos : end if end >= 0 else len(text)]
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
                raise ParseError("not a stack header or frame line", line_no=line_no + i, line=line)
            kind, frames = line[:-1], []
        return ids["Stack"], ids["TransitionStack"]

    def _intern(self, lines: list[str], first_line: int) -> int:
        key = "\n".join(lines)
        stack_id = self._stack_ids.get(key)
        if stack_id is None:
            stack_id = self._stack_ids[key] = len(self._stacks)
            self._stacks.append(_frames(lines, first_line))
        return stack_id

    def _event(self, groups: tuple, line_no: int, text: str, pos: int) -> tuple:
        m, p, g, kind, time, rest = groups
        rest = rest or ""
        if max(len(m), len(p), len(g), len(time)) > 18:
            # (a time may be negative: traces of Go 1.21 and older start with Sync Time=-1)
            line = text[pos : text.find("\n", pos)]
            m, p, g, time = (
                _int(x, f, line_no, line) for x, f in ((m, "M"), (p, "P"), (g, "G"), (time, "Time"))
            )
        resource, resource_id, name, old, new, detail = "", -1, "", "", "", ""
        value, task = None, -1
        if kind == "StateTransition":
            match = _TRANSITION.match(rest)
            if match:
                res, rid, old, new, reason = match.groups()
                resource = "goroutine" if res == "GoID" else "proc"
                resource_id, detail = self._id(rid, text, pos, line_no), unquote(reason)
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
            resource, resource_id = self._resource(match.group(2), text, pos, line_no)
            if kind == "RangeEnd":
                detail = match.group(3)
        elif kind == "Label":
            match = _LABEL.match(rest) or self._malformed(kind, text, pos, line_no)
            name = unquote(match.group(1))
            resource, resource_id = self._resource(match.group(2), text, pos, line_no)
        else:
            kind, name, value, detail, task = self._annotation(kind, rest, text, pos, line_no)
        return (
            int(time),
            int(m),
            int(p),
            int(g),
            kind,
            resource,
            resource_id,
            name,
            old,
            new,
            value,
            detail,
            task,
            line_no,
        )

    def _annotation(
        self, kind: str, rest: str, text: str, pos: int, line_no: int
    ) -> tuple[str, str, float | None, str, int]:
        """kind, name, value, detail and task of the other kinds (tasks, regions, logs, ...)."""
        name, detail, value, task = "", "", None, -1
        if kind in ("TaskBegin", "TaskEnd"):
            match = _TASK.match(rest) or self._malformed(kind, text, pos, line_no)
            task, value = self._id(match.group(1), text, pos, line_no), float(match.group(2))
            name = unquote(match.group(3))
        elif kind in ("RegionBegin", "RegionEnd"):
            match = _REGION.match(rest) or self._malformed(kind, text, pos, line_no)
            task, name = self._id(match.group(1), text, pos, line_no), unquote(match.group(2))
        elif kind == "Log":
            match = _LOG.match(rest) or self._malformed(kind, text, pos, line_no)
            task = self._id(match.group(1), text, pos, line_no)
            name, detail = unquote(match.group(2)), unquote(match.group(3))
        elif kind == "Sync":
            match = _SYNC.match(rest) or self._malformed(kind, text, pos, line_no)
            value, detail = float(match.group(1)), rest
        elif kind == "Experimental":
            match = _EXPERIMENTAL.match(rest) or self._malformed(kind, text, pos, line_no)
            name, detail = match.group(1), match.group(2)
        elif kind in EVENT_KINDS:  # StackSample: nothing beyond the header
            detail = rest
        else:
            name, detail, kind = kind, rest, "other"
        return kind, name, value, detail, task

    @staticmethod
    def _id(digits: str, text: str, pos: int, line_no: int) -> int:
        if len(digits) <= 18:
            return int(digits)
        return _int(digits, "an id", line_no, text[pos : text.find("\n", pos)])

    def _resource(self, text: str, event: str, pos: int, line_no: int) -> tuple[str, int]:
        if text == "None":
            return "none", -1
        match = _RESOURCE.match(text)
        if match is None:
            raise ParseError(f"{event}: {text!r} names no resource", line_no=line_no)
        return match.group(1).lower(), self._id(match.group(2), event, pos, line_no)

    @staticmethod
    def _malformed(kind: str, text: str, pos: int, line_no: int):
        end = text.find("\n", pos)
        raise ParseError(f"malformed {kind} event", line_no=line_no, line=text[pos:end])


def _int(digits: str, field: str, line_no: int, line: str) -> int:
    """`digits` as an int, if it fits the int64 the trace format uses (else a ParseError)."""
    value = int(digits)
    if not -INT64_MAX <= value <= INT64_MAX:
        raise ParseError(
            f"{field}={digits[:30]} is out of range (-(2^63-1) to 2^63-1): not a "
            "`go tool trace -d=parsed` number",
            line_no=line_no,
            line=line,
        )
    return value


def _frames(lines: list[str], first_line: int) -> tuple[StackFrame, ...]:
    if len(lines) % 2:
        raise ParseError(
            "a stack frame lacks its file:line", line_no=first_line + len(lines) - 1, line=lines[-1]
        )
    frames = []
    for i in range(0, len(lines), 2):
        func, where = _FUNC_LINE.match(lines[i]), _FILE_LINE.match(lines[i + 1])
        if func is None or where is None:
            bad = i if func is None else i + 1
            raise ParseError("malformed stack frame", line_no=first_line + bad, line=lines[bad])
        frames.append(
            StackFrame(
                func.group(1),
                where.group(1),
                _int(where.group(2), "line", first_line + i + 1, lines[i + 1]),
            )
        )
    return tuple(frames)


def parse_events(source: str | bytes | Iterable[str | bytes]) -> ParsedEvents:
    """Parse `go tool trace -d=parsed` output: the whole text, or an iterable of lines.

    Bytes (the text as the tool wrote it, or lines of it) are decoded as UTF-8, an invalid byte
    becoming U+FFFD (as `load` reads the tool's pipe). Anything else is a UsageError.
    """
    parser = EventParser()
    if isinstance(source, bytes | bytearray | memoryview):
        source = bytes(source).decode("utf-8", errors="replace")
    if isinstance(source, str):
        source = source.replace("\r\n", "\n")
        parser.feed(source if source.endswith("\n") or not source else source + "\n")
        return parser.close()
    if not isinstance(source, Iterable):
        raise UsageError(
            "parse takes the text of `go tool trace -d=parsed` (str or bytes) or "
            f"an iterable of its lines, not {type(source).__name__}"
        )
    for line in source:
        if isinstance(line, bytes | bytearray):
            line = bytes(line).decode("utf-8", errors="replace")
        elif not isinstance(line, str):
            raise UsageError(f"parse takes lines of text (str or bytes), not {type(line).__name__}")
        parser.feed_line(line.rstrip("\r\n"))
    return parser.close()


_COLUMNS_MAGIC = b"GMTRACE1"
_FRAME = np.dtype([("func", "<i4"), ("file", "<i4"), ("line", "<i8")])


class _Columns:
    """Reads the arrays of a compact columns file in order, checking every size."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, len(_COLUMNS_MAGIC)

    def array(self, dtype: str | np.dtype, count: int) -> np.ndarray:
        dtype = np.dtype(dtype)
        end = self.pos + dtype.itemsize * count
        if count < 0 or end > len(self.data):
            raise ValueError(f"it ends early (byte {len(self.data):,} of {end:,})")
        found = np.frombuffer(self.data, dtype, count, self.pos)
        self.pos = end
        return found

    def number(self, dtype: str) -> int:
        return int(self.array(dtype, 1)[0])

    def text(self) -> str:
        size = self.number("<u4")
        if self.pos + size > len(self.data):
            raise ValueError("a string runs past the end")
        self.pos += size
        return self.data[self.pos - size : self.pos].decode("utf-8")


def parse_columns(data: bytes) -> ParsedEvents:
    """The records of the compact columns file the compiled trace reader writes (its layout is
    in `_reader/main.go`): the same `ParsedEvents` `parse_events` makes of the text of `go tool
    trace -d=parsed` for that trace. Anything else is a ParseError."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UsageError(f"parse_columns takes bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data.startswith(_COLUMNS_MAGIC):
        raise ParseError("not a trace reader columns file (no GMTRACE1 header)")
    try:
        with _collector_paused():
            return _parse_columns(_Columns(data))
    except (ValueError, IndexError, UnicodeDecodeError, OverflowError) as error:
        raise ParseError(f"a broken trace reader columns file: {error}") from None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a million row tuples (which hold no cycles) are made:
    left on, it walks the growing heap again and again and doubles the time."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _parse_columns(read: _Columns) -> ParsedEvents:
    n = read.number("<u8")
    ints = [read.array("<i8", n) for _ in range(9)]
    value = read.array("<f8", n)
    codes = [read.array("<i4", n) for _ in range(6)]
    frames = [read.array(_FRAME, read.number("<u4")) for _ in range(read.number("<u4"))]
    lines = read.number("<u8")
    head = read.array("<i4", read.number("<u4"))
    table = [read.text() for _ in range(read.number("<u4"))]
    if read.pos != len(read.data):
        raise ValueError(f"{len(read.data) - read.pos:,} bytes after the end")
    in_frames = [f[part] for f in frames for part in ("func", "file")]
    for column in [*codes, head, *in_frames]:
        if len(column) and not (column.min() >= 0 and column.max() < len(table)):
            raise ValueError("a string code outside the table")
    for column in ints[7:]:
        if len(column) and not (column.min() >= -1 and column.max() < len(frames)):
            raise ValueError("a stack id outside the stacks")
    strings = np.array(table, dtype=object)
    time, m, p, g, resource_id, task, line_no, stack, tstack = (c.tolist() for c in ints)
    kind, resource, name, old, new, text = (strings[c].tolist() for c in codes)
    values = [None if v != v else v for v in value.tolist()]  # NaN: no value
    rows = tuple(
        zip(
            time,
            m,
            p,
            g,
            kind,
            resource,
            resource_id,
            name,
            old,
            new,
            values,
            text,
            task,
            line_no,
            strict=True,
        )
    )
    stacks = tuple(
        tuple(StackFrame(table[f], table[file], line) for f, file, line in each.tolist())
        for each in frames
    )
    return ParsedEvents(
        rows=rows,
        stack=tuple(stack),
        transition_stack=tuple(tstack),
        stacks=stacks,
        lines=lines,
        head=tuple(strings[head].tolist()),
    )
