"""One verdict for every exercise, widget and notebook self-check.

A check returns a frozen `Verdict`: solved or "not yet", a message with the reason, and the
evidence the toolchain gave. A learner's wrong answer is never an error panel: code that does
not compile, panics or runs too long is a "not yet" that says so (`exercise` does the turning).
"""

from __future__ import annotations

import contextlib
import functools
import html
import inspect
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ParamSpec, Protocol

from . import validate
from .errors import (
    GoBuildError,
    GoCommandError,
    GoRunError,
    GoTimeoutError,
    ParseError,
)
from .paths import short

SOLVED = "✔ solved"
NOT_YET = "✘ not yet"
UNTRIED_MARK = "○ not tried yet"
_COLOURS = {True: "#1a7f37", False: "#b35900", None: "#57606a"}


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: `passed`, a one-paragraph `message`, and the `evidence`
    (measured values by name) it rests on. Truthy when passed."""

    passed: bool
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    tried: bool = True
    """False for the starting code of an exercise, run before the learner changed it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", MappingProxyType(dict(self.evidence)))

    @classmethod
    def solved(cls, message: str, **evidence: Any) -> Verdict:
        """A passed check."""
        return cls(True, message, evidence)

    @classmethod
    def not_yet(cls, message: str, **evidence: Any) -> Verdict:
        """A check not passed yet; `message` says why."""
        return cls(False, message, evidence)

    @classmethod
    def untried(cls, message: str) -> Verdict:
        """Not passed, and not failed either: the learner has not changed the starting code."""
        return cls(False, message, {}, tried=False)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def mark(self) -> str:
        """`✔ solved`, `✘ not yet`, or `○ not tried yet` for untouched starting code."""
        if not self.tried:
            return UNTRIED_MARK
        return SOLVED if self.passed else NOT_YET

    def __str__(self) -> str:
        return f"{self.mark}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.passed if self.tried else None]
        body = html.escape(self.message)  # pre-wrap keeps its spaces and line breaks
        return (
            f'<div class="gml-verdict" style="border-left:4px solid {colour};'
            f'padding:2px 10px;margin:4px 0;white-space:pre-wrap">'
            f'<b style="color:{colour}">{self.mark}</b>: {body}</div>'
        )


def from_error(error: Exception) -> Verdict:
    """A "not yet" that says why a learner's code failed: compile error, panic, timeout."""
    if isinstance(error, GoBuildError):
        where = "\n".join(f"  {d}" for d in error.diagnostics[:5]) or short(error.stderr.strip())
        return Verdict.not_yet(f"the code does not compile:\n{where}")
    if isinstance(error, GoTimeoutError):
        return Verdict.not_yet(
            f"it was still running after {error.timeout:g} s and was stopped: look for a loop "
            "that never ends (a `for` whose condition stays true), fix it and run the cell again"
        )
    if isinstance(error, GoRunError) and error.panic:
        return Verdict.not_yet(str(error).replace("the Go program panicked", "it panicked"))
    if isinstance(error, GoCommandError):
        return Verdict.not_yet(f"it did not run to the end: {error}")
    if isinstance(error, ParseError):
        return Verdict.not_yet(f"its output is not what the check reads: {error}")
    return Verdict.not_yet(str(error))


def _limit(check: Callable[..., Any], kwargs: Mapping[str, Any]) -> float | None:
    """The timeout (seconds) a check runs under: its `timeout` argument, else its default."""
    value = kwargs.get("timeout")
    if value is None:
        parameter = inspect.signature(check).parameters.get("timeout")
        value = None if parameter is None else parameter.default
    return float(value) if isinstance(value, int | float) and value > 0 else None


def progress_line(elapsed: float, limit: float | None) -> str:
    """What a learner sees while a check runs: that it runs, for how long, and the way out."""
    bound = f" of at most {limit:g} s" if limit else ""
    return (
        f"⏳ the check is running: {elapsed:.0f} s{bound}. A loop that never ends runs until "
        "the limit; to stop it sooner, interrupt the kernel (the ■ button, or I I)."
    )


