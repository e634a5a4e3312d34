"""Go web UIs are started on 127.0.0.1 only, answer, and stop with their process group."""

from __future__ import annotations

import urllib.request

import pytest

import gomemlab as gm
from gomemlab import webui, workspace


@pytest.mark.live
def test_pprof_web_ui_serves_on_loopback_and_stops():
    folder = workspace.scratch_dir("webui-test")
    profile = folder / "mem.out"
    gm.run("pprof", ["-lines", "2000", "-rounds", "1", "-memprofile", str(profile)])
    port = webui.free_port()
    with webui.serve(
        "pprof",
        "tool",
        "pprof",
        f"-http={webui.LOOPBACK}:{port}",
        "-no_browser",
        profile,
        port=port,
    ) as ui:
        assert ui.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(ui.url, timeout=10) as page:
            assert page.status == 200
    assert not ui.running


@pytest.mark.live
def test_a_tool_that_fails_to_start_is_a_clear_error(tmp_path):
    port = webui.free_port()
    with pytest.raises(gm.GoCommandError, match="did not start listening"):
        webui.serve(
            "pprof",
            "tool",
            "pprof",
            f"-http={webui.LOOPBACK}:{port}",
            "-no_browser",
            tmp_path / "missing.out",
            port=port,
            timeout=20,
        )
