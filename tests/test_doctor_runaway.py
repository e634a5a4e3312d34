"""The runaway program of chapter 00: stopped at its time limit with the process it started."""

from __future__ import annotations

import os

import pytest

from gomemlab.doctor import process_state, runaway

pytestmark = pytest.mark.live


def test_a_runaway_program_is_stopped_with_its_child():
    stopped = runaway(timeout=3)
    assert stopped.program == stopped.child == "gone", stopped
    assert "3" in stopped.error and stopped.waited_s >= 2.5, stopped
    assert "after" in str(stopped) and "gone" in str(stopped)


def test_process_state_tells_a_live_process_from_a_gone_one():
    assert process_state(os.getpid()) == "STILL RUNNING"
    pid = os.fork()
    if pid == 0:  # the child ends at once
        os._exit(0)
    os.waitpid(pid, 0)
    assert process_state(pid) == "gone"
