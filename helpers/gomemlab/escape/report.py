"""EscapeReport: the compiler's verdicts as a table, an annotated listing, a plot and checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .records import HEAP_KINDS, KINDS, LEAK_KINDS, EscapeMessage, category
from .source import Span, function_spans, innermost, top_level_functions

FRAME_COLUMNS = ("file", "line", "col", "kind", "category", "subject", "function", "message",
                 "flow")
ESCAPE_KINDS = ("moved_to_heap", "escapes_to_heap", "leaking_param", "leaking_param_content",
                "leaking_to_result", "does_not_escape")


class EscapeReport:
    """What the Go compiler said about escapes and inlining, one record per message.

    `messages` are `EscapeMessage` records in output order; `skipped` keeps every input line
    that was not a message (line number, text, reason); `sources` maps file names (as in
    the messages) to their text when the report came from `analyze`.
    """

    def __init__(self, messages: Sequence[EscapeMessage], *,
                 skipped: Iterable[tuple[int, str, str]] = (), packages: Sequence[str] = (),
                 sources: dict[str, str] | None = None, command: Sequence[str] = (),
                 seconds: float | None = None, level: int | None = None, label: str = ""):
        self.messages = list(messages)
        self.skipped = list(skipped)
        self.packages = list(packages)
        self.sources = dict(sources or {})
        self.command = list(command)
        self.seconds = seconds
        self.level = level
        self.label = label
        self.spans: dict[str, list[Span]] = {}
        if self.sources:
            self._locate_functions()

    # --- structure -------------------------------------------------------------------------

    def _locate_functions(self) -> None:
        """Give every message inside a known file the function whose body holds it."""
        from .parse import declarations

        named = declarations(self.messages)
        for file, text in self.sources.items():
            decls = {(line, name): (line, col, name) for line, col, name in named.get(file, [])}
            for line, col, name in top_level_functions(text):
                if not any(key[1] == name for key in decls):
                    decls[(line, name)] = (line, col, name)
            self.spans[file] = function_spans(text, sorted(decls.values()))
        for message in self.messages:
            spans = self.spans.get(message.file)
            if spans and message.line is not None and message.kind not in (
                    "can_inline", "cannot_inline", "closure_capture", "self_assignment"):
                span = innermost(spans, message.line, message.col)
                if span is not None:
                    message.function = span.name

    def __len__(self) -> int:
        return len(self.messages)

    def __iter__(self):
        return iter(self.messages)

    def __repr__(self) -> str:
        counts = ", ".join(f"{kind}={n}" for kind, n in self.counts().items())
        return f"<EscapeReport {self.label or ''} {len(self)} messages: {counts}>"

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for message in self.messages:
            found[message.kind] = found.get(message.kind, 0) + 1
        return {kind: found[kind] for kind in KINDS if kind in found}

    @property
    def frame(self):
        """One row per message. Columns: file, line, col (1-based; <NA> when not printed),
        kind, category (heap/stack/leak/inline/note), subject, function, message, flow (the
        -m=2 flow chain: a list of `flow: A ← B` / `from ... at ...` lines)."""
        import pandas as pd

        frame = pd.DataFrame(
            [(m.file, m.line, m.col, m.kind, m.category, m.subject, m.function, m.message,
              m.flow) for m in self.messages], columns=list(FRAME_COLUMNS))
        for column in ("line", "col"):
            frame[column] = frame[column].astype("Int64")
        return frame

    def summary(self, *, kinds: Sequence[str] = ESCAPE_KINDS):
        """Counts per function and kind (escape kinds by default): a deterministic table."""
        import pandas as pd

        rows = [(m.function or "(unknown)", m.kind) for m in self.messages if m.kind in kinds]
        frame = pd.DataFrame(rows, columns=["function", "kind"])
        table = pd.crosstab(frame["function"], frame["kind"]) if rows else pd.DataFrame()
        ordered = [kind for kind in kinds if kind in table.columns]
        return table.reindex(columns=ordered).rename_axis(None, axis=1)

    def only(self, *, file: str | None = None, functions: Sequence[str] | None = None
             ) -> EscapeReport:
        """A report of the messages in one file and/or some functions (sources kept)."""
        kept = [m for m in self.messages if (file is None or m.file == file)
                and (functions is None or m.function in functions)]
        sources = {f: t for f, t in self.sources.items() if file is None or f == file}
        narrowed = EscapeReport(kept, skipped=self.skipped, packages=self.packages,
                                command=self.command, seconds=self.seconds, level=self.level,
                                label=self.label)
        narrowed.sources = sources
        narrowed.spans = {f: s for f, s in self.spans.items() if f in sources}
        return narrowed

    # --- queries ---------------------------------------------------------------------------

    def about(self, subject: str | None = None, line: int | None = None, *,
              function: str | None = None, file: str | None = None,
              kinds: Sequence[str] | None = None) -> list[EscapeMessage]:
        """Messages matching every given filter (subject, line, function, file, kinds)."""
        return [m for m in self.messages
                if (subject is None or m.subject == subject)
                and (line is None or m.line == line)
                and (function is None or m.function == function)
                and (file is None or m.file == file)
                and (kinds is None or m.kind in kinds)]

    def verdict(self, subject: str, line: int | None = None, *, function: str | None = None
                ) -> str:
        """'heap', 'stack' or 'leak' for a subject, by the rules of `expect_heap`/`expect_stack`."""
        said = self.about(subject, line, function=function)
        if any(m.kind in HEAP_KINDS for m in said):
            return "heap"
        if any(m.kind in LEAK_KINDS for m in said):
            return "leak"
        return "stack"

    def line_of(self, text: str, *, function: str | None = None, file: str | None = None
                ) -> int:
        """The first line whose source contains `text` (inside `function`, if named)."""
        for name, source in self._files(file):
            span = self._span(name, function) if function else None
            for number, line in enumerate(source.splitlines(), start=1):
                if span and not span.start <= number <= span.end:
                    continue
                if text in line:
                    return number
        where = f" in {function}" if function else ""
        raise LookupError(f"no source line{where} contains {text!r}")

    def _files(self, file: str | None) -> list[tuple[str, str]]:
        if not self.sources:
            raise LookupError("this report has no source files (use gm.escape.analyze)")
        if file is not None:
            return [(file, self.sources[file])]
        return list(self.sources.items())

    def _span(self, file: str, function: str) -> Span | None:
        for span in self.spans.get(file, []):
            if span.name == function:
                return span
        return None

    def function_source(self, function: str) -> str:
        """The source text of one function (from its declaration to its closing brace)."""
        for file, spans in self.spans.items():
            for span in spans:
                if span.name == function:
                    lines = self.sources[file].splitlines()
                    start = span.start
                    while start > 1 and lines[start - 2].startswith("//"):
                        start -= 1  # keep the doc comment and directives
                    return "\n".join(lines[start - 1:span.end])
        raise LookupError(f"no function {function!r} in this report's sources")

    def show(self, *functions: str):
        """The named functions' Go source, highlighted."""
        from ..source import GoCode

        return GoCode("\n\n".join(self.function_source(f) for f in functions))

    # --- claim checks ----------------------------------------------------------------------

    def _said(self, subject: str, line: int | None, function: str | None) -> str:
        near = self.about(line=line) if line is not None else []
        named = self.about(subject, function=function)
        shown = list({id(m): m for m in near + named}.values())
        where = (f" at line {line}" if line is not None else "") + (
            f" in {function}" if function else "")
        if not shown:
            return f"The compiler said nothing about {subject!r}{where}."
        said = "\n".join(f"  {m}" for m in shown[:12])
        more = f"\n  ... and {len(shown) - 12} more" if len(shown) > 12 else ""
        return f"What the compiler said about {subject!r}{where}:\n{said}{more}"

    def expect_heap(self, subject: str, line: int | None = None, *,
                    function: str | None = None) -> EscapeMessage:
        """Assert the compiler moved `subject` to the heap (`moved to heap` / `escapes`)."""
        found = self.about(subject, line, function=function, kinds=HEAP_KINDS)
        if not found:
            raise AssertionError(f"expected {subject!r} on the heap, but it is not.\n"
                                 + self._said(subject, line, function))
        return found[0]

    def expect_stack(self, subject: str, line: int | None = None, *,
                     function: str | None = None) -> EscapeMessage | None:
        """Assert `subject` stays on the stack: no heap verdict, and either a `does not
        escape` verdict or (for a named variable, about which the compiler says nothing when
        it stays) the name really appears on that line or in that function."""
        heap = self.about(subject, line, function=function, kinds=HEAP_KINDS)
        if heap:
            raise AssertionError(f"expected {subject!r} on the stack, but it escapes.\n"
                                 + self._said(subject, line, function))
        stays = self.about(subject, line, function=function, kinds=("does_not_escape",))
        if stays:
            return stays[0]
        if self._appears(subject, line, function):
            return None
        raise AssertionError(
            f"cannot confirm {subject!r} stays on the stack: the compiler gave no verdict and "
            "the name is not in that source.\n" + self._said(subject, line, function))

    def _appears(self, subject: str, line: int | None, function: str | None) -> bool:
        if not re.fullmatch(r"[A-Za-z_]\w*", subject) or not self.sources:
            return False
        word = re.compile(rf"\b{re.escape(subject)}\b")
        for file, source in self.sources.items():
            lines = source.splitlines()
            span = self._span(file, function) if function else None
            if function and span is None:
                continue
            first, last = (span.start, span.end) if span else (1, len(lines))
            if line is not None:
                first, last = max(first, line), min(last, line)
            if any(word.search(text) for text in lines[first - 1:last]):
                return True
        return False

    def expect_leak(self, subject: str, line: int | None = None, *,
                    function: str | None = None) -> EscapeMessage:
        """Assert the compiler reports parameter `subject` as leaking (to heap or result)."""
        found = self.about(subject, line, function=function, kinds=LEAK_KINDS)
        if not found:
            raise AssertionError(f"expected parameter {subject!r} to leak, but it does not.\n"
                                 + self._said(subject, line, function))
        return found[0]

    def expect_inlined(self, callee: str, line: int | None = None, *,
                       function: str | None = None) -> EscapeMessage:
        """Assert the compiler inlined a call to `callee` (at `line` / in `function`)."""
        found = self.about(callee, line, function=function, kinds=("inlining_call",))
        if not found:
            raise AssertionError(f"expected a call to {callee!r} to be inlined, it is not.\n"
                                 + self._said(callee, None, None))
        return found[0]

    def expect_no_heap(self, function: str) -> None:
        """Assert nothing in `function` moves to the heap."""
        heap = self.about(function=function, kinds=HEAP_KINDS)
        if heap:
            said = "\n".join(f"  {m}" for m in heap)
            raise AssertionError(f"{function} still sends values to the heap:\n{said}")

    # --- views -----------------------------------------------------------------------------

    def plot(self, *, kinds: Sequence[str] = ESCAPE_KINDS, top: int = 30,
             title: str | None = None):
        """Counts of verdicts by kind per function (a horizontal stacked bar chart): the
        `top` functions with the most verdicts, in name order."""
        from .render import plot_counts

        table = self.summary(kinds=kinds)
        if len(table) > top:
            busiest = table.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top]
            table = table.loc[sorted(busiest)]
            title = title or (f"Where does each function's data go? The {top} functions with "
                              "the most verdicts")
        return plot_counts(table, title=title)

    def _repr_html_(self) -> str:
        from .render import report_html

        return report_html(self)

    def listing(self, *, functions: Sequence[str] | None = None, file: str | None = None):
        """The annotated listing (IPython HTML), optionally only some functions' lines."""
        from IPython.display import HTML

        from .render import report_html

        return HTML(report_html(self, functions=functions, file=file))


def kinds_in(messages: Iterable[EscapeMessage]) -> set[str]:
    return {category(m.kind) for m in messages}
