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


def test_only_the_toolchain_starts_processes():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _source_files()
        if "subprocess" in _imports(p)
        and p.name != "toolchain.py"
        and p.relative_to(PACKAGE).as_posix() not in ("cli.py", "lab.py", "export.py", "hub.py")
    ]
    assert not offenders, f"only toolchain.py may import subprocess: {offenders}"


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
        graph[name] = {m for m in _imports(path) if m in MODULES or m == "gomemlab"}
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


def _classes(module_name: str):
    module = importlib.import_module(module_name)
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if obj.__module__ == module_name
    ]


@pytest.mark.parametrize("topic", TOPICS)
def test_results_are_frozen_dataclasses_with_provenance(topic):
    result = PACKAGE / topic / "result.py"
    if not result.exists():
        pytest.skip(f"{topic} has no result module")
    classes = [
        c
        for c in _classes(f"gomemlab.{topic}.result")
        if hasattr(c, "_repr_html_") and not issubclass(c, BaseException)
    ]
    assert classes, f"{topic}/result.py defines no result object"
    for cls in classes:
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls
    assert any("provenance" in {f.name for f in dataclasses.fields(c)} for c in classes), (
        f"no result of {topic} records its Provenance"
    )
    # print(result) is one line, not every field (tables, whole outputs, scratch paths)
    long = [
        c.__name__
        for c in classes
        if "provenance" in {f.name for f in dataclasses.fields(c)}
        and c.__dataclass_params__.repr
        and "__repr__" not in vars(c)
    ]
    assert not long, f"results with the dataclass's field-by-field repr: {long}"


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
