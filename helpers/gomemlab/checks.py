"""One verdict for every exercise, widget and notebook self-check.

A check returns a frozen `Verdict`: solved or "not yet", a message with the reason, and the
evidence the toolchain gave. A learner's wrong answer is never an error panel: code that does
not compile, panics or runs too long is a "not yet" that says so (`exercise` does the turning).
"""

from __future__ import annotations

import functools
import html
import inspect
import types
import typing
from collections.abc import Callable, Mapping
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
    UsageError,
)
from .paths import short

SOLVED = "✔ solved"
NOT_YET = "✘ not yet"
_COLOURS = {True: "#1a7f37", False: "#b35900"}


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: `passed`, a one-paragraph `message`, and the `evidence`
    (measured values by name) it rests on. Truthy when passed."""

    passed: bool
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

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

    def __bool__(self) -> bool:
        return self.passed

    @property
    def mark(self) -> str:
        """`✔ solved` or `✘ not yet`."""
        return SOLVED if self.passed else NOT_YET

    def __str__(self) -> str:
        return f"{self.mark}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.passed]
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
            f"it was still running after {error.timeout:g} s and was "
            "stopped: look for a loop that never ends"
        )
    if isinstance(error, GoRunError) and error.panic:
        return Verdict.not_yet(str(error).replace("the Go program panicked", "it panicked"))
    if isinstance(error, GoCommandError):
        return Verdict.not_yet(f"it did not run to the end: {error}")
    if isinstance(error, ParseError):
        return Verdict.not_yet(f"its output is not what the check reads: {error}")
    return Verdict.not_yet(str(error))


P = ParamSpec("P")
_RECORDERS: list[Callable[[str, bool], None]] = []


def on_outcome(recorder: Callable[[str, bool], None]) -> None:
    """Call `recorder(exercise, passed)` after every exercise check (`gomemlab.progress`
    registers itself here, so this bottom-layer module imports nothing above it)."""
    if recorder not in _RECORDERS:
        _RECORDERS.append(recorder)


_KINDS = {str: "text (str)", int: "a whole number (int)", float: "a number", bool: "True or False"}


def _accepts(value: Any, hint: Any) -> bool:
    """Whether `value` fits the annotation `hint` (classes, unions, generic aliases; anything
    else is taken on trust). bool is no number here, though Python says it is an int."""
    if hint is Any or hint is inspect.Parameter.empty:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(value, option) for option in typing.get_args(hint))
    if hint is None or hint is type(None):
        return value is None
    if origin is not None:
        hint = origin
    if not isinstance(hint, type):
        return True
    if hint in (int, float) and isinstance(value, bool):
        return False
    if hint is float:
        return isinstance(value, int | float)
    return isinstance(value, hint)


def _describe(hint: Any) -> str:
    options = (
        typing.get_args(hint)
        if typing.get_origin(hint) in (typing.Union, types.UnionType)
        else (hint,)
    )
    names = [
        _KINDS.get(
            o, "None" if o is type(None) else getattr(typing.get_origin(o) or o, "__name__", str(o))
        )
        for o in options
    ]
    return " or ".join(names)


def check_arguments(check: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Raise UsageError, naming the argument, for a value that does not fit `check`'s
    signature: a missing or unknown argument, a wrong type, text that is not valid Unicode,
    a timeout that is not a number > 0."""
    signature = inspect.signature(check)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        raise UsageError(f"{check.__name__}(): {error}") from None
    try:
        hints = typing.get_type_hints(check)
    except Exception:  # an annotation that does not resolve: check what we can
        hints = {}
    for name, value in bound.arguments.items():
        hint = hints.get(name, Any)
        if not _accepts(value, hint):
            raise UsageError(
                f"{check.__name__}(): {name} must be {_describe(hint)}, "
                f"not {type(value).__name__} {value!r:.60}"
            )
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                raise UsageError(
                    f"{check.__name__}(): {name} holds a character that is not valid Unicode "
                    f"({error.object[error.start : error.end]!r} at index {error.start}): "
                    "remove it"
                ) from None
        if name == "timeout":
            validate.timeout(value, f"{check.__name__}(): timeout")


class Exercise(Protocol[P]):
    """A check made total by `exercise`; `__wrapped__` is the check itself (solutions and
    tests call it to see the AssertionError rather than a Verdict)."""

    __wrapped__: Callable[P, Verdict]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Verdict:
        """The check's Verdict: solved, or "not yet" with the reason."""
        ...


def exercise(check: Callable[P, Verdict]) -> Exercise[P]:
    """Make a check total: an AssertionError (with its hint), a compile error, a panic, a
    timeout or unreadable output becomes a "not yet" Verdict; anything else still raises.
    Each outcome goes to the recorders of `on_outcome` (the learner's `gm.progress()`).
    Arguments that do not fit the check's signature are a UsageError, raised before anything
    runs and not recorded: a usage mistake is not an attempt."""

    name = f"{check.__module__.removeprefix('gomemlab.')}.{check.__name__}"

    @functools.wraps(check)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Verdict:
        check_arguments(check, args, kwargs)
        try:
            verdict = check(*args, **kwargs)
        except AssertionError as hint:
            verdict = Verdict.not_yet(str(hint) or "the check did not pass")
        except (GoCommandError, ParseError) as error:
            verdict = from_error(error)
        except UsageError:
            raise  # a usage mistake is not an attempt: nothing is recorded
        for recorder in _RECORDERS:
            recorder(name, verdict.passed)
        return verdict

    return wrapper
