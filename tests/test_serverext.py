"""The Go tools' web UIs through the Jupyter server: under the lab's own URL, links kept under
its prefix, for logged-in users only, and only to tools this account's own kernels started;
each refusal of the proxy is shown."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gomemlab import hub, serverext, webui

pytestmark = pytest.mark.live
TRACE = Path(__file__).parent / "fixtures" / "trace" / "gomaxprocs2.trace"
# `/proc/net/tcp` recorded on the test machine while a two-learner hub ran: listeners of root
# (uid 0) and of gml-learner01 (uid 1001, port 58789), then two TIME_WAIT rows (state 06).
NET_TCP = Path(__file__).parent / "fixtures" / "hub" / "proc-net-tcp.txt"


def test_the_listening_socket_names_its_account():
    assert serverext.listener_uid(58789, NET_TCP) == 1001
    assert serverext.listener_uid(55197, NET_TCP) == 0  # LISTEN, not the TIME_WAIT rows
    assert serverext.listener_uid(2024, NET_TCP) is None  # 0.0.0.0:2024 is not loopback
    assert serverext.listener_uid(9, NET_TCP) is None
    assert serverext.listener_uid(9, Path("/nonexistent")) is None


def test_a_redirect_stays_under_the_prefix_or_is_refused():
    prefix = "/user/a/gomemlab-ui/81/"
    assert serverext.location("/trace", 81, prefix) == "/user/a/gomemlab-ui/81/trace"
    assert serverext.location("http://127.0.0.1:81/ui/", 81, prefix) == prefix + "ui/"
    assert serverext.location("flamegraph", 81, prefix) == "flamegraph"
    for outside in ("http://evil.example/", "//evil.example/x", "http://127.0.0.1:82/", "data:x"):
        assert serverext.location(outside, 81, prefix) is None, outside


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
    # The tools the tests start register in the same runtime folder the server reads, as a
    # kernel of the server would.
    before = os.environ.get("JUPYTER_RUNTIME_DIR")
    os.environ["JUPYTER_RUNTIME_DIR"] = str(home / "r")
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
    if before is None:
        os.environ.pop("JUPYTER_RUNTIME_DIR")
    else:
        os.environ["JUPYTER_RUNTIME_DIR"] = before


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _fetch(url: str, token: str | None = "secret", method: str = "GET"):
    """(status, headers, body) of a request that follows no redirect."""
    request = urllib.request.Request(
        url, method=method, headers={"Authorization": f"token {token}"} if token else {}
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _get(url: str, token: str | None = "secret") -> tuple[int, bytes]:
    status, _, body = _fetch(url, token)
    return status, body


class _Tool(http.server.BaseHTTPRequestHandler):
    """A stand-in for a Go tool's web UI that misbehaves on purpose. `/slow` answers only when
    the test sets `release` (each request held counts itself in `held`)."""

    release = threading.Event()
    held = threading.Semaphore(0)

    def do_GET(self) -> None:
        if self.path == "/slow":
            _Tool.held.release()
            _Tool.release.wait(timeout=120)
        self.send_response(302 if self.path.startswith("/go") else 200)
        if self.path == "/go-out":
            self.send_header("Location", "http://evil.example/")
        elif self.path == "/go-in":
            self.send_header("Location", "/trace")
        self.send_header("Set-Cookie", "jupyterhub-session-id=stolen; Path=/")
        self.send_header("Set-Cookie", "other=1; Path=/")
        self.send_header("Content-Security-Policy", "default-src *")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(b'<a href="/trace">t</a>')

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def tool(server):
    """The stand-in tool on a free port, registered as this account's kernels' own."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tool)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    webui._register(port, os.getpid())
    yield port
    webui._unregister(port)
    httpd.shutdown()


