"""The escape notebook's exercises: self-checks against the real compiler, as Verdicts."""

from __future__ import annotations

from .. import checks, validate
from ..checks import Verdict
from ..errors import UsageError
from .run import analyze


@checks.exercise
def check_no_heap(source: str, function: str) -> Verdict:
    """Compile `source` (-m=2) and check that `function` is still there and sends nothing to
    the heap. Code that does not compile or takes too long is a "not yet" saying so; the
    report the check read is `verdict.evidence["report"]`."""
    validate.text(source, "source")
    if not isinstance(function, str) or not function.isidentifier():
        raise UsageError(f"function must be the name of a Go function, not {function!r}")
    report = analyze(source, level=2, timeout=60)
    if function not in report.functions():
        return Verdict.not_yet(f"there is no function {function} in the code any more: keep "
                               "its name", report=report)
    heap = report.about(function=function, kinds=("moved_to_heap", "escapes_to_heap"))
    if heap:
        said = "\n".join(f"  line {m.line}: {m.message}" for m in heap)
        return Verdict.not_yet(f"{function} still sends values to the heap:\n{said}",
                               report=report, heap=tuple(heap))
    return Verdict.solved(f"the compiler keeps everything in {function} off the heap",
                          report=report)
