"""Old names kept working while notebooks and users move to the new ones."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def deprecated(instead: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a function as an old name: each call warns (FutureWarning, so a learner sees it
    in a notebook) to use `instead`, then runs as before."""

    def mark(old: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(old)
        def warn_then_call(*args: P.args, **kwargs: P.kwargs) -> R:
            warnings.warn(
                f"{old.__qualname__} is an old name: use {instead}", FutureWarning, stacklevel=2
            )
            return old(*args, **kwargs)

        return warn_then_call

    return mark


def old_names(module: str, renamed: dict[str, str], namespace: dict[str, object]) -> Callable:
    """A module `__getattr__` that serves each old name in `renamed` (old → new) as the
    object now called new, warning (FutureWarning) to use the new name."""

    def __getattr__(name: str) -> object:
        if name in renamed:
            warnings.warn(
                f"{module}.{name} is an old name: use {module}.{renamed[name]}",
                FutureWarning,
                stacklevel=2,
            )
            return namespace[renamed[name]]
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
