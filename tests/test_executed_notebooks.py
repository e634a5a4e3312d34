"""Each notebook runs once in `make test`: nbval's run (driven by nbclient, conftest.py) saves
the executed notebook into $GOMEMLAB_EXECUTED, and `gomemlab export --executed` makes the pages
from those copies instead of running the notebooks again. nbval's own checks (a cell that
raises, an `nbval-check-output` cell whose output differs) still fail the run, and a notebook
that did not run whole and green is not saved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gomemlab import export
from gomemlab.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]


def _code(source: str, *, tags: tuple[str, ...] = (), outputs=None, count=None):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})
    if outputs is not None:
        cell.outputs, cell.execution_count = outputs, count
    return cell


def _notebook(path: Path, *cells) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A title\n\nWhat you will learn: this."), *cells]
    nbformat.write(nb, path)
    return path


def _printed(text: str) -> list:
    return [nbformat.v4.new_output("stream", name="stdout", text=text)]


def _nbval(
    notebook: Path, saved: Path, quick: str = "1", **env: str
) -> subprocess.CompletedProcess:
    """pytest as `make test-live` runs it (the repository's configuration and conftest.py) on a
    notebook outside the repository; `env`: more environment variables."""
    env = {**os.environ, **env, "GOMEMLAB_EXECUTED": str(saved), "GOMEMLAB_QUICK": quick}
    argv = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:randomly"]
    argv += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), "-p", "conftest"]
    return subprocess.run(
        [*argv, str(notebook)],
        cwd=notebook.parent,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_green_run_is_saved_as_jupyter_shows_it_and_the_page_is_made_from_it(tmp_path):
    notebook = _notebook(
        tmp_path / "01-green.ipynb",
        _code("print('hello from ' + 'the kernel')"),  # split: the page shows the source too
        _code(
            "from IPython.display import display\n"
            "shown = display('first ' + 'state', display_id=True)\n"
            "shown.update('final ' + 'state')"
        ),
        _code("print(1 + 1)", tags=("nbval-check-output",), outputs=_printed("2\n"), count=3),
        _code(
            "from IPython.display import clear_output\n"
            "print('cleared ' + 'away')\nclear_output()\nprint('what ' + 'stays')"
        ),
    )
    saved = tmp_path / "executed"
    times = tmp_path / "times.jsonl"
    done = _nbval(notebook, saved, GOMEMLAB_NOTEBOOK_TIMES=str(times))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout  # four cells, then every cell again
    # test-load's table: the notebook's wall and its kernel's CPU seconds, and no item failed
    (record,) = map(json.loads, times.read_text().splitlines())
    assert record["notebook"] == "01-green" and record["failed"] == 0
    assert 0 < record["cpu"] < record["wall"] < 300  # a kernel started, imported, ran 8 cells

    nb = nbformat.read(saved / notebook.name, as_version=4)
    assert nb.metadata[export.EXECUTED_MARK] == {"quick": True}
    text = [json.dumps(c.get("outputs", [])) for c in nb.cells]  # what each cell showed
    assert "hello from the kernel" in text[1]
    assert "final state" in text[2] and "first state" not in text[2]  # the update applied
    assert "cleared away" not in text[4] and "what stays" in text[4]  # clear_output applied
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4]

    page = export.export([notebook], out=tmp_path / "pages", executed=saved, progress=False)
    html = page[0].read_text()
    assert "hello from the kernel" in html and "final state" in html
    assert "cleared away" not in html and "first state" not in html


def test_a_red_run_fails_as_nbval_fails_and_saves_nothing(tmp_path):
    notebook = _notebook(
        tmp_path / "02-red.ipynb",
        _code("print(1 + 1)", tags=("nbval-check-output",), outputs=_printed("3\n"), count=1),
        _code("raise RuntimeError('a claim Go did not keep')"),
        _code("raise ValueError('expected')", tags=("raises-exception",)),
    )
    saved = tmp_path / "executed"
    saved.mkdir()
    (saved / notebook.name).write_text("{}")  # a copy from an earlier run: not this run
    times = tmp_path / "times.jsonl"
    done = _nbval(notebook, saved, GOMEMLAB_NOTEBOOK_TIMES=str(times))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Cell outputs differ" in done.stdout
    assert "Cell execution caused an exception" in done.stdout
    assert "a claim Go did not keep" in done.stdout
    assert "2 failed, 1 passed, 1 skipped" in done.stdout  # no second run after a red one
    assert not (saved / notebook.name).exists()
    assert json.loads(times.read_text())["failed"] == 2


def _state(pid: int) -> str:
    """A process's state letter from /proc (T: stopped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads process states in /proc")
def test_a_cell_that_cannot_run_again_after_run_all_fails_the_notebook(tmp_path):
    """A later cell rebinds a name an earlier one uses: the first run is green (and saved as it
    showed), running the cells again fails, naming the cell. The first run in full mode, the
    second in quick mode with test-load's busy loops (here a sleeping process) stopped."""
    loop = subprocess.Popen(["sleep", "300"])
    try:
        notebook = _notebook(
            tmp_path / "04-again.ipynb",
            _code("print(len('ab'))"),
            _code("len = 5  # a later section reuses the name"),
            _code("raise ValueError('expected')", tags=("raises-exception",)),
            _code(
                "import os, pathlib\nruns = globals().get('runs', 0) + 1\n"
                f"state = pathlib.Path('/proc/{loop.pid}/stat').read_text().rsplit(') ')[1][0]\n"
                "assert os.environ['GOMEMLAB_QUICK'] == ('0' if runs == 1 else '1'), runs\n"
                "assert (state == 'T') == (runs == 2), (runs, state)"
            ),
        )
        saved = tmp_path / "executed"
        done = _nbval(notebook, saved, quick="0", GOMEMLAB_BUSY_LOOPS=str(loop.pid))
        assert _state(loop.pid) != "T"  # continued after
    finally:
        loop.kill()
        loop.wait()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 4 passed" in done.stdout
    assert "these cells no longer run: cell 1: TypeError: 'int' object is not callable" in (
        done.stdout
    )
    assert "cell 3" not in done.stdout and "cell 4" not in done.stdout
    nb = nbformat.read(saved / notebook.name, as_version=4)
    assert nb.cells[1].outputs[0].text == "2\n" and nb.cells[1].execution_count == 1


def _saved_copy(tmp_path: Path, marked: bool = True, source: str = "print(1)") -> Path:
    notebook = _notebook(tmp_path / "03-x.ipynb", _code("print(1)"))
    saved = tmp_path / "executed"
    saved.mkdir(exist_ok=True)
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[1].source = source
    if marked:
        nb.metadata[export.EXECUTED_MARK] = {"quick": True}
    nbformat.write(nb, saved / notebook.name)
    return notebook


def test_pages_from_executed_copies_refuse_a_missing_unmarked_or_outdated_copy(tmp_path):
    notebook = _notebook(tmp_path / "03-x.ipynb", _code("print(1)"))
    out, saved = tmp_path / "pages", tmp_path / "executed"
    with pytest.raises(UsageError, match=r"no executed copy of 03-x in .*: run the notebook"):
        export.export([notebook], out=out, executed=saved, progress=False)
    _saved_copy(tmp_path, marked=False)
    with pytest.raises(UsageError, match="not saved by a green test run"):
        export.export([notebook], out=out, executed=saved, progress=False)
    _saved_copy(tmp_path, source="print(2)")
    with pytest.raises(UsageError, match=r"executed from an older 03-x\.ipynb"):
        export.export([notebook], out=out, executed=saved, progress=False)
    _saved_copy(tmp_path)
    with pytest.raises(UsageError, match="drop quick"):
        export.export([notebook], out=out, executed=saved, quick=True, progress=False)
    assert not out.exists()  # refused before anything was written
    (page,) = export.export([notebook], out=out, executed=saved, progress=False)
    assert page.name == "03-x.html"
