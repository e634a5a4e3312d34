"""The Go tools' web UIs through the Jupyter server: under the lab's own URL, links kept under
its prefix, for logged-in users only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gomemlab import serverext, webui

pytestmark = pytest.mark.live
TRACE = Path(__file__).parent / "fixtures" / "trace" / "gomaxprocs2.trace"


def test_root_links_are_rewritten_under_the_prefix():
    page = (
        b'<a href="/trace?view=proc">x</a><script src="/static/a.js"></script>'
        b"url = '/jsontrace?start=0'; keep('/elsewhere'); keep(\"https://x/trace\")"
    )
    out = serverext.rewrite(page, "/user/a/gomemlab-ui/81/")
    assert b'href="/user/a/gomemlab-ui/81/trace?view=proc"' in out
    assert b'src="/user/a/gomemlab-ui/81/static/a.js"' in out
    assert b"'/user/a/gomemlab-ui/81/jsontrace?start=0'" in out
    assert b"'/elsewhere'" in out and b'"https://x/trace"' in out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("server")
    port = webui.free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "c"),
        "JUPYTER_RUNTIME_DIR": str(home / "r"),
        "JUPYTER_DATA_DIR": str(home / "d"),
    }
    argv = [
        sys.executable,
        "-m",
        "jupyter",
        "server",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=secret",
        "--allow-root",
        "--ServerApp.base_url=/user/a/",
        "--ServerApp.jpserver_extensions=gomemlab.serverext=True",
    ]
    with open(home / "log", "w") as log:
        proc = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while not webui._listening(port):
        assert proc.poll() is None and time.monotonic() < deadline, (home / "log").read_text()
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}/user/a/"
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, token: str | None = "secret") -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"token {token}"} if token else {}
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_trace_ui_works_under_the_lab_url(server):
    port = webui.free_port()
    ui = webui.serve("go tool trace", "tool", "trace", f"-http=127.0.0.1:{port}", TRACE, port=port)
    try:
        status, body = _get(f"{server}gomemlab-ui/{port}/")
        assert status == 200
        assert b'href="/user/a/gomemlab-ui/%d/trace?view=proc"' % port in body
        status, body = _get(f"{server}gomemlab-ui/{port}/trace?view=proc")
        assert status == 200 and b"/user/a/gomemlab-ui/%d/static/" % port in body
        assert _get(f"{server}gomemlab-ui/{port}/", token=None)[0] in (302, 403)
    finally:
        ui.stop()
    assert _get(f"{server}gomemlab-ui/{port}/")[0] == 502


def test_the_link_a_notebook_shows_uses_the_prefix(monkeypatch):
    monkeypatch.setenv(webui.ENV_PREFIX, "/user/a/gomemlab-ui/")
    ui = webui.WebUI(
        "go tool pprof", "http://127.0.0.1:5000/ui/", process=None, port=5000, path="/ui/"
    )
    assert ui.url == "/user/a/gomemlab-ui/5000/ui/"
    monkeypatch.delenv(webui.ENV_PREFIX)
    assert ui.url == "http://127.0.0.1:5000/ui/"
