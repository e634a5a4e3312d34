"""Where Go code lives: the bundled samples, scratch copies of them, and ad-hoc snippets.

The bundled samples under `gosamples/` are never written to. Anything that writes files or
takes edits works in a scratch module of its own under the scratch root, so two notebooks (or
two learners on one JupyterHub) never collide.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import validate
from .errors import UsageError, WorkspaceError
from .paths import remember
from .settings import scratch_root

TOPICS = (
    "start",
    "newmake",
    "valuesem",
    "escape",
    "bench",
    "pprof",
    "trace",
    "gc",
    "layout",
    "lifetimes",
    "releases",
    "service",
    "capstone",
)
"""One package per notebook topic in the bundled `gosamples` module."""
SNIPPET_MODULE = "snippet"
_FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.go")
GO_DIRECTIVE = "1.27"


@dataclass(frozen=True)
class Package:
    """A Go package inside a module: `module_dir` holds go.mod, `rel` is the package's folder."""

    module_dir: Path
    rel: str = "."
    label: str = ""

    @property
    def dir(self) -> Path:
        """The package's folder."""
        return (self.module_dir / self.rel).resolve()

    @property
    def pattern(self) -> str:
        """The package pattern for `go` commands run in `module_dir`, e.g. `./escape`."""
        return "." if self.rel in ("", ".") else f"./{self.rel}"

    @property
    def name(self) -> str:
        """A short name to show: the label, the folder's name, or "snippet"."""
        return self.label or (self.dir.name if self.rel not in ("", ".") else "snippet")

    def go_files(self, *, tests: bool = False) -> list[Path]:
        """The package's .go files, sorted; `_test.go` files only with `tests`."""
        files = sorted(self.dir.glob("*.go"))
        return [f for f in files if tests or not f.name.endswith("_test.go")]

    def source(self, filename: str | None = None) -> str:
        """The text of one Go file of the package (the only non-test file when not named)."""
        if filename is None:
            files = self.go_files()
            if len(files) != 1:
                names = ", ".join(f.name for f in files)
                raise WorkspaceError(f"{self.name} has several Go files ({names}): name one")
            return files[0].read_text()
        return (self.dir / filename).read_text()


Target = str | os.PathLike | Package
"""What every entry point takes as Go code: a topic name, a folder or .go file, or a Package."""


def samples_root() -> Path:
    """The bundled `gosamples` module: $GOMEMLAB_SAMPLES, else beside the `helpers` folder."""
    named = os.environ.get("GOMEMLAB_SAMPLES")
    candidates = [Path(named)] if named else []
    candidates.append(Path(__file__).resolve().parents[2] / "gosamples")
    for root in candidates:
        if (root / "go.mod").is_file():
            remember(root.resolve(), "gosamples")
            return root
    raise WorkspaceError(
        "The bundled Go samples were not found (looked in "
        + ", ".join(map(str, candidates))
        + "). Run from a clone of the Go Memory Lab repository, or set GOMEMLAB_SAMPLES."
    )


def sample(topic: str) -> Package:
    """The bundled sample package of a topic, or one of a topic's small demo packages named
    "topic/demo" (e.g. "bench/averages"); read only: see `scratch_copy` to edit or write."""
    if not isinstance(topic, str) or topic.split("/", 1)[0] not in TOPICS:
        raise WorkspaceError(f"No sample called {topic!r}; the topics are {', '.join(TOPICS)}")
    if "/" not in topic:
        return Package(samples_root(), topic, label=topic)
    parent, demo = topic.split("/", 1)
    folders = sorted(p for p in (samples_root() / parent).iterdir() if p.is_dir())
    demos = [p.name for p in folders if any(p.glob("*.go")) and p.name != "testdata"]  # Go skips it
    if demo not in demos:
        raise WorkspaceError(
            f"No sample called {topic!r}; the demos of {parent!r} are "
            + ", ".join(f"{parent}/{name}" for name in demos)
        )
    return Package(samples_root(), topic, label=demo)


