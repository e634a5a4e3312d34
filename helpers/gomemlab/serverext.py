"""A Jupyter server extension that serves the Go tools' web UIs at a path of the lab's own URL.

`go tool pprof -http` and `go tool trace` listen on 127.0.0.1 ports a learner on a hub, or
behind one SSH tunnel, cannot reach. This extension forwards `<base_url>gomemlab-ui/PORT/...`
to `127.0.0.1:PORT/...` for the logged-in user, and rewrites the root-relative links
`go tool trace` writes (`href="/trace"`, `'/jsontrace?...'`) so they stay under that prefix.
`gomemlab lab` and `gomemlab hub` enable it
(`--ServerApp.jpserver_extensions=gomemlab.serverext=True`).

It is not an open proxy: it forwards only to a port that one of this user's own kernels
started a tool on (`webui.registered`: an entry in the user's private runtime folder) and, on
Linux, only while the socket listening there belongs to this server's own account. It answers
GET and HEAD, streams each answer through a client of its own (slow tools never hold up
others), drops `Set-Cookie`, keeps `Location` under its prefix or refuses it, and serves the
tool's pages with a CSP `sandbox` of its own: they never run scripts with the lab's origin.

A sandboxed page has an opaque origin and sends no login cookie, so the URLs `WebUI.url` hands
out carry the tool's key (`gomemlab-ui/PORT/KEY/PATH`, a secret in the user's private registry
entry): the proxy authorises those by the key and lets the page's scripts read the answers
(`Access-Control-Allow-Origin: *`, never credentials). HTML pages get in-memory storage where
the sandbox refuses `localStorage` (`STORAGE_SHIM`), on which `go tool trace`'s viewer stops.
"""

from __future__ import annotations

import hmac
import os
import re
from pathlib import Path

import tornado.web
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.httputil import HTTPHeaders, parse_response_start_line

from . import webui
from .webui import ENV_PREFIX

PREFIX = "gomemlab-ui"
_ROOT_LINK = re.compile(
    rb"""(?P<q>["'(])/(?P<p>(static|trace|jsontrace|goroutines?|block|io|"""
    rb"""mmu|sched|syscall|user\w*|ui|debug|regions?|tasks?)\b)"""
)
_TEXTUAL = ("text/html", "text/javascript", "application/javascript", "text/css")
# Never passed on: hop-by-hop and length headers (tornado sets its own), cookies, and the
# upstream's own security policy (ours replaces it).
_DROPPED = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "server",
    "date",
    "set-cookie",
    "content-security-policy",
    "content-security-policy-report-only",
    "x-frame-options",
}
# Scripts run (the tools need them) but in an opaque origin: no access to the lab's cookies,
# storage or API. No allow-same-origin, ever.
POLICY = "sandbox allow-scripts allow-forms allow-popups allow-downloads; frame-ancestors 'self'"
_LISTEN = 0x0A  # TCP_LISTEN in /proc/net/tcp


STORAGE_SHIM = (
    b"<script>(function(){function S(){var d=new Map();return{get length(){return d.size},"
    b"key:function(i){return Array.from(d.keys())[i]??null},"
    b"getItem:function(k){return d.has(String(k))?d.get(String(k)):null},"
    b"setItem:function(k,v){d.set(String(k),String(v))},"
    b"removeItem:function(k){d.delete(String(k))},clear:function(){d.clear()}}}"
    b"for(var n of['localStorage','sessionStorage']){try{window[n]}catch(e){"
    b"Object.defineProperty(window,n,{value:S(),configurable:true})}}})();</script>"
)
"""Put at the top of every proxied HTML page: in the sandbox's opaque origin, reading
`window.localStorage` throws a SecurityError, and `go tool trace`'s viewer (Catapult) stops on
it with a blank page. Where that is so, the page gets storage that lives in memory for its
lifetime (its settings are not kept); the sandbox itself stays."""
_HEAD = re.compile(rb"<head[^>]*>", re.IGNORECASE)


