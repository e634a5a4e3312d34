"""Run the x-ray: one `go test` (or `go build`) that prints the compiler's `-m=2` verdicts,
writes its `-json` inlining positions, runs the named benchmarks with `-benchmem` and writes a
memory profile of every allocation; then join them per source line."""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

from .. import programs, settings, toolchain, validate, versions, workspace
from ..errors import MissingModuleError, WorkspaceError
from ..escape.result import EscapeReport
from ..escape.run import Analyzable, _read, _stamp, package_of
from ..escape.run import command as escape_command
from ..provenance import Provenance
from ..toolchain import GoToolchain
from ..workspace import Package
from .join import read_inline_folder
from .result import XRay, xray_of

_MISSING = (
    re.compile(r"^go: downloading (\S+) v\S+$", re.MULTILINE),
    re.compile(r"no required module provides package (\S+?);"),
    re.compile(r"cannot find module providing package (\S+?):"),
    re.compile(r"module (\S+?): (?:.*)GOPROXY=off"),
    re.compile(r"missing go\.sum entry for module providing package (\S+?)\b"),
    re.compile(r"(\S+?)@\S+: module lookup disabled by GOPROXY=off"),
    re.compile(r"package (\S+?) is not in std"),
    re.compile(r"(\S+?)@\S+: is replaced in go\.mod, but not marked as replaced in vendor"),
    re.compile(r"package (\S+?) is not in (?:GOROOT|vendor)"),
)


def default_benchtime() -> str:
    """`-benchtime` of an x-ray: short, since every allocation is recorded (quick mode: 100ms)."""
    return "100ms" if settings.quick() else "500ms"


def _json_dir(package: Package, found: GoToolchain) -> Path:
    """Where the compiler's `-json` files of this package go: a folder named by the package,
    the release and its sources' content, with a fresh leaf whenever the last one is gone.
    The flag is part of the build cache's key, so a cache hit replays `-m` but writes no
    files: the folder must be the one the compile that is replayed wrote (an edit undone
    brings back its own folder, never the files of the edit)."""
    digest = hashlib.sha256(f"{package.dir}|{found.version}".encode())
    for path in [package.module_dir / "go.mod", *package.go_files(tests=True)]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    home = workspace.scratch_root() / "xray" / digest.hexdigest()[:20]
    home.mkdir(parents=True, exist_ok=True)
    pointer = home / "current"
    current = pointer.read_text().strip() if pointer.is_file() else ""
    if not current or not any((home / current).rglob("*.json")):
        current = uuid.uuid4().hex[:12]
        from ..files import write_atomic

        write_atomic(pointer, current, what="the x-ray's -json folder name")
    return home / current


def _binary_dir(package: Package, found: GoToolchain) -> Path:
    """One place per package and release for the test binary: an unchanged one is not
    relinked, and an edited package replaces its old binary rather than adding one."""
    key = hashlib.sha256(f"{package.dir}|{found.version}".encode()).hexdigest()[:20]
    folder = workspace.scratch_root() / "xray" / "bin" / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _gcflags(folder: Path) -> str:
    return f"-gcflags=-m=2 -json=0,{folder.as_uri()}"


def _environment(package: Package) -> dict[str, str]:
    """A module with a vendor folder builds from it (the lab's default is -mod=mod)."""
    if (package.module_dir / "vendor" / "modules.txt").is_file():
        return {"GOFLAGS": "-mod=vendor"}
    return {}


def missing_module(output: str) -> str | None:
    """The module path a failed build could not find offline, or None."""
    for pattern in _MISSING:
        if match := pattern.search(output):
            return match.group(1)
    return None


def command(
    package: Package,
    folder: Path,
    binary_dir: Path,
    *,
    bench: str | None,
    benchtime: str,
    profile: Path,
) -> list[str]:
    """The `go` arguments the x-ray runs (without the `go` itself). The test binary goes to a
    stable place per package and release (`binary_dir`), so an unchanged one is not relinked."""
    if bench is None:
        args = escape_command(package, level=2)
        return [_gcflags(folder) if a == "-gcflags=-m=2" else a for a in args]
    return [
        "test",
        "-run",
        "^$",
        "-bench",
        bench,
        "-benchmem",
        "-benchtime",
        benchtime,
        "-count",
        "1",
        f"-memprofile={profile}",
        "-memprofilerate=1",
        _gcflags(folder),
        "-o",
        str(binary_dir / "xray.test"),
        package.pattern,
    ]