def test_the_proxy_forwards_only_to_this_accounts_registered_tools(server, tool):
    own = int(server.split(":")[2].split("/")[0])  # the Jupyter server's own port
    status, body = _get(f"{server}gomemlab-ui/{own}/user/a/api")
    assert status == 403 and b"not a Go tool your kernels started" in body
    # A registered port served by another account is refused too: that account must be able to
    # run this Python (CI makes the venv from Debian's; a pyenv Python under /root is closed).
    try:
        hub._reachable_by_learners(Path(tempfile.gettempdir()))
    except hub.HubError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"another account cannot start this Python: {error}")
    nobody = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(webui.free_port())],
        user=65534,
        group=65534,
        extra_groups=[],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = int(nobody.args[-1])
        deadline = time.monotonic() + 30
        while not webui._listening(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        webui._register(port, os.getpid())
        status, body = _get(f"{server}gomemlab-ui/{port}/")
        assert status == 403 and b"served by another account" in body
    finally:
        webui._unregister(port)
        nobody.terminate()
        nobody.wait(30)
    assert _get(f"{server}gomemlab-ui/{tool}/")[0] == 200


def test_cookies_and_policies_of_the_tool_never_reach_the_lab_origin(server, tool):
    status, headers, body = _fetch(f"{server}gomemlab-ui/{tool}/page")
    link = b'<a href="/user/a/gomemlab-ui/%d/trace">t</a>' % tool
    assert status == 200 and body == serverext.STORAGE_SHIM + link
    # The server may set its own login cookie; none of the tool's cookies pass.
    cookies = " ".join(headers.get_all("Set-Cookie") or [])
    assert "jupyterhub-session-id" not in cookies and "other=1" not in cookies
    assert headers.get_all("Content-Security-Policy") == [serverext.POLICY]
    assert headers.get("Access-Control-Allow-Origin") in (None, "")  # the server's own, not "*"
    assert "sandbox" in serverext.POLICY and "allow-same-origin" not in serverext.POLICY
    status, headers, body = _fetch(f"{server}gomemlab-ui/{tool}/page", method="HEAD")
    assert (status, body) == (200, b"") and headers["Content-Security-Policy"] == serverext.POLICY


def test_redirects_stay_under_the_prefix_or_are_refused(server, tool):
    status, headers, _ = _fetch(f"{server}gomemlab-ui/{tool}/go-in")
    assert status == 302 and headers["Location"] == f"/user/a/gomemlab-ui/{tool}/trace"
    status, headers, body = _fetch(f"{server}gomemlab-ui/{tool}/go-out")
    assert status == 502 and b"redirected outside itself" in body
    assert "evil" not in (headers.get("Location") or "")


def test_ten_slow_tools_do_not_hold_up_the_others(server, tool):
    """Ten requests the tool holds (it answers them only when told) do not stop an eleventh
    from being answered: behind a shared pool of 10 connections it would wait for one of them,
    here until _fetch's timeout."""
    _Tool.release.clear()
    with ThreadPoolExecutor(12) as pool:
        try:
            slow = [pool.submit(_get, f"{server}gomemlab-ui/{tool}/slow") for _ in range(10)]
            for _ in slow:  # every one of the ten is inside the tool, held
                assert _Tool.held.acquire(timeout=120)
            assert _get(f"{server}gomemlab-ui/{tool}/page")[0] == 200
            assert not any(f.done() for f in slow)  # answered while the ten were still held
        finally:
            _Tool.release.set()
        assert [f.result()[0] for f in slow] == [200] * 10


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
    assert _get(f"{server}gomemlab-ui/{port}/")[0] == 403  # stopped: no longer registered


def test_the_link_a_notebook_shows_uses_the_prefix(monkeypatch):
    monkeypatch.setenv(webui.ENV_PREFIX, "/user/a/gomemlab-ui/")
    ui = webui.WebUI(
        "go tool pprof", "http://127.0.0.1:5000/ui/", process=None, port=5000, path="/ui/"
    )
    assert ui.url == "/user/a/gomemlab-ui/5000/ui/"
    monkeypatch.delenv(webui.ENV_PREFIX)
    assert ui.url == "http://127.0.0.1:5000/ui/"


def test_a_tools_key_opens_it_without_a_login_cookie_and_nothing_else_does(server, tool):
    """The sandboxed page's own requests carry no cookie: the key in the path authorises them
    (and a cross-origin read by the page's scripts, never with credentials)."""
    key = webui.key(tool)
    assert key and len(key) == 32
    status, headers, body = _fetch(f"{server}gomemlab-ui/{tool}/{key}/page", token=None)
    assert status == 200, body
    assert body.endswith(b'<a href="/user/a/gomemlab-ui/%d/%s/trace">t</a>' % (tool, key.encode()))
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in headers
    assert headers.get_all("Content-Security-Policy") == [serverext.POLICY]
    wrong = "0" * 32
    status, _, body = _fetch(f"{server}gomemlab-ui/{tool}/{wrong}/page", token=None)
    assert status == 403 and b"wrong key" in body
    own = int(server.split(":")[2].split("/")[0])  # a port no kernel registered, with a key
    status, _, body = _fetch(f"{server}gomemlab-ui/{own}/{key}/api", token=None)
    assert status == 403 and b"not a Go tool your kernels started" in body
    # Without the key, the login is still needed.
    assert _fetch(f"{server}gomemlab-ui/{tool}/page", token=None)[0] in (302, 403)


def test_proxied_pages_get_storage_the_sandbox_would_refuse():
    page = b"<!DOCTYPE html><html><HEAD lang=en><title>t</title></head><body></body></html>"
    out = serverext.with_storage(page)
    assert out.startswith(b"<!DOCTYPE html><html><HEAD lang=en>" + serverext.STORAGE_SHIM)
    assert out.endswith(b"<title>t</title></head><body></body></html>")
    assert serverext.with_storage(b"<p>x</p>") == serverext.STORAGE_SHIM + b"<p>x</p>"