@contextlib.contextmanager
def running(check: Callable[..., Any], kwargs: Mapping[str, Any]) -> Iterator[None]:
    """In a notebook, a live line under the cell while `check` runs (elapsed and limit, updated
    every second, blanked at the end); elsewhere nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        yield
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        yield
        return
    limit, start, stop = _limit(check, kwargs), time.monotonic(), threading.Event()
    style = 'style="color:#57606a;margin:2px 0"'

    def shown(elapsed: float) -> dict[str, str]:
        line = progress_line(elapsed, limit)
        return {
            "text/plain": line,
            "text/html": f'<div class="gml-running" {style}>{html.escape(line)}</div>',
        }

    handle = display(shown(0), raw=True, display_id=True)

    def tick() -> None:
        while not stop.wait(1.0):
            handle.update(shown(time.monotonic() - start), raw=True)

    ticker = threading.Thread(target=tick, name="gomemlab-check-clock", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        handle.update({"text/plain": "", "text/html": ""}, raw=True)


P = ParamSpec("P")
_RECORDERS: list[Callable[[str, str, bool], None]] = []
REFERENCE_PASSES = "the reference solution passes the check"


def on_outcome(recorder: Callable[[str, str, bool], None]) -> None:
    """Call `recorder(exercise, title, passed)` after every attempt a learner makes
    (`gomemlab.progress` registers itself here, so this bottom-layer module imports nothing
    above it). Reference runs and untouched starting code are not attempts."""
    if recorder not in _RECORDERS:
        _RECORDERS.append(recorder)


class Exercise(Protocol[P]):
    """A check made total by `exercise`. Calling it is the learner's attempt (recorded);
    `.reference(...)` runs the same check on a hidden solution without recording it or saying
    "solved"; `__wrapped__` is the check itself (tests call it to see the AssertionError)."""

    __wrapped__: Callable[P, Verdict]
    name: str
    title: str

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Verdict:
        """The check's Verdict: solved, or "not yet" with the reason."""
        ...

    def reference(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run the check on the reference solution: prints that it passes, records nothing;
        an AssertionError when it does not (a fault of the lab, not of the learner)."""
        ...


def unchanged(start: Any) -> Callable[..., bool]:
    """An `untried` test for `exercise`: the first argument still equals `start` (text
    compared without its surrounding blank lines)."""

    def same(value: Any, *_args: Any, **_kwargs: Any) -> bool:
        if isinstance(value, str) and isinstance(start, str):
            return value.strip() == start.strip()
        return type(value) is type(start) and value == start

    return same


UNTRIED = "this is the starting code: change it as the exercise asks, then run the cell again"


def exercise(
    check: Callable[P, Verdict] | None = None,
    *,
    title: str | Callable[..., str] = "",
    untried: Callable[..., bool | str] | None = None,
    hint: str = "",
) -> Any:
    """Make a check total: an AssertionError (with its hint), a compile error, a panic, a
    timeout or unreadable output becomes a "not yet" Verdict; anything else still raises.

    Used bare (`@exercise`) or with `title="exercise 2: AddItem"` (what `gm.progress()` shows
    after the chapter, the `CHAPTER` of the check's module; a function of the check's
    arguments where one check serves several exercises) and `untried(*args, **kwargs)`, true
    (or a text saying what to do) for the cell's starting code, which gets a "not tried yet"
    Verdict and is not recorded.
    Each attempt goes to the recorders of `on_outcome` (the learner's `gm.progress()`);
    `.reference(...)` runs the check on a hidden solution and records nothing. Arguments that
    do not fit the check's signature are a UsageError, raised before anything runs and not
    recorded: a usage mistake is not an attempt. A `hint` is given only on request,
    `check.hint()`, never by a run (Run All would print it before anyone tried)."""
    if check is None:
        return functools.partial(exercise, title=title, untried=untried, hint=hint)
    name = f"{check.__module__.removeprefix('gomemlab.')}.{check.__name__}"

    def verdict_of(args: tuple, kwargs: dict) -> Verdict:
        try:
            with running(check, kwargs):
                return check(*args, **kwargs)
        except AssertionError as hint:
            return Verdict.not_yet(str(hint) or "the check did not pass")
        except (GoCommandError, ParseError) as error:
            return from_error(error)
        # a UsageError passes through: a usage mistake is not an attempt, nothing is recorded

    @functools.wraps(check)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Verdict:
        validate.fits(check, args, kwargs)
        said = untried(*args, **kwargs) if untried is not None else False
        if said:  # the starting code: not an attempt; a text is what to do instead
            return Verdict.untried(said if isinstance(said, str) else UNTRIED)
        verdict = verdict_of(args, kwargs)
        which = title(*args, **kwargs) if callable(title) else title
        key = f"{name}:{which}" if callable(title) else name
        for recorder in _RECORDERS:
            recorder(key, full_title(check.__module__, which, key), verdict.passed)
        return verdict

    def reference(*args: P.args, **kwargs: P.kwargs) -> None:
        validate.fits(check, args, kwargs)
        verdict = verdict_of(args, kwargs)
        if not verdict.passed:
            raise AssertionError(f"the reference solution fails its check: {verdict.message}")
        print(REFERENCE_PASSES)

    wrapper.name = name  # type: ignore[attr-defined]
    wrapper.title = title  # type: ignore[attr-defined]
    wrapper.untried = untried  # type: ignore[attr-defined]
    wrapper.reference = reference  # type: ignore[attr-defined]
    wrapper.hint = functools.partial(_give_hint, hint)  # type: ignore[attr-defined]
    return wrapper


def _give_hint(hint: str) -> None:
    print(f"Hint: {hint}" if hint else "No hint for this one: the check's message is the hint.")


def full_title(module: str, title: str, fallback: str) -> str:
    """ "01 new vs make · exercise 2: AddItem": the CHAPTER of the check's `module` and the
    exercise's `title` (`fallback`, the internal name, where either is missing)."""
    import sys

    chapter = getattr(sys.modules.get(module), "CHAPTER", "")
    return f"{chapter} · {title}" if chapter and title else fallback
