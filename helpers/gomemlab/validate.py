"""Check the arguments users pass to public entry points; each failure is a UsageError that
names the argument and says what it takes."""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
import re
import types
import typing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

from .errors import UsageError

_SIZE = re.compile(r"^(\d+)(B|KiB|MiB|GiB|TiB)?$")


def timeout(value: Any, name: str = "timeout") -> float:
    """A timeout in seconds: a finite number > 0."""
    return positive(value, name, unit="seconds")


def positive(value: Any, name: str, *, unit: str = "") -> float:
    """A finite number > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        what = f" ({unit})" if unit else ""
        raise UsageError(f"{name} must be a number > 0{what}, not {value!r}")
    return float(value)


def count(value: Any, name: str = "count", *, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole number in [minimum, maximum]."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        bound = f"from {minimum} to {maximum}" if maximum is not None else f"≥ {minimum}"
        raise UsageError(f"{name} must be a whole number {bound}, not {value!r}")
    return value


MAX_GOGC = 2**31 - 1
"""The runtime reads GOGC as a 32-bit number; a larger one silently means 100 (readGOGC in
runtime/mgcpacer.go), so it is refused here."""
MAX_BYTES = 2**63 - 1
"""GOMEMLIMIT is an int64 of bytes: a larger limit stops the program ("malformed GOMEMLIMIT")."""
MAX_PROCS = 1024
"""The most GOMAXPROCS (or -cpu entry) the lab passes on. Go takes any 32-bit count, but every
P has its own caches and run queue: 100000 Ps is a setting no machine has cores for."""
_UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def gogc(value: Any, name: str = "gogc") -> str:
    """A GOGC setting: a whole number from 0 to 2**31-1 or "off"; returned as the text Go
    reads."""
    if isinstance(value, str) and value.strip().lower() == "off":
        return "off"
    number = None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        number = value
    if number is not None and number <= MAX_GOGC:
        return str(number)
    if number is not None:
        raise UsageError(
            f"{name}={value!r} is beyond what Go reads (GOGC is a 32-bit number, at most "
            f'{MAX_GOGC}; a larger one would silently mean 100): use "off" for no GC'
        )
    raise UsageError(f'{name} must be a whole number ≥ 0 or "off" (like GOGC), not {value!r}')


def gomaxprocs(value: Any, name: str = "gomaxprocs") -> int:
    """A GOMAXPROCS: a whole number from 1 to MAX_PROCS."""
    return count(value, name, minimum=1, maximum=MAX_PROCS)


def mebibytes(value: Any, name: str, *, minimum: int = 0) -> int:
    """A whole number of MiB the program will hold live, at most this machine's memory."""
    amount = count(value, name, minimum=minimum)
    total = _physical_mib()
    if total and amount > total:
        raise UsageError(
            f"{name}={amount} MiB is more than this machine's memory ({total} MiB): the "
            "program would be killed; choose a smaller amount"
        )
    return amount


def _physical_mib() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return None


def memory_limit(value: Any, name: str = "memory_limit") -> str:
    """A GOMEMLIMIT setting: bytes as an int, text like "64MiB", or "off"."""
    size = None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        size, text = value, str(value)
    elif isinstance(value, str):
        text = value.strip()
        if text == "off":
            return text
        match = _SIZE.match(text)
        if match:
            size = int(match.group(1)) * _UNITS[match.group(2) or "B"]
    if size is not None and size > MAX_BYTES:
        raise UsageError(
            f'{name}={value!r} is beyond what Go reads (at most {MAX_BYTES} bytes): use "off" '
            "for no limit"
        )
    if size is not None:
        return text
    raise UsageError(
        f'{name} must be a number of bytes > 0, a size like "64MiB" '
        f'(B, KiB, MiB, GiB, TiB), or "off", not {value!r}'
    )


def choice(value: Any, options: Collection[Any], name: str) -> Any:
    """One of `options`."""
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise UsageError(f"{name} must be one of {listed}, not {value!r}")
    return value


def pattern(value: Any, name: str = "pattern") -> str:
    """A Go regular expression (as `-run`/`-bench` take): non-empty text Python can compile
    (the RE2 syntax Go uses is, for these patterns, a subset of Python's)."""
    if not isinstance(value, str) or not value or "\n" in value:
        raise UsageError(f"{name} must be a one-line regular expression, not {value!r}")
    try:
        re.compile(value)
    except re.error as error:
        raise UsageError(f"{name} {value!r} is not a valid regular expression: {error}") from None
    return value


def text(value: Any, name: str) -> str:
    """A str (not bytes: decode it first)."""
    if isinstance(value, bytes | bytearray):
        raise UsageError(
            f"{name} must be text (str), not bytes: decode it first, e.g. data.decode()"
        )
    if not isinstance(value, str):
        raise UsageError(f"{name} must be text (str), not {type(value).__name__}")
    return value


