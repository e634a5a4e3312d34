"""Go source structure read by Go's own `go/parser`: one way to find a function's source.

A small standard-library program (`_goast/main.go`) is built once into the scratch cache, at a
path named after a hash of its source and the Go release, and asked for JSON: each file's
package, its top-level declarations with their line spans, and its function literals.

- `declarations(target)`: the declarations of a .go file, a folder, a topic or a Package.
- `extract(target, name)`: the source of one declaration (doc comment included).
- `declarations_in(text)` / `extract_text(text, name)`: the same for Go source in a string.
- `go_file(path)`: everything about one file (`GoFile`), function literals included.

Results are cached per (file, modification time, size), so asking again costs nothing.
A file that does not parse raises `WorkspaceError` naming its file:line:col.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import programs, toolchain, workspace
from .errors import UsageError, WorkspaceError
from .paths import short
from .workspace import Package, Target

TOOL_DIR = Path(__file__).with_name("_goast")
DECLARATION_KINDS = ("func", "method", "type", "var", "const")
"""The kinds of top-level declaration `declarations` reports (imports are left out)."""
_CACHE_LIMIT = 4096
_TIMEOUT = 120.0


@dataclass(frozen=True)
class Span:
    """A range of source: 1-based lines; byte columns (as the compiler counts), the end
    column one past the last character."""

    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, line: int, col: int | None = None) -> bool:
        """Whether a position (a column of None: anywhere on the line) lies inside."""
        if not self.line <= line <= self.end_line:
            return False
        if col is None:
            return True
        return not (
            (line == self.line and col < self.col)
            or (line == self.end_line and col >= self.end_col)
        )


@dataclass(frozen=True)
class Declaration:
    """One top-level declared name of a Go file.

    `kind` is one of DECLARATION_KINDS; `receiver` a method's receiver type (`T` or `*T`,
    type parameters dropped); `doc_line` the first line of its doc comment or directives
    (`span.line` when it has none); `body` a function's `{...}` (None for a declaration
    without a body, and for types, vars and consts).
    """

    file: str
    name: str
    kind: str
    receiver: str
    doc_line: int
    span: Span
    body: Span | None = None

    @property
    def qualified(self) -> str:
        """The name as the compiler prints it: `F`, `T.M` or `(*T).M`."""
        if self.kind != "method" or not self.receiver:
            return self.name
        if self.receiver.startswith("*"):
            return f"({self.receiver}).{self.name}"
        return f"{self.receiver}.{self.name}"

    def matches(self, name: str) -> bool:
        """True for its own name, its qualified name, or `T.M` for a pointer method."""
        return name in (self.name, self.qualified) or (
            self.kind == "method" and name == f"{self.receiver.lstrip('*')}.{self.name}"
        )


@dataclass(frozen=True)
class GoFile:
    """What go/parser found in one file: package name, declarations, function literals."""

    path: str
    package: str
    declarations: tuple[Declaration, ...]
    literals: tuple[Span, ...]


def _span(data: dict) -> Span:
    return Span(int(data["line"]), int(data["col"]), int(data["end_line"]), int(data["end_col"]))


def _go_file(path: str, data: dict, label: str | None = None) -> GoFile:
    errors = data.get("errors") or []
    if errors:
        where = label or short(path)
        shown = "\n".join(
            f"  {'line ' if label else where + ':'}{e['line']}:{e['col']}: {e['message']}"
            for e in errors[:5]
        )
        more = f"\n  ... and {len(errors) - 5} more" if len(errors) > 5 else ""
        raise WorkspaceError(
            f"Go cannot parse {where} ({len(errors)} syntax error"
            f"{'s' * (len(errors) != 1)}); fix the code first:\n{shown}{more}"
        )
    decls = tuple(
        Declaration(
            path,
            d["name"],
            d["kind"],
            d.get("receiver", ""),
            int(d["doc_line"]),
            _span(d),
            _span(d["body"]) if d.get("body") else None,
        )
        for d in data.get("decls") or []
    )
    return GoFile(
        path, data.get("package", ""), decls, tuple(_span(s) for s in data.get("literals") or [])
    )


def parse_json(text: str, *, label: str | None = None) -> list[GoFile]:
    """GoFiles from the goast helper's JSON (a list with one object per file). A file with
    syntax errors raises WorkspaceError naming them (`label` instead of its path)."""
    try:
        found = json.loads(text)
    except (json.JSONDecodeError, TypeError) as error:
        raise WorkspaceError(f"the Go source reader printed no JSON ({error})") from None
    return [_go_file(item["path"], item, label) for item in found]


@functools.lru_cache(maxsize=1)
def tool() -> Path:
    """The goast binary: built on first use, then reused from its content-hashed path."""
    if not (TOOL_DIR / "main.go").is_file():
        raise WorkspaceError(
            f"the Go source reader is missing from {TOOL_DIR} (reinstall gomemlab)"
        )
    digest = hashlib.sha256()
    for name in ("go.mod", "main.go"):
        digest.update((TOOL_DIR / name).read_bytes())
    digest.update(toolchain.find_go().version.encode())
    folder = workspace.scratch_root() / "tools" / f"goast-{digest.hexdigest()[:16]}"
    final = folder / ("goast.exe" if os.name == "nt" else "goast")
    if final.is_file():
        return final
    folder.mkdir(parents=True, exist_ok=True)
    built = programs.build(Package(TOOL_DIR, ".", label="goast"), timeout=_TIMEOUT)
    handle, staging = tempfile.mkstemp(prefix=".goast-", dir=folder)
    os.close(handle)
    shutil.copy2(built, staging)
    os.replace(staging, final)  # atomic: a concurrent reader sees the old name or the new file
    return final


_cache: dict[tuple[str, int, int], dict[str, Any]] = {}
_lock = threading.Lock()


def _key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


def go_files(paths: list[Path], *, label: str | None = None) -> list[GoFile]:
    """Parse .go files (one goast run for all that are not cached yet), in the given order;
    `label` names the file in a syntax error instead of its path."""
    keys = []
    for path in paths:
        if not path.is_file():
            raise WorkspaceError(f"no Go file at {short(str(path))}")
        keys.append(_key(path.resolve()))
    with _lock:
        missing = [key for key in dict.fromkeys(keys) if key not in _cache]
    if missing:
        done = toolchain.run([tool(), *(key[0] for key in missing)], timeout=_TIMEOUT).check_run()
        try:
            found = json.loads(done.stdout)
        except json.JSONDecodeError as error:
            raise WorkspaceError(f"the Go source reader printed no JSON ({error})") from None
        by_path = {item["path"]: item for item in found}
        with _lock:
            if len(_cache) > _CACHE_LIMIT:
                _cache.clear()
            for key in missing:
                _cache[key] = by_path[key[0]]
    with _lock:
        raw = [_cache[key] for key in keys]
    return [_go_file(key[0], data, label) for key, data in zip(keys, raw, strict=True)]


def go_file(path: str | os.PathLike) -> GoFile:
    """Everything go/parser says about one .go file."""
    return go_files([Path(path)])[0]


def _paths(target: Target, tests: bool) -> list[Path]:
    if isinstance(target, str | os.PathLike) and str(target).endswith(".go"):
        return [Path(target)]
    if not isinstance(target, str | os.PathLike | Package):
        raise UsageError(
            f"target must be a topic, a folder, a .go file or a Package, "
            f"not {type(target).__name__}"
        )
    package = workspace.resolve(target)
    return package.go_files(tests=tests)


def declarations(target: Target, *, tests: bool = True) -> list[Declaration]:
    """Top-level declarations of a .go file, or of a package's files (tests included unless
    `tests=False`), in file then source order."""
    return [d for file in go_files(_paths(target, tests)) for d in file.declarations]


def _snippet_file(text: str) -> Path:
    if not isinstance(text, str):
        raise UsageError(f"text must be Go source (str), not {type(text).__name__}")
    folder = workspace.scratch_root() / "gosource"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (hashlib.sha256(text.encode()).hexdigest()[:20] + ".go")
    if not path.is_file():
        handle, staging = tempfile.mkstemp(prefix=".src-", suffix=".go", dir=folder)
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(staging, path)
    return path


def declarations_in(text: str) -> list[Declaration]:
    """Top-level declarations of Go source given as text (its `file` is a scratch copy)."""
    return list(go_files([_snippet_file(text)], label="the source")[0].declarations)


def _lines(declaration: Declaration, text: str) -> str:
    lines = text.splitlines()
    return "\n".join(lines[declaration.doc_line - 1 : declaration.span.end_line])


def _pick(found: list[Declaration], name: str, where: str) -> Declaration:
    if not isinstance(name, str) or not name:
        raise UsageError(f"name must be a declared name such as 'F' or 'T.M', not {name!r}")
    matching = [d for d in found if d.matches(name)]
    if not matching:
        names = ", ".join(sorted({d.qualified for d in found})[:12]) or "none"
        raise WorkspaceError(
            f"no func, method, type, var or const called {name!r} in {where} (declared: {names})"
        )
    return matching[0]


def extract(target: Target, name: str, *, filename: str | None = None) -> str:
    """The source of declaration `name` (`F`, `T`, `M`, `T.M` or `(*T).M`), from its doc
    comment to its last line, found in a package's files (tests included) or one file."""
    if filename is not None:
        target = workspace.resolve(target).dir / filename
    found = declarations(target)
    where = short(str(target)) if not isinstance(target, Package) else target.name
    chosen = _pick(found, name, where)
    return _lines(chosen, Path(chosen.file).read_text())


def extract_text(text: str, name: str) -> str:
    """The source of declaration `name` in Go source `text` (see `extract`)."""
    return _lines(_pick(declarations_in(text), name, "this source"), text)
