"""A Jupyter server extension that serves the Go tools' web UIs at a path of the lab's own URL.

`go tool pprof -http` and `go tool trace` listen on 127.0.0.1 ports a learner on a hub, or
behind one SSH tunnel, cannot reach. This extension forwards `<base_url>gomemlab-ui/PORT/...`
to `127.0.0.1:PORT/...` for logged-in users only, and rewrites the root-relative links
`go tool trace` writes (`href="/trace"`, `'/jsontrace?...'`) so they stay under that prefix.
Only loopback is reached. `gomemlab lab` and `gomemlab hub` enable it
(`--ServerApp.jpserver_extensions=gomemlab.serverext=True`).
"""

from __future__ import annotations

import os
import re

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from .webui import ENV_PREFIX

PREFIX = "gomemlab-ui"
_ROOT_LINK = re.compile(
    rb"""(?P<q>["'(])/(?P<p>(static|trace|jsontrace|goroutines?|block|io|"""
    rb"""mmu|sched|syscall|user\w*|ui|debug|regions?|tasks?)\b)"""
)
_TEXTUAL = ("text/html", "text/javascript", "application/javascript", "text/css")
_HOP_HEADERS = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "server",
    "date",
}


def rewrite(body: bytes, prefix: str) -> bytes:
    """Root-relative links of the tools' pages, put under `prefix` (e.g. `/gomemlab-ui/81/`)."""
    base = prefix.rstrip("/").encode()
    return _ROOT_LINK.sub(lambda m: m.group("q") + base + b"/" + m.group("p"), body)


class UIProxyHandler(JupyterHandler):
    """GET (and HEAD) `gomemlab-ui/PORT/PATH` -> `http://127.0.0.1:PORT/PATH`."""

    @tornado.web.authenticated
    async def get(self, port: str, path: str) -> None:
        """Forward the request to the tool and its answer back."""
        number = int(port)
        if not 1024 <= number <= 65535:
            raise tornado.web.HTTPError(400, "not a port the lab's tools use")
        query = f"?{self.request.query}" if self.request.query else ""
        target = f"http://127.0.0.1:{number}/{path}{query}"
        try:
            response = await AsyncHTTPClient().fetch(
                HTTPRequest(target, follow_redirects=False, request_timeout=300), raise_error=False
            )
        except (OSError, HTTPClientError) as error:
            raise tornado.web.HTTPError(
                502, f"nothing answers on 127.0.0.1:{number}: {error}"
            ) from None
        prefix = url_path_join(self.base_url, PREFIX, port) + "/"
        self.set_status(response.code if response.code != 599 else 502)
        for name, value in response.headers.get_all():
            lower = name.lower()
            if lower in _HOP_HEADERS:
                continue
            if lower == "location" and value.startswith("/"):
                value = prefix.rstrip("/") + value
            self.set_header(name, value)
        body = response.body or b""
        kind = response.headers.get("Content-Type", "")
        if any(kind.startswith(t) for t in _TEXTUAL):
            body = rewrite(body, prefix)
        self.finish(body)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "gomemlab.serverext"}]


def _load_jupyter_server_extension(server_app) -> None:
    web_app = server_app.web_app
    route = url_path_join(web_app.settings["base_url"], PREFIX, r"(\d+)/?(.*)")
    web_app.add_handlers(".*$", [(route, UIProxyHandler)])
    # Kernels inherit the server's environment: webui builds its links from this.
    os.environ[ENV_PREFIX] = url_path_join(web_app.settings["base_url"], PREFIX) + "/"
    server_app.log.info("gomemlab: Go tool web UIs served at %s/PORT/", PREFIX)