def arguments(value: Any, name: str = "args") -> list[str]:
    """Command-line arguments: a list of text (or paths) without NUL characters; a single
    string is refused (it would be split into characters or taken as one argument by
    mistake)."""
    if isinstance(value, str | bytes) or not isinstance(value, Collection):
        raise UsageError(
            f'{name} must be a list of arguments like ["-n", "3"], not {type(value).__name__} '
            f"{value!r:.60}"
        )
    found = []
    for i, item in enumerate(value):
        if not isinstance(item, str | os.PathLike):
            raise UsageError(f"{name}[{i}] must be text, not {type(item).__name__} {item!r:.60}")
        found.append(_clean(os.fspath(item), f"{name}[{i}]"))
    return found


def environment(value: Any, name: str = "env") -> dict[str, str]:
    """Environment variables: a mapping of names (no "=", not empty) to text values."""
    if not isinstance(value, Mapping):
        raise UsageError(
            f'{name} must be a mapping of names to text like {{"GOGC": "50"}}, not '
            f"{type(value).__name__} {value!r:.60}"
        )
    found = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or "=" in key:
            raise UsageError(f"{name}: {key!r} is not a variable name (text without '=')")
        if not isinstance(item, str):
            raise UsageError(
                f'{name}[{key!r}] must be text (e.g. "{item}"), not {type(item).__name__}'
            )
        found[_clean(key, name)] = _clean(item, f"{name}[{key!r}]")
    return found


def _clean(value: str, name: str) -> str:
    """Text a process can receive: no NUL character, no lone surrogate."""
    if "\0" in value:
        raise UsageError(f"{name} holds a NUL character (\\x00), which no program can receive")
    return source(value, name)


def source(value: Any, name: str) -> str:
    """Text that can be written to a file or passed to a program: a str without lone
    surrogates (which no UTF-8 file can hold)."""
    text(value, name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise UsageError(
            f"{name} holds a character that is not valid Unicode "
            f"({error.object[error.start : error.end]!r} at index {error.start}): remove it"
        ) from None
    return value


_KINDS = {str: "text (str)", int: "a whole number (int)", float: "a number", bool: "True or False"}
_LOOSE = (Sequence, Iterable, Collection, tuple, list)
"""Container hints taken as "any iterable but text": a numpy array or a pandas Series is as
good as a list where a sequence of numbers is meant."""


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
    kind = origin if origin is not None else hint
    if not isinstance(kind, type):
        return True
    if kind in _LOOSE:
        return not isinstance(value, str | bytes) and isinstance(value, Iterable)
    if kind in (int, float) and isinstance(value, bool):
        return False
    if kind is float:  # numpy's numbers too
        return isinstance(value, numbers.Real)
    if kind is int:
        return isinstance(value, numbers.Integral)
    if kind is os.PathLike or (isinstance(kind, type) and issubclass(kind, os.PathLike)):
        return isinstance(value, os.PathLike)
    try:
        return isinstance(value, kind)
    except TypeError:  # a Protocol that cannot be checked at run time
        return True


def _describe(hint: Any) -> str:
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    options = typing.get_args(hint) if union else (hint,)
    names = []
    for option in options:
        kind = typing.get_origin(option) or option
        if option is type(None):
            names.append("None")
        elif kind in _LOOSE:
            names.append("a list")
        elif kind is Mapping:
            names.append("a dict")
        else:
            names.append(_KINDS.get(kind, getattr(kind, "__name__", str(kind))))
    return " or ".join(names)


def fits(function: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Raise UsageError, naming the argument, for a call that does not fit `function`'s
    signature: a missing or unknown argument, a value of the wrong type, text that is not
    valid Unicode, a timeout that is not a number > 0."""
    name = function.__name__
    signature, hints = _annotations(function)
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as error:
        raise UsageError(f"{name}(): {error}") from None
    for argument, given in bound.arguments.items():
        kind = signature.parameters[argument].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:  # *options: the hint is each one's
            values = list(given)
        elif kind is inspect.Parameter.VAR_KEYWORD:
            values = list(given.values())
        else:
            values = [given]
        for value in values:
            _fits_one(name, argument, value, hints.get(argument, Any))


def _fits_one(name: str, argument: str, value: Any, hint: Any) -> None:
    if not _accepts(value, hint):
        raise UsageError(
            f"{name}(): {argument} must be {_describe(hint)}, "
            f"not {type(value).__name__} {value!r:.60}"
        )
    if isinstance(value, str) and len(value) < 2**20:
        source(value, f"{name}(): {argument}")
    if argument == "timeout" and value is not None:
        timeout(value, f"{name}(): timeout")


@functools.cache
def _annotations(function: Callable[..., Any]) -> tuple[inspect.Signature, dict[str, Any]]:
    """A function's signature and resolved annotations (once per function)."""
    try:
        hints = typing.get_type_hints(function)
    except Exception:  # an annotation that does not resolve: check what we can
        hints = {}
    return inspect.signature(function), hints


P = ParamSpec("P")
R = TypeVar("R")


def typed(function: Callable[P, R]) -> Callable[P, R]:
    """Check every call of `function` against its annotations first (see `fits`)."""

    @functools.wraps(function)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        fits(function, args, kwargs)
        return function(*args, **kwargs)

    return checked
