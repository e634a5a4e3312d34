"""The `gomemlab` command as a user runs it."""

from __future__ import annotations

import os
import sys

import pytest

from gomemlab import toolchain

COMMAND = [sys.executable, "-m", "gomemlab.cli"]


@pytest.mark.live
def test_doctor_reports_go_and_succeeds():
    done = toolchain.run([*COMMAND, "doctor"], timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "go1.27" in done.stdout and "All good." in done.stdout


def test_doctor_fails_with_a_fix_when_go_is_missing(tmp_path):
    env = {**os.environ, toolchain.ENV_GO: str(tmp_path / "missing-go")}
    done = toolchain.run([*COMMAND, "doctor"], env=env, timeout=60)
    assert done.returncode == 1
    assert "[BAD] Go toolchain" in done.stdout
    assert "GOMEMLAB_GO" in done.stdout and "fix:" in done.stdout


# `gomemlab warm`: `make warm` runs this command before every step that runs Go (and fails the
# step when it fails); tests/test_first_use.py checks the warm's first use, from nothing, in a
# terminal (in CI, the workshop seed's cold warm).