def with_storage(page: bytes) -> bytes:
    """`page` (HTML) with STORAGE_SHIM as the first thing in its head (or in front of it)."""
    found = _HEAD.search(page)
    at = found.end() if found else 0
    return page[:at] + STORAGE_SHIM + page[at:]


def rewrite(body: bytes, prefix: str) -> bytes:
    """Root-relative links of the tools' pages, put under `prefix` (e.g. `/gomemlab-ui/81/`)."""
    base = prefix.rstrip("/").encode()
    return _ROOT_LINK.sub(lambda m: m.group("q") + base + b"/" + m.group("p"), body)


def listener_uid(port: int, table: Path = Path("/proc/net/tcp")) -> int | None:
    """The uid owning the socket that listens on 127.0.0.1:`port` (None: nobody, or no /proc)."""
    try:
        lines = table.read_text().splitlines()[1:]
    except OSError:
        return None
    wanted = f"0100007F:{port:04X}"
    for line in lines:
        fields = line.split()
        if len(fields) > 7 and fields[1] == wanted and int(fields[3], 16) == _LISTEN:
            return int(fields[7])
    return None


def refusal(port: int) -> str | None:
    """Why the proxy will not forward to `port`, or None when it is this user's own tool."""
    if not webui.registered(port):
        return f"port {port} is not a Go tool your kernels started (gm web UIs only)"
    if Path("/proc/net/tcp").exists():
        owner = listener_uid(port)
        if owner is None:
            return f"nothing listens on 127.0.0.1:{port} any more"
        if owner != os.getuid():
            return f"port {port} is served by another account"
    return None


def location(value: str, port: int, prefix: str) -> str | None:
    """A redirect target kept under `prefix`, or None when it leads outside the tool."""
    for own in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        if value.startswith(own + "/") or value == own:
            value = value[len(own) :] or "/"
    if value.startswith("//") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        return None
    if value.startswith("/"):
        return prefix.rstrip("/") + value
    return value  # relative to the page: stays under the prefix


