"""Check the arguments users pass to public entry points; each failure is a UsageError that
names the argument and says what it takes."""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from typing import Any

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


def gogc(value: Any, name: str = "gogc") -> str:
    """A GOGC setting: a whole number ≥ 0 or "off"; returned as the text Go reads."""
    if isinstance(value, str) and value.strip().lower() == "off":
        return "off"
    if isinstance(value, str) and value.strip().isdigit():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    raise UsageError(f'{name} must be a whole number ≥ 0 or "off" (like GOGC), not {value!r}')


def memory_limit(value: Any, name: str = "memory_limit") -> str:
    """A GOMEMLIMIT setting: bytes as an int, text like "64MiB", or "off"."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "off" or _SIZE.match(text):
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
