"""Build Go packages into binaries and run them, with typed errors."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from . import files, toolchain, validate, versions
from .errors import GoTimeoutError, UsageError
from .toolchain import Completed, GoToolchain
from .workspace import Package, Target, resolve, scratch_dir, scratch_root


def binary_path(package: Package, gcflags: str | None = None, version: str = "") -> Path:
    """A stable output path per package folder, flags and Go release: an up-to-date binary is
    not relinked."""
    key = hashlib.sha256(f"{package.dir}\0{gcflags or ''}\0{version}".encode()).hexdigest()[:16]
    folder = scratch_root() / "bin" / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (package.name + (".exe" if os.name == "nt" else ""))


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an advisory lock on `path`.lock: two notebooks building one binary take turns."""
    with files.locked(path.with_suffix(".lock")):
        yield


_PACKAGE_CLAUSE = re.compile(r"^package\s+(\w+)", re.MULTILINE)
PROFILE_FLAGS = {
    "mem": "-memprofile",
    "cpu": "-cpuprofile",
    "block": "-blockprofile",
    "mutex": "-mutexprofile",
}
"""The lab's one map of `go test` profile kinds to their flags."""
_TEST_OUTPUT_FLAGS = (*PROFILE_FLAGS.values(), "-trace", "-coverprofile")


def package_name(package: Package) -> str:
    """The name in the package clause of the package's first Go file ("" when none is found)."""
    for path in package.go_files():
        match = _PACKAGE_CLAUSE.search(path.read_text(errors="replace"))
        if match:
            return match.group(1)
    return ""


def _require_main(package: Package) -> None:
    name = package_name(package)
    if name and name != "main":
        raise UsageError(
            f"{package.name} is `package {name}`, a library, not a program: gm.build and gm.run "
            "need `package main` with a `func main()`. Use gm.test (or gm.escape.run) for "
            "a library."
        )


def build(
    target: Target,
    *,
    gcflags: str | None = None,
    timeout: float = 300.0,
    go: str | GoToolchain | None = None,
    goexperiment: str | None = None,
) -> Path:
    """Compile a main package and return the binary's path; GoBuildError on a compile error.

    `go` picks another Go release ("1.22", or a toolchain from gm.versions). The binary's path
    is stable per package folder, flags and release, so an up-to-date binary is not relinked
    (about 0.08 s warm); concurrent builds of one package are serialised. A library package
    (not `package main`) is a UsageError. `goexperiment` builds with GOEXPERIMENT set (e.g.
    "nogreenteagc": the classic collector); its binary is kept apart from the default one.
    """
    timeout = validate.timeout(timeout)
    found = versions.resolve(go)
    if goexperiment is not None and (
        not isinstance(goexperiment, str) or not re.fullmatch(r"[a-z0-9,]*", goexperiment)
    ):
        raise UsageError(
            f"goexperiment must be GOEXPERIMENT's comma-separated names, like "
            f'"nogreenteagc", not {goexperiment!r}'
        )
    package = for_release(resolve(target), found)
    _require_main(package)
    release = found.version if goexperiment is None else f"{found.version}+{goexperiment}"
    output = binary_path(package, gcflags, release)
    args = ["build", "-o", str(output)]
    if gcflags:
        args.append(f"-gcflags={gcflags}")
    with _exclusive(output):
        toolchain.go(
            *args,
            package.pattern,
            cwd=package.module_dir,
            timeout=timeout,
            using=found,
            env=None if goexperiment is None else {"GOEXPERIMENT": goexperiment},
        ).check_build()
    return output


def for_release(package: Package, found: GoToolchain) -> Package:
    """`package` itself, or, when its go.mod asks for a newer Go than `found`, a copy of its
    module (cached by content) whose go.mod carries `found`'s language version, as a user's
    module for that release would."""
    go_mod = package.module_dir / "go.mod"
    text = go_mod.read_text() if go_mod.is_file() else ""
    match = re.search(r"^go\s+(\d+)\.(\d+)", text, re.MULTILINE)
    wanted = tuple(int(g) for g in match.groups()) if match else (0, 0)
    if wanted <= found.version_tuple[:2]:
        return package
    line = versions.language_version(found)
    rel = package.rel
    files = {
        p.relative_to(package.module_dir).as_posix(): p.read_bytes()
        for p in sorted(package.dir.glob("*.go"))
        if p.is_file()
    }
    digest = hashlib.sha256(repr((line, sorted(files.items()), text)).encode()).hexdigest()[:20]
    home = scratch_root() / "releases" / digest
    if not (home / "go.mod").is_file():
        staging = scratch_dir("release")
        (staging / rel).mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (staging / name).write_bytes(data)
        (staging / "go.mod").write_text(
            re.sub(r"^go\s+\S+", f"go {line}", text, count=1, flags=re.MULTILINE)
        )
        home.parent.mkdir(parents=True, exist_ok=True)
        try:
            staging.rename(home)
        except OSError:  # made by another process meanwhile
            shutil.rmtree(staging, ignore_errors=True)
    return Package(home, rel, label=package.label)