class UIProxyHandler(JupyterHandler):
    """GET and HEAD `gomemlab-ui/PORT/PATH` -> `http://127.0.0.1:PORT/PATH`, for the logged-in
    user (their login cookie)."""

    keyed = False

    @tornado.web.authenticated
    async def get(self, port: str, path: str) -> None:
        """Forward the request to the tool and stream its answer back."""
        await self._forward("GET", int(port), path)

    @tornado.web.authenticated
    async def head(self, port: str, path: str) -> None:
        """The headers GET would give."""
        await self._forward("HEAD", int(port), path)

    async def _forward(self, method: str, port: int, path: str, key: str = "") -> None:
        if not 1024 <= port <= 65535:
            raise tornado.web.HTTPError(400, "not a port the lab's tools use")
        why = refusal(port)
        if why is not None:
            raise tornado.web.HTTPError(403, why)
        if key and not hmac.compare_digest(key, webui.key(port) or ""):
            raise tornado.web.HTTPError(403, f"wrong key for the tool on port {port}")
        prefix = url_path_join(self.base_url, PREFIX, str(port), *([key] if key else [])) + "/"
        relay = _Relay(self, port, prefix)
        query = f"?{self.request.query}" if self.request.query else ""
        # A client of its own per request: the shared pool (10 connections) would make every
        # other request wait behind ten slow tools, then fail.
        client = AsyncHTTPClient(force_instance=True)
        try:
            await client.fetch(
                HTTPRequest(
                    f"http://127.0.0.1:{port}/{path}{query}",
                    method=method,
                    follow_redirects=False,
                    connect_timeout=10,
                    request_timeout=300,
                    header_callback=relay.on_header,
                    streaming_callback=relay.on_chunk,
                ),
                raise_error=False,
            )
        except (OSError, HTTPClientError) as error:
            if not relay.started:
                raise tornado.web.HTTPError(
                    502, f"nothing answers on 127.0.0.1:{port}: {error}"
                ) from None
        finally:
            client.close()
        if relay.code == 599 and not relay.started:
            raise tornado.web.HTTPError(502, f"nothing answers on 127.0.0.1:{port}")
        relay.begin()
        if relay.refused:
            raise tornado.web.HTTPError(502, "the tool redirected outside itself: refused")
        if relay.buffer and method == "GET":
            body = rewrite(b"".join(relay.buffer), relay.prefix)
            if relay.headers.get("Content-Type", "").startswith("text/html"):
                body = with_storage(body)
            self.write(body)
        self.finish()

    def _send_head(self, code: int, headers: HTTPHeaders, port: int, prefix: str) -> None:
        self.set_status(code)
        for name, value in headers.get_all():
            lower = name.lower()
            if lower in _DROPPED or lower.startswith("access-control-"):
                continue  # the tool's CORS grants would be the lab origin's
            if lower == "location":
                value = location(value, port, prefix) or ""
            self.set_header(name, value)
        self.set_header("Content-Security-Policy", POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        if self.keyed:
            # The sandboxed page has an opaque origin: its scripts' own fetches of the tool's
            # data are cross-origin and carry no cookie. The key in the path authorises them;
            # no credentials are ever allowed.
            self.set_header("Access-Control-Allow-Origin", "*")


class KeyedUIProxyHandler(UIProxyHandler):
    """GET and HEAD `gomemlab-ui/PORT/KEY/PATH`: the same forwarding, authorised by the tool's
    key (`webui.key`, known to this account's kernel that started it) instead of the login
    cookie, which a sandboxed page never sends. `WebUI.url` hands out these URLs."""

    keyed = True

    @allow_unauthenticated
    async def get(self, port: str, key: str, path: str | None = None) -> None:
        """Forward the request to the tool, if `key` is the tool's."""
        await self._forward("GET", int(port), path or "", key)

    @allow_unauthenticated
    async def head(self, port: str, key: str, path: str | None = None) -> None:
        """The headers GET would give."""
        await self._forward("HEAD", int(port), path or "", key)


class _Relay:
    """One answer on its way from the tool to the browser: headers first, then the body
    streamed (or, for pages whose links are rewritten, buffered)."""

    def __init__(self, handler: UIProxyHandler, port: int, prefix: str) -> None:
        self.handler, self.port, self.prefix = handler, port, prefix
        self.code, self.headers = 502, HTTPHeaders()
        self.started = self.refused = self.textual = False
        self.buffer: list[bytes] = []

    def on_header(self, line: str) -> None:
        if line.startswith("HTTP/"):
            self.code, self.headers = parse_response_start_line(line.strip()).code, HTTPHeaders()
        elif line.strip():
            self.headers.parse_line(line)

    def begin(self) -> None:
        """Send the status and headers once (or refuse a redirect out of the tool)."""
        if self.started:
            return
        self.started = True
        target = self.headers.get("Location")
        if target is not None and location(target, self.port, self.prefix) is None:
            self.refused = True
            return
        kind = self.headers.get("Content-Type", "")
        self.textual = any(kind.startswith(t) for t in _TEXTUAL)
        self.handler._send_head(self.code, self.headers, self.port, self.prefix)

    def on_chunk(self, chunk: bytes) -> None:
        self.begin()
        if self.refused:
            return
        if self.textual:
            self.buffer.append(chunk)
        else:
            self.handler.write(chunk)
            self.handler.flush()


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "gomemlab.serverext"}]


def _load_jupyter_server_extension(server_app) -> None:
    web_app = server_app.web_app
    base = web_app.settings["base_url"]
    keyed = url_path_join(base, PREFIX, r"(\d+)/([0-9a-f]{32})(?:/(.*))?$")
    route = url_path_join(base, PREFIX, r"(\d+)/?(.*)")
    web_app.add_handlers(".*$", [(keyed, KeyedUIProxyHandler), (route, UIProxyHandler)])
    # Kernels inherit the server's environment: webui builds its links from this.
    os.environ[ENV_PREFIX] = url_path_join(web_app.settings["base_url"], PREFIX) + "/"
    server_app.log.info("gomemlab: Go tool web UIs served at %s/PORT/", PREFIX)