def scratch_dir(prefix: str = "run") -> Path:
    """A new, empty folder that belongs to this call alone."""
    runs = scratch_root() / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=runs))


def _language(go: Any) -> str:
    """The go.mod `go` line for a release (`go=` as the entry points take it)."""
    if go is None:
        return GO_DIRECTIVE
    from . import versions

    return versions.language_version(versions.resolve(go))


def scratch_copy(topic: str, *, go: Any = None) -> Package:
    """A private copy of a bundled sample (go.mod plus the topic's package) to edit or run in;
    with `go` ("1.22"), its go.mod carries that release's language version."""
    original = sample(topic)
    target = scratch_dir(topic)
    text = (original.module_dir / "go.mod").read_text()
    (target / "go.mod").write_text(
        re.sub(r"^go\s+\S+", f"go {_language(go)}", text, count=1, flags=re.MULTILINE)
    )
    shutil.copytree(original.dir, target / topic)
    return Package(target, topic, label=topic)


def _go_mod(module: str, language: str = GO_DIRECTIVE) -> str:
    return f"module {module}\n\ngo {language}\n"


def snippet(source: str | Mapping[str, str], *, label: str = "snippet", go: Any = None) -> Package:
    """A module made from Go source text: one file (`main.go`) or a {filename: text} mapping.

    The module's folder is named after a hash of its content, so the same code always lands
    in the same place and Go's build cache replays its compile (about 0.2 s warm). With `go`
    ("1.22" or a toolchain), the go.mod's `go` line is that release's, so language rules
    (loop variables, new features) follow it as they would in a user's module.
    """
    if not isinstance(source, Mapping):
        validate.source(source, "source")
    files = {"main.go": source} if isinstance(source, str) else dict(source)
    for name, text in files.items():
        validate.source(text, f"the text of {name}")
    for name in files:
        if not _FILE_NAME.fullmatch(name):
            raise WorkspaceError(
                f"snippet file names must be plain names like main.go or "
                f"x_test.go (letters, digits, _ . -), not {name!r}"
            )
    files["go.mod"] = _go_mod(SNIPPET_MODULE, _language(go))
    digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()[:20]
    home = scratch_root() / "snippets"
    home.mkdir(parents=True, exist_ok=True)
    final = home / digest
    if not final.is_dir():
        staging = Path(tempfile.mkdtemp(prefix=".new-", dir=home))
        for name, text in files.items():
            (staging / name).write_text(text)
        try:
            staging.rename(final)
        except OSError:  # another process made the same snippet first: use theirs
            shutil.rmtree(staging, ignore_errors=True)
    return Package(final, ".", label=label)


def resolve(target: Target) -> Package:
    """A Package from a topic name, a folder or .go file inside a module, or a Package."""
    if isinstance(target, Package):
        return target
    if not isinstance(target, str | os.PathLike):
        raise UsageError(
            f"Go code is named by a topic ({', '.join(TOPICS)}), a folder or .go "
            f"file, or a Package (gm.snippet makes one from source), not "
            f"{type(target).__name__}"
        )
    if isinstance(target, str) and target in TOPICS:
        return sample(target)
    if isinstance(target, str):
        validate.source(target, "the target")
    if isinstance(target, str) and not target.strip():
        raise WorkspaceError(
            f"the target is empty: give a topic ({', '.join(TOPICS)}), a folder, a .go file, "
            "or Go source text"
        )
    path = Path(target).expanduser().resolve()
    if path.is_file() and path.suffix == ".go":
        path = path.parent
    if not path.is_dir():
        raise WorkspaceError(f"{target!r} is neither a topic ({', '.join(TOPICS)}) nor a folder")
    for module_dir in (path, *path.parents):
        if (module_dir / "go.mod").is_file():
            return Package(module_dir, path.relative_to(module_dir).as_posix() or ".")
    raise WorkspaceError(f"{path} is not inside a Go module (no go.mod above it)")


with contextlib.suppress(WorkspaceError):  # so paths.short knows the samples from the start
    samples_root()
