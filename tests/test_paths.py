"""What learners see of the machine's paths: short names, never hashes or random folders."""

from __future__ import annotations

import pytest

import gomemlab as gm
from gomemlab import paths, programs, workspace


@pytest.mark.live
def test_go_goroot_samples_and_scratch_are_short():
    go = gm.find_go()
    text = f"{go.go} build {go.goroot}/src/fmt {workspace.samples_root().resolve()}/escape"
    assert paths.short(text) == "go build $GOROOT/src/fmt gosamples/escape"


def test_hashed_and_per_run_folders_are_hidden():
    binary = programs.binary_path(gm.sample("newmake"))
    run = workspace.scratch_dir("test-bench")
    line = paths.shell_text([binary, "-outputdir", run, "-o", run / "b.test"])
    assert line == "newmake -outputdir . -o b.test"


def test_a_command_is_quoted_like_a_shell_line():
    assert paths.shell_text(["go", "test", "-run", "^$", "-bench", "a b"]) == (
        "go test -run '^$' -bench 'a b'"
    )
