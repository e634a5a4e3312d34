"""`gomemlab lab` (what `make lab` ends in) serves JupyterLab on 127.0.0.1 with our settings."""

from __future__ import annotations

import json
import urllib.request

import pytest
from labserver import running_lab

from gomemlab import UsageError


def test_lab_serves_the_start_here_notebook_on_loopback(tmp_path):
    with running_lab(tmp_path, timeout=90) as (base, log):
        with urllib.request.urlopen(f"{base}/api/contents/00-start-here.ipynb", timeout=20) as r:
            assert json.load(r)["type"] == "notebook"
        with urllib.request.urlopen(
            f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification", timeout=20
        ) as r:
            fetch_news = json.load(r)["schema"]["properties"]["fetchNews"]
        assert fetch_news["default"] == "false", fetch_news  # our overrides.json is in force
        assert f"{base}/lab" in log.read_text()
        # A fresh server opens on start-here, not on the Launcher.
        with urllib.request.urlopen(f"{base}/", timeout=20) as r:
            assert r.geturl().endswith("/lab/tree/00-start-here.ipynb"), r.geturl()
        # It serves the learner's copy; the repository's notebooks are not the ones served.
        assert (tmp_path / "mine" / "notebooks" / "00-start-here.ipynb").is_file()


def test_reset_keeps_the_edited_copy(tmp_path, monkeypatch):
    from gomemlab import lab

    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    folder, added = lab.prepare()
    assert "00-start-here.ipynb" in added and lab.prepare()[1] == []
    mine = folder / "03-escape-analysis.ipynb"
    mine.write_text("my edits")
    restored, kept = lab.reset("03")
    assert restored.read_bytes() == (lab.pristine() / mine.name).read_bytes()
    assert kept is not None and kept.read_text() == "my edits"
    # Kept in a folder of its own: the file browser shows one "03-escape-anal…" (issue 22).
    assert kept.parent == folder / lab.KEPT
    assert [p.name for p in folder.glob("03-*")] == ["03-escape-analysis.ipynb"]
    assert lab.reset("03-escape-analysis")[1] is None  # unchanged: nothing to keep
    with pytest.raises(UsageError, match="no single notebook"):
        lab.reset("0")


def _send(base: str, path: str, body: dict, method: str = "POST") -> dict:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        text = answer.read()
    return json.loads(text) if text else {}  # a saved workspace answers 204, no body


def test_reset_refuses_while_jupyterlab_has_the_notebook_open(tmp_path, monkeypatch):
    """Issue 22: reset under an open tab came back at the tab's next save ("File Changed",
    Overwrite focused). With the notebook open in a running lab, reset changes nothing and
    says which server and what to do; closed, it resets."""
    from gomemlab import lab
    from gomemlab.cli import main

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # where the lab runs
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path / "mine"))
    # The test plays the browser's part through the REST API: no XSRF cookie to send.
    with running_lab(tmp_path, ["--ServerApp.disable_check_xsrf=True"], timeout=90) as (base, _):
        mine = tmp_path / "mine" / "notebooks" / "03-escape-analysis.ipynb"
        mine.write_text(mine.read_text().replace("Escape analysis", "My escape analysis"))
        edited = mine.read_bytes()
        # A tab in a JupyterLab workspace, as the lab saves it when a notebook is open:
        tab = {"notebook:03-escape-analysis.ipynb": {"data": {"path": mine.name}}}
        _send(base, "/lab/api/workspaces/lab", {"data": tab, "metadata": {"id": "lab"}}, "PUT")
        with pytest.raises(lab.NotebookOpenError) as caught:
            lab.reset("03")
        first = str(caught.value).splitlines()[0]
        assert first.startswith("03-escape-analysis.ipynb is open in JupyterLab (http://127.0.0.1")
        assert "close its tab" in first and "gomemlab reset 03" in first
        assert mine.read_bytes() == edited and not (mine.parent / lab.KEPT).exists()
        assert main(["reset", "03"]) == 1  # the CLI prints the same, and fails
        # Closed in the workspace, but a kernel still runs on it: still open.
        _send(base, "/lab/api/workspaces/lab", {"data": {}, "metadata": {"id": "lab"}}, "PUT")
        session = _send(
            base,
            "/api/sessions",
            {
                "path": mine.name,
                "type": "notebook",
                "name": mine.name,
                "kernel": {"name": "python3"},
            },
        )
        with pytest.raises(lab.NotebookOpenError):
            lab.reset("03")
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=60).close()
        assert lab.open_in(mine.parent, "07-gc.ipynb") == []
        restored, kept = lab.reset("03")  # closed everywhere: the reset goes ahead
        assert kept.read_bytes() == edited
        assert restored.read_bytes() == (lab.pristine() / mine.name).read_bytes()
