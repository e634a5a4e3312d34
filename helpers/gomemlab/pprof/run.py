"""Record a profile with the real toolchain: a program's own flags, or `go test -bench`."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import programs, settings, validate, workspace
from ..errors import GomemlabError, UsageError
from ..programs import PROFILE_FLAGS
from ..toolchain import GoToolchain
from .result import Profile, load

PPROF_KINDS = tuple(PROFILE_FLAGS)
"""The profiles `run(kind=...)` records: "mem", "cpu", "block", "mutex" (the flag of each is
`programs.PROFILE_FLAGS`, the lab's one map of profile flags)."""
_BENCHTIME = re.compile(r"^(\d+x|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$")
_OUTPUT_FLAGS = ("-o", "--o")


def default_benchtime(kind: str) -> str:
    """Default `-benchtime` for a profiled benchmark: short in quick mode; CPU profiles sample
    100 times a second, so they need longer runs than memory profiles."""
    if settings.quick():
        return "300ms" if kind == "cpu" else "100ms"
    return "2s" if kind == "cpu" else "1s"


def _godebug(memprofilerate: int | None, env: Mapping[str, str] | None) -> dict[str, str]:
    extra = validate.environment(env) if env is not None else {}
    if memprofilerate is not None:
        current = extra.get("GODEBUG", os.environ.get("GODEBUG", ""))
        extra["GODEBUG"] = ",".join(filter(None, [current, f"memprofilerate={memprofilerate}"]))
    return extra


def _arguments(args: Sequence[str]) -> list[str]:
    if isinstance(args, str | bytes) or not all(isinstance(a, str) for a in args):
        raise UsageError(f"args must be a list of strings (one per argument), not {args!r}")
    return list(args)


def _in_folder(args: list[str], folder: Path) -> list[str]:
    """`go test` arguments with a relative `-o FILE` moved into `folder` (go test writes it
    relative to the module; profiles already go to `-outputdir`)."""
    out: list[str] = []
    pending = False
    for arg in args:
        if pending:
            arg, pending = str(folder / arg) if not os.path.isabs(arg) else arg, False
        elif arg in _OUTPUT_FLAGS:
            pending = True
        elif arg.startswith(("-o=", "--o=")):
            flag, value = arg.split("=", 1)
            arg = f"{flag}={value if os.path.isabs(value) else folder / value}"
        out.append(arg)
    return out


def _check(
    kind: str,
    bench: str | None,
    benchtime: str | None,
    memprofilerate: int | None,
    gcflags: str | None,
    timeout: float,
) -> float:
    validate.choice(kind, PPROF_KINDS, "kind")
    if bench is not None:
        validate.pattern(bench, "bench")
    if benchtime is not None and not (isinstance(benchtime, str) and _BENCHTIME.match(benchtime)):
        raise UsageError(
            f'benchtime must be a Go duration like "1s" or "300ms", or a count '
            f'like "100x", not {benchtime!r}'
        )
    if memprofilerate is not None:
        validate.count(memprofilerate, "memprofilerate", minimum=0)
    if gcflags is not None:
        validate.text(gcflags, "gcflags")
    return validate.timeout(timeout)


def run(
    target: workspace.Target = "pprof",
    kind: str = "mem",
    *,
    bench: str | None = None,
    args: Sequence[str] = (),
    memprofilerate: int | None = None,
    benchtime: str | None = None,
    gcflags: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300.0,
    go: str | GoToolchain | None = None,
) -> Profile:
    """Record a memory (`kind="mem"`), CPU (`"cpu"`), block or mutex profile and decode it.

    Without `bench`, the program is built and run with `args` plus `-memprofile FILE` (or
    `-cpuprofile FILE`, ...) in a fresh scratch folder: the program writes its own profile, like
    the sample's `main`. With `bench` (a -bench pattern), runs `go test -run '^$' -bench PATTERN
    -benchmem -memprofile FILE` instead (`benchtime` defaults to `default_benchtime(kind)`,
    shorter in quick mode; `args` are appended; relative output paths in them land in the
    scratch folder, via `-outputdir`). `memprofilerate` sets runtime.MemProfileRate (1 = record
    every allocation; the default samples one allocation per 512 KiB); `go` another Go release
    ("1.22", see gm.versions). The Profile keeps the file's `path`, the run's `provenance` and
    its `output`.
    """
    timeout = _check(kind, bench, benchtime, memprofilerate, gcflags, timeout)
    args = _arguments(args)
    flag = PROFILE_FLAGS[kind]
    folder = workspace.scratch_dir(f"pprof-{kind}")
    path = folder / f"{kind}.pprof"
    if bench is None:
        done = programs.run(
            target,
            [*args, flag, str(path)],
            cwd=folder,
            env=_godebug(memprofilerate, env),
            timeout=timeout,
            go=go,
        )
    else:
        options = [
            "-run",
            "^$",
            "-bench",
            bench,
            "-benchmem",
            "-count",
            "1",
            "-benchtime",
            benchtime or default_benchtime(kind),
            f"{flag}={path}",
            f"-outputdir={folder}",
            "-o",
            str(folder / "bench.test"),
        ]
        if memprofilerate is not None:
            options.append(f"-memprofilerate={memprofilerate}")
        if gcflags:
            options.append(f"-gcflags={gcflags}")
        done = programs.test(
            target, *options, *_in_folder(args, folder), env=env, timeout=timeout, go=go
        )
    if not path.is_file():
        raise GomemlabError(
            f"the run wrote no profile to {path} (does the program accept {flag} FILE?)"
            f"\n{done.stdout}{done.stderr}"
        )
    provenance = dataclasses.replace(done.provenance, files=(str(path),))
    return load(path, provenance=provenance, output=done.stdout + done.stderr)


_TINY_FITS = re.compile(r"if off\+(?:const)?size <= maxTinySize && c\.tiny != 0 \{")
_EARLY_RETURN = re.compile(r"\n\s*return x\b")


def tiny_fit_paths(goroot: os.PathLike | str) -> int:
    """How many tiny-allocator paths for an object that fits into the current 16-byte block
    the runtime of `goroot` has (`mallocgcTiny` in malloc.go, and from Go 1.26 its generated
    size-specialised copies in malloc_generated.go), or 0 if any of them calls `profilealloc`
    before it returns: read from the release's own source."""
    paths = 0
    for name in ("malloc.go", "malloc_generated.go"):
        file = Path(goroot) / "src" / "runtime" / name
        text = file.read_text(encoding="utf-8") if file.is_file() else ""
        for fit in _TINY_FITS.finditer(text):
            done = _EARLY_RETURN.search(text, fit.end())
            if not done or "profilealloc" in text[fit.end() : done.start()]:
                return 0
            paths += 1
    return paths