def run(
    target: Analyzable,
    bench: str | None = None,
    *,
    go: str | GoToolchain | None = None,
    benchtime: str | None = None,
    timeout: float = 600.0,
) -> XRay:
    """X-ray a package: why does each line allocate?

    `target` is a bundled sample ("pprof"), Go source (a snippet, or {filename: source}), or a
    folder or .go file inside any Go module on disk (a module with a `vendor/` folder builds
    from it; one that needs a module not on disk raises MissingModuleError). With `bench` (a
    `-bench` regular expression) the benchmarks run with `-benchmem` and a memory profile of
    every allocation (`-memprofilerate=1`), in the same build as the compiler's `-m=2`
    report; without, only the compiler speaks. `go` picks another release ("1.24", see
    gm.versions); `benchtime` defaults to `default_benchtime()`.
    """
    timeout = validate.timeout(timeout)
    if bench is not None:
        validate.pattern(bench, "bench")
    if benchtime is not None:
        from ..bench.run import validate_benchtime

        benchtime = validate_benchtime(benchtime)
    source = package_of(target)
    found = versions.resolve(go)
    package = programs.for_release(source, found)
    paths = package.go_files(tests=bench is not None)
    if not paths:
        raise WorkspaceError(f"{package.name} has no Go files to x-ray ({package.dir})")
    folder = _json_dir(package, found)
    out = workspace.scratch_dir(f"xray-{package.name}")
    profile_path = out / "mem.pprof"
    args = command(
        package,
        folder,
        _binary_dir(package, found),
        bench=bench,
        benchtime=benchtime or default_benchtime(),
        profile=profile_path,
    )
    done = toolchain.go(
        *args, cwd=package.module_dir, env=_environment(package), timeout=timeout, using=found
    )
    if not done.ok:
        _raise_missing(done, package)
        done.check_build()
        done.check_run()
    return _assemble(package, found, done, folder, profile_path if bench else None)


def _raise_missing(done: toolchain.Completed, package: Package) -> None:
    said = done.stderr + done.stdout
    module = missing_module(said)
    if module is None:
        return
    vendored = (package.module_dir / "vendor").is_dir()
    todo = (
        f"run `go mod vendor` in {package.module_dir} where the module is reachable"
        if vendored
        else f"vendor it (`go mod vendor`) or point a `replace {module} => ../local/copy` line "
        "in go.mod at a copy on disk"
    )
    raise MissingModuleError(
        module,
        f"{package.label or package.dir.name} needs module {module}, which is not on this "
        f"machine and Go runs offline here (GOPROXY=off): {todo}",
        command=done.command,
        stdout=done.stdout,
        stderr=done.stderr,
    )


def _assemble(
    package: Package,
    found: GoToolchain,
    done: toolchain.Completed,
    folder: Path,
    profile_path: Path | None,
) -> XRay:
    module_dir = str(package.module_dir)
    paths = package.go_files(tests=profile_path is not None)
    stats = tuple((str(path), *_stamp(path)) for path in paths)
    text = done.stderr + done.stdout
    output, messages, spans, sources = _read.__wrapped__(text, module_dir, stats)
    provenance = Provenance.of(
        done.command,
        go_version=found.version,
        run_seconds=done.seconds,
        files=[profile_path] if profile_path else [],
    )
    report = EscapeReport(
        messages,
        skipped=output.skipped,
        packages=output.packages,
        sources=sources,
        spans=spans,
        level=2,
        label=package.label or package.dir.name,
        provenance=provenance,
    )
    inlined = read_inline_folder(folder, module_dir)
    profile = benchmarks = None
    if profile_path is not None:
        from ..bench.result import parse as parse_bench
        from ..pprof.result import load

        profile = load(profile_path, provenance=provenance, output=done.stdout)
        benchmarks = parse_bench(done.stdout)
    return xray_of(
        report,
        inlined,
        profile,
        benchmarks,
        module_dir=module_dir,
        label=package.label or package.dir.name,
        provenance=provenance,
    )
