"""Nothing a learner wrote is lost (issue 20): notebook copies, reset and progress are written
atomically, a half-written copy is repaired from the pristine notebook (and kept aside), two
resets in one second keep two copies, and a damaged progress file never breaks a check."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys

import pytest

import gomemlab as gm
from gomemlab import files, lab
from gomemlab.progress import FILE, record


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("GOMEMLAB_DATA", str(folder))
    return folder


def _readable_notebooks(folder):
    return all(lab.readable(p) for p in folder.glob("*.ipynb"))


def test_two_resets_in_the_same_second_keep_both_copies(data, monkeypatch):
    monkeypatch.setattr("time.strftime", lambda *_: "20261206-220752")  # the same second
    folder, _ = lab.prepare()
    mine = folder / "03-escape-analysis.ipynb"
    mine.write_text("first edits")
    _, first = lab.reset("03")
    mine.write_text("second edits")
    _, second = lab.reset("03")
    assert first != second
    assert first.read_text() == "first edits" and second.read_text() == "second edits"
    assert second.name == "03-escape-analysis.edited-20261206-220752-2.ipynb"


def test_a_half_written_copy_is_repaired_and_kept_aside(data):
    folder, _ = lab.prepare()
    copy = folder / "07-gc.ipynb"
    pristine = (lab.pristine() / copy.name).read_bytes()
    copy.write_bytes(pristine[:4096])  # what a full disk left before writes were atomic
    _, repaired = lab.prepare()
    assert repaired == ["07-gc.ipynb"]
    assert copy.read_bytes() == pristine
    damaged = list((folder / lab.KEPT).glob("07-gc.damaged-*.ipynb"))
    assert len(damaged) == 1 and damaged[0].read_bytes() == pristine[:4096]
    assert lab.prepare()[1] == []  # a whole copy is trusted, edited or not


def _full_disk_after(limit: int):
    """os.fdopen whose files take `limit` bytes, then fail like a full disk: midway."""
    real = os.fdopen

    def fdopen(handle, mode="r", *args, **kwargs):
        out = real(handle, mode, *args, **kwargs)
        write = out.write

        def cut(data):
            write(data[:limit])
            out.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        out.write = cut
        return out

    return fdopen


def test_a_full_disk_during_reset_keeps_the_learners_copy_whole(data, monkeypatch):
    folder, _ = lab.prepare()
    mine = folder / "07-gc.ipynb"
    edited = json.loads(mine.read_text())
    edited["cells"][0]["source"] = "my notes"
    mine.write_text(json.dumps(edited))
    before = mine.read_bytes()
    real = os.fdopen
    monkeypatch.setattr(files.os, "fdopen", _full_disk_after(4096))
    with pytest.raises(gm.WorkspaceError, match="the disk is full") as caught:
        lab.reset("07")
    monkeypatch.setattr(files.os, "fdopen", real)
    assert "07-gc.ipynb" in str(caught.value).splitlines()[0]
    assert mine.read_bytes() == before  # untouched, not truncated
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no staging left
    _, kept = lab.reset("07")  # with room again, reset works and keeps the edits
    assert kept.read_bytes() == before


@contextlib.contextmanager
def _tiny_tmpfs(folder, size="96k"):
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0, reason="mounts a tmpfs (root)"
)
def test_a_really_full_disk_leaves_only_whole_notebooks(tmp_path, monkeypatch):
    with _tiny_tmpfs(tmp_path / "small") as small:
        monkeypatch.setenv("GOMEMLAB_DATA", str(small))
        with pytest.raises(gm.WorkspaceError, match=r"No space left on device.*disk is full"):
            lab.prepare()
        copies = list((small / "notebooks").glob("*.ipynb"))
        assert copies and _readable_notebooks(small / "notebooks")
        assert not [p for p in (small / "notebooks").iterdir() if p.name.startswith(".")]
        record("x.check", "x", True)  # no room: skipped silently, nothing half-written
        log = small / FILE
        assert not log.exists() or log.read_text().endswith("\n")


@pytest.mark.parametrize(
    "setting", ["/proc/x", "/proc/version", "/dev/null/x"], ids=["proc", "file", "under-file"]
)
def test_an_unusable_data_folder_is_a_clear_error(monkeypatch, setting):
    monkeypatch.setenv("GOMEMLAB_DATA", setting)
    for call in (lab.prepare, lambda: lab.reset("03")):
        with pytest.raises(gm.WorkspaceError, match="GOMEMLAB_DATA") as caught:
            call()
        first = str(caught.value).splitlines()[0]
        assert setting in first and "set GOMEMLAB_DATA" in first, first  # what, where, what to do


def test_doctor_reports_an_unusable_data_folder(monkeypatch):
    from gomemlab.doctor import _data_check

    monkeypatch.setenv("GOMEMLAB_DATA", "/proc/x")
    check = _data_check()
    assert not check.ok and "GOMEMLAB_DATA" in check.fix


CORRUPT_LINES = [
    b"\xff\xfe",
    b"3",
    b"[1]",
    b'{"exercise": null, "passed": true}',
    b'{"exercise": "a.check", "passed": "no"}',
    b'{"exercise": ["a"], "passed": true}',
    b'{"exercise": "a.check"}',
    b"null",
    b'{"exercise": "a.check", "passed": tr',
    b'"\\ud800"',
]


def test_progress_skips_every_corrupted_line_and_counts_them(data):
    data.mkdir()
    good = b'{"exercise": "gc.check_goal_ratio", "passed": true, "at": "2026-12-06T10:00:00"}'
    (data / FILE).write_bytes(b"\n".join([good, *CORRUPT_LINES, good]) + b"\n")
    shown = gm.progress()
    assert shown.skipped == len(CORRUPT_LINES)
    assert shown.frame.to_dict("records") == [
        {
            "exercise": "gc.check_goal_ratio",
            "attempts": 2,
            "solved": True,
            "first solved": "2026-12-06T10:00:00",
        }
    ]
    assert f"({len(CORRUPT_LINES)} unreadable lines of progress.jsonl skipped)" in str(shown)
    assert "unreadable" in shown._repr_html_()
    from gomemlab.cli import main

    assert main(["progress"]) == 0


def test_a_record_after_a_cut_line_starts_on_its_own_line(data):
    data.mkdir()
    (data / FILE).write_bytes(b'{"exercise": "a.check", "pas')  # no newline
    record("b.check", "03 escape analysis · exercise 2: total", False)
    shown = gm.progress()
    assert shown.skipped == 1 and list(shown.frame.exercise) == [
        "03 escape analysis · exercise 2: total"
    ]


def test_usage_mistakes_in_checks_are_not_recorded(data):
    calls = [
        lambda: gm.gc.exercises.check_goal_ratio("abc", 1),
        lambda: gm.trace.exercises.check_stack_buffers(None),
        lambda: gm.trace.exercises.check_stack_buffers("func work(item int) int {}", items=-1),
        lambda: gm.trace.exercises.check_busiest_assister(None, 3),
        lambda: gm.trace.exercises.check_longest_pause(None, None, None),
        lambda: gm.pprof.exercises.check_reading(None, {}),
        lambda: gm.lifetimes.exercises.check_pooled("x", timeout=0),
        lambda: gm.escape.exercises.check_total("\ud800"),
        lambda: gm.newmake.exercises.check_stock(b"package main"),
        lambda: gm.escape.exercises.check_total("x", nope=1),
    ]
    for call in calls:
        with pytest.raises(gm.UsageError) as caught:
            call()
        first = str(caught.value).splitlines()[0]
        assert "check_" in first or "gogc" in first or "items" in first, first
    assert not (data / FILE).exists()
    assert gm.progress().frame.empty


def test_lines_appended_by_two_processes_at_once_are_all_kept(tmp_path):
    path = tmp_path / "log.jsonl"
    writer = (
        "import sys; from pathlib import Path; from gomemlab import files\n"
        "for i in range(40):\n"
        "    files.append_line(Path(sys.argv[1]), f'{sys.argv[2]} {i}', what='the log')\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", writer, str(path), n]) for n in "ab"]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    lines = path.read_text().splitlines()
    for name in "ab":  # every line of each writer, in its order
        assert [x for x in lines if x.startswith(name)] == [f"{name} {i}" for i in range(40)]
    assert len(lines) == 80
    assert {p.name for p in tmp_path.iterdir()} == {"log.jsonl", ".log.jsonl.lock"}  # no staging
