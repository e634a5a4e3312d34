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


@pytest.mark.parametrize("topic", ["newmake", "valuesem", "pprof", "trace"])
def test_sample_programs_print_something(topic):
    assert gm.run(topic, timeout=120).stdout.strip()


def test_samples_module_is_standard_library_only():
    go_mod = (workspace.samples_root() / "go.mod").read_text()
    assert "require" not in go_mod
    assert f"go {toolchain.SERIES_TEXT}" in go_mod
