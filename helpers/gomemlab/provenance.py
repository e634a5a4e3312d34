"""Where a result came from: the full command, the Go release, and how long it took."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from dataclasses import dataclass

from .paths import shell_text


@dataclass(frozen=True)
class Provenance:
    """How a result was made: one per result object.

    `command` is the full argument list of the run that produced the data; `build_seconds`
    and `run_seconds` are wall times of the compile and of the run itself (0.0 when there was
    none); `files` are the files the run wrote and the result read (profiles, traces, logs).
    """

    command: tuple[str, ...] = ()
    go_version: str = ""
    build_seconds: float = 0.0
    run_seconds: float = 0.0
    files: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        command: Iterable[str | os.PathLike] = (),
        *,
        go_version: str = "",
        build_seconds: float = 0.0,
        run_seconds: float = 0.0,
        files: Iterable[str | os.PathLike] = (),
    ) -> Provenance:
        """A Provenance from any iterables of paths or strings."""
        return cls(
            tuple(os.fspath(c) for c in command),
            go_version,
            float(build_seconds),
            float(run_seconds),
            tuple(os.fspath(f) for f in files),
        )

    @property
    def seconds(self) -> float:
        """Build plus run time, in seconds."""
        return self.build_seconds + self.run_seconds

    @property
    def shell(self) -> str:
        """The command as one shell line, with long paths shortened (`go`, `…/scratch`)."""
        return shell_text(self.command)

    @property
    def release(self) -> str:
        """The Go release without the `go` prefix, e.g. `1.27.3` ("" when unknown)."""
        return self.go_version.removeprefix("go")

    def line(self) -> str:
        """One line for a caption: `$ command · Go 1.27.3 · built 0.1 s, ran 0.5 s`."""
        parts = [f"$ {self.shell}"] if self.command else []
        if self.release:
            parts.append(f"Go {self.release}")
        timing = []
        if self.build_seconds:
            timing.append(f"built {self.build_seconds:.2f} s")
        if self.run_seconds:
            timing.append(f"ran {self.run_seconds:.2f} s")
        if timing:
            parts.append(", ".join(timing))
        return " · ".join(parts)

    def _repr_html_(self) -> str:
        return f'<div class="gml-provenance"><code>{html.escape(self.line())}</code></div>'


class ResultRepr:
    """For result classes (`@dataclass(frozen=True, repr=False)`): a one-line repr naming the
    class and the command that made it, instead of every field (tables, whole outputs, long
    paths): what `print(result)` shows. Notebooks show the HTML view."""

    def __repr__(self) -> str:
        made = getattr(self, "provenance", None)
        line = made.line() if isinstance(made, Provenance) and made.command else ""
        return f"<{type(self).__name__}{': ' + line if line else ''}>"
