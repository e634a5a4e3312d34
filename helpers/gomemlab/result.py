"""What every result object shares: a private table, `.frame` as a copy, documented columns,
its plot kinds, and the one-line repr naming the command that made it.

A result is a `@dataclass(frozen=True, eq=False, repr=False)` subclass of `FrozenResult` with a
`provenance` field. Its tables are computed once and kept private; every public table is a
copy, so `result.frame.drop(..., inplace=True)` changes the caller's copy, never what
`summary()`, `expect_*` or `plot()` read. A copy is deep because pandas before 3.0 shares
data between a shallow copy and its source unless copy-on-write is switched on process-wide,
which a library must not do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from .provenance import Provenance, ResultRepr

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FrameDoc", "FrozenResult", "table_property"]

Owner = TypeVar("Owner")


class table_property(Generic[Owner]):
    """Like `functools.cached_property` for a DataFrame, but each access returns a copy of the
    cached table: the cache stays private, so no caller can change what the result reads."""

    def __init__(self, build: Callable[[Owner], pd.DataFrame]) -> None:
        self.build = build
        self.__doc__ = build.__doc__
        self.key = f"_table_{build.__name__}"

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_table_{name}"

    @overload
    def __get__(self, instance: None, owner: type) -> table_property[Owner]: ...
    @overload
    def __get__(self, instance: Owner, owner: type) -> pd.DataFrame: ...
    def __get__(self, instance: Owner | None, owner: type) -> Any:
        if instance is None:
            return self
        return self.private(instance).copy()

    def private(self, instance: Owner) -> pd.DataFrame:
        """The cached table itself, for the result's own read-only use (never hand it out)."""
        cache = instance.__dict__
        if self.key not in cache:
            cache[self.key] = self.build(instance)
        return cache[self.key]


class FrameDoc(dict[str, str]):
    """Column → meaning with its unit, in column order. A key ending in `*` stands for the
    columns named after the data (`sub.*`: one per sub-benchmark key). Prints as a table."""

    def covers(self, column: str) -> bool:
        """Whether `column` is documented, by name or by a `*` pattern."""
        return column in self or any(
            key.endswith("*") and column.startswith(key[:-1]) for key in self
        )

    def __str__(self) -> str:
        width = max(map(len, self), default=0)
        return "\n".join(f"{name:<{width}}  {meaning}" for name, meaning in self.items())


class FrozenResult(ResultRepr):
    """Base of every result class (see the module docstring).

    Subclasses set `FRAME_DOC` (column of `.frame` → meaning with its unit; a key may be a
    pattern such as `sub.*` for columns named after the data) and `PLOT_KINDS` (what
    `.plot(kind=...)` draws; empty when it draws nothing). A subclass that keeps its table in a
    `_table` field gets `.frame` from here; one that computes it defines `frame` itself and
    returns a new DataFrame on every access.
    """

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc()
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ()

    if TYPE_CHECKING:  # a field of every subclass (or a property, for one made of others)

        @property
        def provenance(self) -> Provenance:
            """The command that made the data, the Go release and the seconds it took."""

    @property
    def frame(self) -> pd.DataFrame:
        """The result's table (columns in `FRAME_DOC`): a copy, yours to change."""
        table: pd.DataFrame | None = getattr(self, "_table", None)
        if table is None:
            raise AttributeError(f"a {type(self).__name__} has no table")
        return table.copy()
