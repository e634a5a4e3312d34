"""HTTP GETs to servers on this machine only (the services and tools the lab starts).

Every URL must name a loopback host (127.0.0.0/8, ::1 or localhost): a profile endpoint
exposes a program's memory, so the lab never asks another machine for one. Proxies from the
environment are ignored (a loopback address must not go through one), and so are redirects.
"""

from __future__ import annotations

import ipaddress
import urllib.error
import urllib.parse
import urllib.request

from . import validate
from .errors import FetchError, UsageError

LOCAL_NAMES = ("localhost",)


def check_url(url: str, what: str = "url") -> urllib.parse.SplitResult:
    """`url` split, if it is an http:// URL of a loopback host; else a UsageError."""
    validate.text(url, what)
    parts = urllib.parse.urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme != "http" or not host:
        raise UsageError(
            f"{what} must be an http:// URL of a service on this machine, like "
            f"http://127.0.0.1:8080, not {url!r:.80}"
        )
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host.lower() in LOCAL_NAMES
    if not loopback:
        raise UsageError(
            f"{what} names the host {host!r}, which is not this machine: the lab fetches "
            "profiles and metrics from loopback addresses only (127.0.0.1, ::1, localhost). "
            "Reach a remote service through an SSH tunnel to a local port."
        )
    return parts


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def get(url: str, *, timeout: float, what: str = "url") -> bytes:
    """The body of GET `url` (loopback only) within `timeout` seconds; FetchError when nothing
    answers, the answer is not 200 OK, or time runs out."""
    check_url(url, what)
    timeout = validate.timeout(timeout)
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        said = error.read(300).decode("utf-8", "replace").strip().splitlines()
        raise FetchError(
            f"GET {url} answered {error.code} {error.reason}"
            f"{': ' + said[0] if said else ''}. Check the path and its parameters."
        ) from None
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(
            f"GET {url} failed: {reason}. Is the service running and listening there "
            "(a stopped service, or a wrong port)?"
        ) from None
