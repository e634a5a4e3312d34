"""The bundled Go samples: vet clean, tests pass, every program runs and prints."""

from __future__ import annotations

import pytest

import gomemlab as gm
from gomemlab import toolchain, workspace

pytestmark = pytest.mark.live


def test_samples_vet_clean():
    toolchain.go("vet", "./...", cwd=workspace.samples_root()).check_build()


def test_samples_go_tests_pass():
    done = toolchain.go("test", "-count=1", "./...", cwd=workspace.samples_root()).check_run()
    for topic in workspace.TOPICS:
        assert f"ok  \tgosamples/{topic}" in done.stdout, done.stdout
    for package in _demos_with_their_own_tests():
        assert f"ok  \tgosamples/{package}\t" in done.stdout, (package, done.stdout)


def _demos_with_their_own_tests() -> list[str]:
    """The demo packages ("topic/demo") of the topics whose demos each carry a test."""
    root = workspace.samples_root()
    demos = [
        folder.relative_to(root).as_posix()
        for topic in ("newmake", "valuesem", "escape", "pprof")
        for folder in sorted((root / topic).iterdir())
        if folder.is_dir() and folder.name != "testdata" and any(folder.glob("*.go"))
    ]
    assert len(demos) >= 16, demos
    return demos


@pytest.mark.parametrize("topic", ["newmake", "valuesem", "pprof", "trace"])
def test_sample_programs_print_something(topic):
    assert gm.run(topic, timeout=120).stdout.strip()


def test_samples_module_is_standard_library_only():
    go_mod = (workspace.samples_root() / "go.mod").read_text()
    assert "require" not in go_mod
    assert f"go {toolchain.SERIES_TEXT}" in go_mod
