"""The shape docs/ARCHITECTURE.md promises, held mechanically: layers, file roles, frozen
results, figures outside pyplot, one verdict class, one Target."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import gomemlab

PACKAGE = Path(gomemlab.__file__).parent
TOPICS = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py") if p.parent.name[0] != "_")
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages([str(PACKAGE)], "gomemlab.")
    if ".lab_settings" not in m.name
)


def _imports(path: Path) -> set[str]:
    """Absolute names of the gomemlab modules (and selected outside ones) `path` imports."""
    tree = ast.parse(path.read_text())
    module = ".".join(("gomemlab", *path.relative_to(PACKAGE).with_suffix("").parts))
    if path.name == "__init__.py":
        module = module.removesuffix(".__init__")
        package = module
    else:
        package = module.rsplit(".", 1)[0]
    found = set()
    hidden = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for n in ast.walk(block)
    }
    for node in ast.walk(tree):
        if id(node) in hidden:  # imports only for type checkers are not dependencies
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
                if not node.module:
                    found.update(f"{base}.{alias.name}" for alias in node.names)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


# ------------------------------------------------------------------------------ layers
# Every module of the package, bottom (0) to top (6). A module may import (at the top or
# inside a function: lazy imports count) only modules of its own layer or below; parsers,
# plots and results import no other topic; results and parsers start nothing.
LAYER_NAMES = ("ground", "toolchain", "infrastructure", "parse", "result", "run", "person")
GROUND, TOOLCHAIN, INFRA, PARSE, RESULT, RUN, PERSON = range(7)
SHARED_LAYERS = {
    **dict.fromkeys(
        ("errors", "paths", "validate", "provenance", "result", "tables", "figures"), GROUND
    ),
    **dict.fromkeys(("checks", "diagnostics", "settings", "deprecation", "files"), GROUND),
    "toolchain": TOOLCHAIN,
    **dict.fromkeys(
        ("experiments", "versions", "workspace", "programs", "binaries", "gosource"), INFRA
    ),
    **dict.fromkeys(("source", "webui", "progress", "snapshot", "accounts", "cgroups"), INFRA),
    **dict.fromkeys(("loopback", "kernels"), INFRA),
    **dict.fromkeys(("warm", "doctor"), RUN),
    **dict.fromkeys(("cli", "lab", "export", "hub", "serverext", "_ipython", "goeditor"), PERSON),
    "controls": PERSON,
    **dict.fromkeys(("hubspawner", "room", "site"), PERSON),
    "__init__": PERSON,
}
TOPIC_LAYERS = {
    **dict.fromkeys(("records", "parse", "plots", "stats", "palette", "_proto", "_wire"), PARSE),
    **dict.fromkeys(("diff", "flame", "flame_svg", "flame_plot"), PARSE),
    **dict.fromkeys(("functions", "listing", "optimize", "machine", "_phased_go"), PARSE),
    **dict.fromkeys(("analysis", "join", "report"), PARSE),
    **dict.fromkeys(("goroutines", "regions", "toolpages"), PARSE),
    **dict.fromkeys(("result", "compare", "costmodel", "repeated"), RESULT),
    **dict.fromkeys(("run", "exercises", "tools", "disasm", "fastread", "mmu", "history"), RUN),
    "facts": RUN,
    **dict.fromkeys(("summary", "flight"), RUN),
    "fetch": RUN,
    **dict.fromkeys(("targets", "stages"), RESULT),
    "attempt_log": RUN,
    **dict.fromkeys(("widgets", "__init__"), PERSON),
}
STARTS_PROCESSES = {"subprocess", "gomemlab.toolchain", "gomemlab.programs", "gomemlab.binaries"}
STARTS_PROCESSES |= {"gomemlab.webui", "gomemlab.gosource", "gomemlab.experiments"}


def _module_name(path: Path) -> str:
    name = ".".join(("gomemlab", *path.relative_to(PACKAGE).with_suffix("").parts))
    return name.removesuffix(".__init__") if path.name == "__init__.py" else name


def layer_of(module: str) -> int:
    """The layer of a gomemlab module (KeyError: a module nobody placed)."""
    parts = module.split(".")[1:] or ["__init__"]
    if parts[0] in TOPICS:
        return TOPIC_LAYERS[parts[1] if len(parts) > 1 else "__init__"]
    return SHARED_LAYERS[parts[0]]


def _deprecated_bodies(tree: ast.AST) -> set[int]:
    """Nodes inside functions decorated `@deprecated(...)`: old names kept for notebooks,
    which call the new place; they are on their way out, so they do not count."""
    return {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef)
        and any("deprecated" in ast.unparse(d) for d in f.decorator_list)
        for n in ast.walk(f)
    }


def _dependencies(path: Path) -> set[str]:
    """gomemlab modules (never bare packages reached by `from . import x`) and subprocess that
    `path` imports anywhere outside TYPE_CHECKING blocks and deprecated aliases."""
    tree = ast.parse(path.read_text())
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path)[:-1]
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else package
    skip = _deprecated_bodies(tree) | {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for n in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{up}.{node.module}" if node.module else up
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
    return {m for m in found if m in MODULES or m == "subprocess"} - {_module_name(path)}


def _topic(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in TOPICS else None


def test_every_module_has_a_layer():
    unplaced = []
    for path in _source_files():
        try:
            layer_of(_module_name(path))
        except KeyError:
            unplaced.append(_module_name(path))
    assert not unplaced, f"give these a layer in test_architecture.py: {unplaced}"


def test_imports_point_down_and_stay_in_their_topic():
    wrong = []
    for path in _source_files():
        module = _module_name(path)
        layer = layer_of(module)
        for dep in sorted(_dependencies(path) - {"subprocess"}):
            if layer_of(dep) > layer:
                wrong.append(
                    f"{module} ({LAYER_NAMES[layer]}) imports {dep} ({LAYER_NAMES[layer_of(dep)]})"
                )
            elif (
                layer in (PARSE, RESULT)
                and _topic(dep) not in (None, _topic(module))
                and layer_of(dep) != PARSE  # reading another topic's output with its parser
            ):
                wrong.append(f"{module} ({LAYER_NAMES[layer]}) imports topic {dep}")
    assert not wrong, "\n".join(wrong)


def test_parsers_plots_and_results_start_nothing():
    wrong = [
        f"{_module_name(p)} imports {sorted(_dependencies(p) & STARTS_PROCESSES)}"
        for p in _source_files()
        if layer_of(_module_name(p)) in (PARSE, RESULT) and _dependencies(p) & STARTS_PROCESSES
    ]
    assert not wrong, "\n".join(wrong)


def _calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]


STARTS_ITS_OWN = {"hub.py": "JupyterHub and its proxy: long-lived servers with their own stop"}
"""The one module that still starts processes itself, and why (to move into toolchain)."""


def test_only_the_toolchain_starts_processes():
    starters = ("os.exec", "os.spawn", "os.fork", "os.posix_spawn", "os.system", "os.popen")
    offenders = [
        f"{p.relative_to(PACKAGE)}: {call}"
        for p in _source_files()
        if p.name != "toolchain.py" and p.name not in STARTS_ITS_OWN
        for call in ["import subprocess"] * ("subprocess" in _dependencies(p)) + _calls(p)
        if call == "import subprocess" or call.startswith(starters)
    ]
    assert not offenders, f"only toolchain.py starts processes: {offenders}"


SETS_THE_SERVERS_ENVIRONMENT = {"serverext.py"}
"""The Jupyter server extension tells kernels (which inherit the server's environment) where
the web UIs are proxied: it runs in the server, never in a learner's kernel."""


def test_no_module_changes_the_process_environment():
    offenders = []
    for path in _source_files():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            targets = [*getattr(node, "targets", []), getattr(node, "target", None)]
            writes = any(
                isinstance(t, ast.Subscript) and ast.unparse(t.value) == "os.environ"
                for t in targets
            )
            if isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                writes |= called in ("os.putenv", "os.unsetenv") or called.startswith(
                    (
                        "os.environ.update",
                        "os.environ.pop",
                        "os.environ.setdefault",
                        "os.environ.clear",
                    )
                )
            if isinstance(node, ast.Delete):
                writes |= any("os.environ" in ast.unparse(t) for t in node.targets)
            if writes and path.name not in SETS_THE_SERVERS_ENVIRONMENT:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, f"pass env= to a run instead of changing os.environ: {offenders}"


@pytest.mark.parametrize("topic", TOPICS)
def test_parsers_are_pure(topic):
    parse = PACKAGE / topic / "parse.py"
    if not parse.exists():
        pytest.skip(f"{topic} has no parser")
    bad = {
        "subprocess",
        "gomemlab.toolchain",
        "gomemlab.programs",
        "matplotlib",
        "matplotlib.pyplot",
        "gomemlab.figures",
        f"gomemlab.{topic}.run",
        f"gomemlab.{topic}.plots",
    }
    assert not (_imports(parse) & bad), f"{topic}/parse.py imports {_imports(parse) & bad}"


def test_nothing_uses_pyplot_at_import_or_to_draw():
    offenders = [
        str(p.relative_to(PACKAGE)) for p in _source_files() if "matplotlib.pyplot" in _imports(p)
    ]
    assert not offenders, f"figures are made with gomemlab.figures, never pyplot: {offenders}"


def test_importing_gomemlab_and_every_topic_loads_no_pyplot():
    code = (
        "import sys, gomemlab as gm\n"
        f"for t in {TOPICS!r}: getattr(gm, t)\n"
        "print('matplotlib.pyplot' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"


def test_no_import_cycles():
    graph = {}
    for path in _source_files():
        name = ".".join(("gomemlab", *path.relative_to(PACKAGE).with_suffix("").parts))
        name = name.removesuffix(".__init__")
        graph[name] = {m for m in _dependencies(path) if m in MODULES or m == "gomemlab"}
    # Package __init__ files re-export their modules: an edge into a package from inside it
    # is not a cycle of roles, so only module-to-module edges between different files count.
    packages = {
        n for n in graph if (PACKAGE / Path(*n.split(".")[1:]) / "__init__.py").exists()
    } | {"gomemlab"}
    edges = {
        n: {m for m in deps if m not in packages and m != n}
        for n, deps in graph.items()
        if n not in packages
    }
    seen, stack, cycles = set(), [], []

    def visit(node):
        if node in stack:
            cycles.append([*stack[stack.index(node) :], node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for dep in edges.get(node, ()):
            visit(dep)
        stack.pop()

    for node in edges:
        visit(node)
    assert not cycles, f"import cycles: {cycles[:3]}"


OPTIONAL = {"jupyterhub"}
"""Packages of an extra (`.[hub]`): a module that needs one is skipped where it is missing."""


def _classes(module_name: str):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        if (missing.name or "").split(".")[0] in OPTIONAL:
            return []
        raise
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if obj.__module__ == module_name
    ]


def test_one_verdict_class():
    others = [
        f"{c.__module__}.{c.__name__}"
        for name in MODULES
        for c in _classes(name)
        if c.__name__ in ("Verdict", "Check", "CheckResult")
        and c.__module__ not in ("gomemlab.checks", "gomemlab.doctor")
    ]
    assert not others, f"exercise outcomes are gomemlab.checks.Verdict: {others}"


def test_one_target_and_no_bare_kinds():
    for path in _source_files():
        tree = ast.parse(path.read_text())
        for node in tree.body:
            targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets.append(node.target.id)
            rel = path.relative_to(PACKAGE).as_posix()
            assert "KINDS" not in targets, f"{rel}: name the kinds (e.g. MESSAGE_KINDS)"
            if rel != "workspace.py":
                assert "Target" not in targets, f"{rel}: use workspace.Target"


def test_exercises_return_verdicts():
    for topic in TOPICS:
        if not (PACKAGE / topic / "exercises.py").exists():
            continue
        module = importlib.import_module(f"gomemlab.{topic}.exercises")
        checks = [
            f
            for name, f in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("check_") and f.__module__ == module.__name__
        ]
        for check in checks:
            returns = inspect.signature(check).return_annotation
            assert returns in ("Verdict", "checks.Verdict", gomemlab.Verdict), (
                f"{topic}.exercises.{check.__name__} must return a Verdict"
            )
            assert hasattr(check, "__wrapped__"), (
                f"{topic}.exercises.{check.__name__} is not wrapped in @checks.exercise"
            )


@pytest.mark.live
def test_a_result_prints_as_one_line_without_long_paths():
    from gomemlab.provenance import Provenance, ResultRepr

    @dataclasses.dataclass(frozen=True, repr=False)
    class Made(ResultRepr):
        table: str = "x" * 10_000
        provenance: Provenance = dataclasses.field(default_factory=Provenance)

    bare = Made()
    made = Made(
        provenance=Provenance.of(
            [gomemlab.find_go().go, "build", "./escape"], go_version="go1.27.3", build_seconds=0.25
        )
    )
    assert repr(bare) == "<Made>"
    assert repr(made) == "<Made: $ go build ./escape · Go 1.27.3 · built 0.25 s>", repr(made)
