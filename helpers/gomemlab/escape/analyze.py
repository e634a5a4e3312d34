"""Run the compiler's escape analysis on a sample, folder or snippet and parse what it says."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping

from .. import toolchain, workspace
from ..workspace import Package, WorkspaceError
from .parse import parse_lines
from .report import EscapeReport

Target = str | os.PathLike | Package | Mapping[str, str]
_PACKAGE_CLAUSE = re.compile(r"^\s*package\s+\w+", re.MULTILINE)
_GO_START = ("package ", "func ", "import ", "type ", "var ", "const ", "//", "/*")


def looks_like_go(text: str) -> bool:
    """True for Go source text (as opposed to a topic name or a path)."""
    return "\n" in text or text.lstrip().startswith(_GO_START)


def _with_package(source: str) -> str:
    """Source with a package clause: `package snippet; ` is put in front of line 1 when there
    is none, so that line numbers stay those the learner sees."""
    return source if _PACKAGE_CLAUSE.search(source) else "package snippet; " + source


def package_of(target: Target) -> Package:
    """The Package to analyze: a topic, a folder or .go file, a Package, or Go source."""
    if isinstance(target, Mapping):
        return workspace.snippet({name: _with_package(text) for name, text in target.items()})
    if isinstance(target, str) and looks_like_go(target):
        return workspace.snippet(_with_package(target))
    return workspace.resolve(target)


def _output_path(package: Package, level: int, tests: bool) -> str:
    """A stable place for the build output, so an unchanged package is neither relinked nor
    recompiled (the build cache replays the compiler's messages)."""
    key = hashlib.sha256(f"{package.dir}|{level}|{tests}".encode()).hexdigest()[:16]
    folder = workspace.scratch_root() / "escape" / key
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "out")


_MAIN = re.compile(r"^package\s+main\b", re.MULTILINE)


def _is_main(package: Package) -> bool:
    return any(_MAIN.search(path.read_text()) for path in package.go_files())


def command(package: Package, *, level: int = 2, tests: bool = False) -> list[str]:
    """The `go` arguments `analyze` runs (without the `go` itself).

    A command or test binary is written to a stable scratch path, so that an unchanged one is
    not relinked. A library package gets no `-o`: with one, `go build` finds the archive up to
    date and skips the compile without replaying its messages.
    """
    flag = "-gcflags=-m" if level == 1 else f"-gcflags=-m={level}"
    if tests:
        return ["test", "-c", flag, "-o", _output_path(package, level, tests), package.pattern]
    if _is_main(package):
        return ["build", flag, "-o", _output_path(package, level, tests), package.pattern]
    return ["build", flag, package.pattern]


def analyze(target: Target, *, level: int = 2, tests: bool = False,
            timeout: float = 300.0) -> EscapeReport:
    """Compile `target` with `-gcflags=-m=LEVEL` and return the parsed `EscapeReport`.

    `target` is a topic name ("escape"), a folder or .go file inside a module, a Package, or
    Go source (a string, or a {filename: source} mapping) compiled as a scratch snippet. With
    `tests`, the package's _test.go files are compiled too (`go test -c`). A compile error
    raises GoBuildError (a file:line:col table in Jupyter).
    """
    if level not in (1, 2):
        raise ValueError("level is 1 (-m: verdicts) or 2 (-m=2: verdicts and their reasons)")
    package = package_of(target)
    if not package.go_files(tests=tests):
        raise WorkspaceError(f"{package.dir} has no Go files")
    args = command(package, level=level, tests=tests)
    done = toolchain.go(*args, cwd=package.module_dir, timeout=timeout).check_build()
    messages, skipped, packages = parse_lines(done.stderr + done.stdout,
                                              strip_prefix=str(package.module_dir))
    sources = {path.relative_to(package.module_dir).as_posix(): path.read_text()
               for path in package.go_files(tests=tests)}
    return EscapeReport(messages, skipped=skipped, packages=packages, sources=sources,
                        command=["go", *args], seconds=done.seconds, level=level,
                        label=package.name)