def run(
    target: Target,
    args: Sequence[str] = (),
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    cwd: str | os.PathLike | None = None,
    on_stdout: Callable[[str], None] | None = None,
    check: bool = True,
    go: str | GoToolchain | None = None,
    goexperiment: str | None = None,
) -> Completed:
    """Build and run a Go program (a topic, folder or snippet) and return what it printed.

    `timeout` (seconds) bounds the whole call, build and run. The program runs in `cwd`
    (default: a fresh scratch folder, so files it writes never land in the samples), with the
    lab's Go environment plus `env`; when time runs out it is killed with everything it
    started (GoTimeoutError). With `check`, a non-zero exit raises GoRunError, which shows a
    panic's message and source line. `result.provenance` has build and run seconds and the
    release; `go` picks another release ("1.22"), `goexperiment` builds with GOEXPERIMENT.
    """
    timeout = validate.timeout(timeout)
    args = validate.arguments(args, "args")
    if env is not None:
        env = validate.environment(env)
    package = resolve(target)
    found = versions.resolve(go)
    started = time.perf_counter()
    binary = build(package, timeout=timeout, go=found, goexperiment=goexperiment)
    built = time.perf_counter() - started
    folder = cwd if cwd is not None else scratch_dir(f"run-{package.name}")
    try:
        done = toolchain.run(
            [binary, *args],
            cwd=folder,
            env=toolchain.go_env(env),
            timeout=max(0.5, timeout - built),
            on_stdout=on_stdout,
        )
    except GoTimeoutError as stopped:  # report the limit the caller set, build included
        raise GoTimeoutError(
            timeout, command=stopped.command, stdout=stopped.stdout, stderr=stopped.stderr
        ) from None
    done = dataclasses.replace(done, build_seconds=built, go_version=found.version)
    return done.check_run(source_dir=package.dir) if check else done


# Hosts whose kernel runs 32-bit x86 programs next to 64-bit ones (macOS dropped them in 10.15).
_RUNS_386 = {("linux", "amd64"), ("windows", "amd64")}


def runs_32bit_here() -> bool:
    """Whether this is a 64-bit x86 machine that runs 386 programs too (Linux or Windows on
    amd64): `run_32bit` runs one here, or returns None."""
    host = tuple(toolchain.go("env", "GOHOSTOS", "GOHOSTARCH").check_run().stdout.split())
    return host in _RUNS_386


def run_32bit(
    target: Target, args: Sequence[str] = (), *, timeout: float = 600.0
) -> Completed | None:
    """Build `target` for 32-bit x86 (GOARCH=386) and run it here, or None when this machine
    cannot run such a program (the caller then says what it did not check).

    A 32-bit build is how a lesson checks what it says of 32-bit platforms (4-byte words and
    pointers, 8-byte points) on a 64-bit machine: Linux and Windows on amd64 run 386 programs
    natively. The first build compiles the standard library for 386 (about 10 s of CPU, then
    cached; `gomemlab warm` does it for the samples the notebooks run so).
    """
    timeout = validate.timeout(timeout)
    args = validate.arguments(args, "args")
    package = resolve(target)
    _require_main(package)
    if not runs_32bit_here():
        return None
    return toolchain.go(
        "run",
        package.pattern,
        *args,
        cwd=package.module_dir,
        env={"GOARCH": "386"},
        timeout=timeout,
    ).check_run()


def run_section(target: Target, section: str, *, timeout: float = 60.0) -> str:
    """Run a sample whose `main` takes a section name (`newmake`, `valuesem`, ...) with
    `section`; print what it printed and return it."""
    out = run(target, [validate.text(section, "section")], timeout=timeout).stdout
    print(out)
    return out


def test(
    target: Target,
    *args: str,
    timeout: float = 600.0,
    env: Mapping[str, str] | None = None,
    on_stdout: Callable[[str], None] | None = None,
    go: str | GoToolchain | None = None,
) -> Completed:
    """`go test ARGS... PACKAGE` in the package's module; compile errors raise GoBuildError.

    Files go test writes go to a fresh scratch folder, never into the package: profiles and
    traces (`-outputdir`), and the test binary that `-c` or a profile flag leaves (`-o`).
    """
    timeout = validate.timeout(timeout)
    args = tuple(validate.arguments(args, "args"))
    if env is not None:
        env = validate.environment(env)
    found = versions.resolve(go)
    package = for_release(resolve(target), found)
    out = scratch_dir(f"test-{package.name}")
    extra = [] if any(a.startswith("-outputdir") for a in args) else ["-outputdir", str(out)]
    wants_binary = "-c" in args or any(a.split("=")[0] in _TEST_OUTPUT_FLAGS for a in args)
    if wants_binary and not any(a == "-o" or a.startswith("-o=") for a in args):
        extra += ["-o", str(out / f"{package.name}.test")]
    args = _into(out, args)
    done = toolchain.go(
        "test",
        *extra,
        *args,
        package.pattern,
        cwd=package.module_dir,
        env=env,
        timeout=timeout,
        on_stdout=on_stdout,
        using=found,
    )
    if not done.ok and "[build failed]" in done.stdout + done.stderr:
        done.check_build()
    return done.check_run()


def _into(folder: Path, args: Sequence[str]) -> tuple[str, ...]:
    """The arguments with relative `-o` / `-outputdir` paths made to point inside `folder`."""
    fixed = list(args)
    for i, arg in enumerate(fixed):
        flag, sep, value = arg.partition("=")
        if sep and flag in ("-o", "-outputdir") and not Path(value).is_absolute():
            fixed[i] = f"{flag}={folder / value}"
        elif (
            arg in ("-o", "-outputdir")
            and i + 1 < len(fixed)
            and not Path(fixed[i + 1]).is_absolute()
        ):
            fixed[i + 1] = str(folder / fixed[i + 1])
    return tuple(fixed)
