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
    assert lab.reset("03-escape-analysis")[1] is None  # unchanged: nothing to keep
    with pytest.raises(UsageError, match="no single notebook"):
        lab.reset("0")
