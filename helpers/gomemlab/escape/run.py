"""Run the compiler's escape analysis on a sample, folder or snippet and parse what it says."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import gosource, programs, toolchain, validate, versions, workspace
from ..deprecation import deprecated
from ..errors import UsageError, WorkspaceError
from ..provenance import Provenance
from ..toolchain import GoToolchain
from ..workspace import Package
from .functions import locate
from .parse import parse_output
from .records import CompilerOutput, EscapeMessage, FunctionSpan
from .result import EscapeReport

Analyzable = workspace.Target | Mapping[str, str]
"""What `run` takes: a `workspace.Target` (a topic name, a folder or .go file inside a
module, a Package) or Go source (a string, or a {filename: source} mapping)."""
LEVELS = (1, 2)
_PACKAGE_CLAUSE = re.compile(r"^\s*package\s+\w+", re.MULTILINE)
_GO_START = ("package ", "func ", "import ", "type ", "var ", "const ", "//", "/*")
_MAIN = re.compile(r"^package\s+main\b", re.MULTILINE)
_MEMO_LIMIT = 1 << 20
"""Compiler outputs up to this many characters are memoised (a few MiB of records at most)."""


def looks_like_go(text: str) -> bool:
    """True for Go source text (as opposed to a topic name or a path)."""
    validate.text(text, "text")
    return "\n" in text or text.lstrip().startswith(_GO_START)


def _with_package(source: str) -> str:
    """Source with a package clause: `package snippet; ` is put in front of line 1 when there
    is none, so that line numbers stay those the learner sees."""
    return source if _PACKAGE_CLAUSE.search(source) else "package snippet; " + source


def package_of(target: Analyzable) -> Package:
    """The Package to analyze: a topic, a folder or .go file, a Package, or Go source."""
    if isinstance(target, Mapping):
        for name, text in target.items():
            validate.text(text, f"the source of {name!r}")
        return workspace.snippet({name: _with_package(text) for name, text in target.items()})
    if isinstance(target, bytes | bytearray):
        validate.text(target, "target")
    if not isinstance(target, str | os.PathLike | Package):
        raise UsageError(
            "target must be a topic name, a folder, a .go file, a Package or Go "
            f"source, not {type(target).__name__}"
        )
    if isinstance(target, str) and looks_like_go(target):
        return workspace.snippet(_with_package(target))
    return workspace.resolve(target)


def _output_path(package: Package, level: int, tests: bool) -> str:
    """A stable place for the build output, so an unchanged package is neither relinked nor
    recompiled (the build cache replays the compiler's messages), named so that the command
    a learner sees reads plainly: a bundled sample's is `…/scratch/escape/escape-m2/out`; a
    module that already lives in scratch (a snippet, a scratch copy) keeps its own, relative
    to it (`.escape/m2/out`); any other folder gets one in scratch named by a hash."""
    relative, folder = _output_folder(
        package,
        f"m{level}" + ("-tests" if tests else ""),
        os.environ.get("GOMEMLAB_SCRATCH"),
        os.environ.get("GOMEMLAB_SAMPLES"),
    )
    folder.mkdir(parents=True, exist_ok=True)
    return relative or str(folder / "out")


@functools.lru_cache(maxsize=256)
def _output_folder(package: Package, suffix: str, *_settings: str | None) -> tuple[str, Path]:
    """(the -o argument when relative to the module, else "", the folder to create);
    memoised per package and the scratch/samples settings."""
    module = package.module_dir.resolve()
    scratch = workspace.scratch_root().resolve()
    if module == workspace.samples_root().resolve():
        return "", scratch / "escape" / f"{package.name}-{suffix}"
    if module.is_relative_to(scratch):
        # A dot folder: Go ignores it when it looks for packages.
        return f".escape/{suffix}/out", module / ".escape" / suffix
    key = hashlib.sha256(f"{package.dir}|{suffix}".encode()).hexdigest()[:16]
    return "", scratch / "escape" / key


def _is_main(package: Package) -> bool:
    files = package.go_files()
    return _declares_main(tuple((str(path), *_stamp(path)) for path in files))


@functools.lru_cache(maxsize=256)
def _declares_main(stats: tuple[tuple[str, int, int], ...]) -> bool:
    """Whether any of the files (path, modification time, size) says `package main`."""
    return any(_MAIN.search(Path(path).read_text()) for path, _, _ in stats)


def command(package: Package, *, level: int = 2, tests: bool = False) -> list[str]:
    """The `go` arguments `run` runs (without the `go` itself).

    A command or test binary is written to a stable scratch path, so that an unchanged one is
    not relinked. A library package gets no `-o`: with one, `go build` finds the archive up to
    date and skips the compile without replaying its messages.
    """
    validate.choice(level, LEVELS, "level")
    flag = "-gcflags=-m" if level == 1 else f"-gcflags=-m={level}"
    if tests:
        return ["test", "-c", flag, "-o", _output_path(package, level, tests), package.pattern]
    if _is_main(package):
        return ["build", flag, "-o", _output_path(package, level, tests), package.pattern]
    return ["build", flag, package.pattern]


def run(
    target: Analyzable,
    *,
    level: int = 2,
    tests: bool = False,
    timeout: float = 300.0,
    go: str | GoToolchain | None = None,
) -> EscapeReport:
    """Compile `target` with `-gcflags=-m=LEVEL` and return the parsed `EscapeReport`.

    `target` is a topic name ("escape"), a folder or .go file inside a module, a Package, or
    Go source (a string, or a {filename: source} mapping) compiled as a scratch snippet. With
    `tests`, the package's _test.go files are compiled too (`go test -c`). `level` is 1 (`-m`:
    verdicts) or 2 (`-m=2`: verdicts and their reasons); `timeout` in seconds; `go` another
    Go release ("1.22", see gm.versions: the module's go line follows it). A compile error
    raises GoBuildError (a file:line:col table in Jupyter).
    """
    validate.choice(level, LEVELS, "level")
    validate.choice(tests, (False, True), "tests")
    timeout = validate.timeout(timeout)
    source = package_of(target)  # a bad target is named before Go is looked for
    found = versions.resolve(go)
    package = programs.for_release(source, found)
    paths = package.go_files(tests=tests)
    if not paths:
        raise WorkspaceError(f"{package.name} has no Go files to compile ({package.dir})")
    args = command(package, level=level, tests=tests)
    done = toolchain.go(*args, cwd=package.module_dir, timeout=timeout, using=found).check_build()
    stats = tuple((str(path), *_stamp(path)) for path in paths)
    text = done.stderr + done.stdout
    reader = _read if len(text) <= _MEMO_LIMIT else _read.__wrapped__
    output, messages, spans, sources = reader(text, str(package.module_dir), stats)
    return EscapeReport(
        messages,
        skipped=output.skipped,
        packages=output.packages,
        sources=sources,
        spans=spans,
        level=level,
        label=package.name,
        provenance=Provenance.of(
            done.command, go_version=found.version, build_seconds=done.seconds, files=paths
        ),
    )


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=16)
def _read(
    text: str, module_dir: str, stats: tuple[tuple[str, int, int], ...]
) -> tuple[
    CompilerOutput, tuple[EscapeMessage, ...], dict[str, tuple[FunctionSpan, ...]], dict[str, str]
]:
    """Parse the compiler's output and place its messages in the source's functions.

    Pure in its arguments (the output text, and the source files as they were: path,
    modification time, size), so a warm rebuild that replays the same messages for unchanged
    files is parsed once: `run` then costs little more than the `go build` itself. Only
    outputs up to _MEMO_LIMIT characters are kept (16 of them), so the memo stays small.
    """
    output = parse_output(text, strip_prefix=module_dir)
    paths = [Path(path) for path, _, _ in stats]
    names = [path.relative_to(module_dir).as_posix() for path in paths]
    files = dict(zip(names, gosource.go_files(paths), strict=True))
    messages, spans = locate(output.messages, files)
    sources = {name: path.read_text() for name, path in zip(names, paths, strict=True)}
    return output, messages, spans, sources


@deprecated("gm.escape.run(target)")
def analyze(target: Analyzable, **options: Any) -> EscapeReport:
    """The old name of `run` (every entry point that starts Go is called `run`)."""
    return run(target, **options)
