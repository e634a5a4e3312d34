"""Take a profile from a running program over HTTP (`net/http/pprof`), as one would from a
service in production, and decode it into a `Profile`.

    heap = gm.pprof.fetch(svc.url, "heap", gc=True)     # live objects, after a collection
    cpu = gm.pprof.fetch(svc.url, "cpu", seconds=2)     # sampled for 2 s
    leaks = gm.pprof.fetch(svc.url, "goroutineleak")    # Go 1.26 (experiment), 1.27 default

Only loopback URLs are fetched (`gomemlab.loopback`).
"""

from __future__ import annotations

import time
import urllib.parse

from .. import files, loopback, validate, workspace
from ..errors import FetchError, ParseError, UsageError
from ..provenance import Provenance
from .result import Profile, parse

FETCH_KINDS = {
    "heap": "heap",
    "allocs": "allocs",
    "goroutine": "goroutine",
    "goroutineleak": "goroutineleak",
    "cpu": "profile",
    "block": "block",
    "mutex": "mutex",
    "threadcreate": "threadcreate",
}
"""Profile kinds `fetch` takes, and their path under /debug/pprof/ (a CPU profile is
`/debug/pprof/profile?seconds=N`)."""
PPROF_ROOT = "/debug/pprof/"
SLACK_SECONDS = 30.0
"""Seconds allowed for the answer beyond the profile's own duration."""


def profile_url(url: str, kind: str, seconds: float | None = None, *, gc: bool = False) -> str:
    """The URL of profile `kind` on the service at `url` (its base URL, or its /debug/pprof/
    page); `seconds` asks for a CPU profile of that length, or for another kind a delta
    profile (what happened during those seconds); `gc` runs a collection before a heap
    profile, so it shows only what is still reachable."""
    parts = loopback.check_url(url)
    validate.choice(kind, tuple(FETCH_KINDS), "kind")
    if seconds is not None:
        seconds = validate.positive(seconds, "seconds")
        if seconds != int(seconds):
            raise UsageError(
                f"seconds must be whole (net/http/pprof takes whole seconds), not {seconds}"
            )
    if kind == "cpu" and seconds is None:
        raise UsageError(
            'a CPU profile samples for a while: pass seconds=, e.g. fetch(url, "cpu", seconds=2)'
        )
    if gc and kind != "heap":
        raise UsageError(f"gc=True applies to a heap profile only, not {kind!r}")
    base = parts.path.split(PPROF_ROOT)[0].rstrip("/")
    query = {}
    if seconds is not None:
        query["seconds"] = str(int(seconds))
    if gc:
        query["gc"] = "1"
    return urllib.parse.urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            f"{base}{PPROF_ROOT}{FETCH_KINDS[kind]}",
            urllib.parse.urlencode(query),
            "",
        )
    )


def fetch(
    url: str,
    kind: str = "heap",
    seconds: float | None = None,
    *,
    gc: bool = False,
    timeout: float | None = None,
) -> Profile:
    """Fetch profile `kind` ("heap", "allocs", "goroutine", "goroutineleak", "cpu", "block",
    "mutex", "threadcreate") from the `net/http/pprof` handlers of the service at `url` (a
    loopback base URL) and decode it; the Profile keeps the file (in a scratch folder) for
    `go tool pprof` and the URL in its provenance.

    `seconds`: the CPU profile's length (required for "cpu"), or for other kinds a delta
    profile over that time. `gc`: collect garbage before a heap profile. `timeout` defaults to
    the profile's seconds plus 30. Errors: UsageError for a non-loopback URL or a bad
    argument, FetchError when nothing answers, the service refuses (e.g. a profile this Go
    release lacks), or the body is not a profile.
    """
    address = profile_url(url, kind, seconds, gc=gc)
    limit = validate.timeout(timeout) if timeout is not None else (seconds or 0) + SLACK_SECONDS
    started = time.perf_counter()
    data = loopback.get(address, timeout=limit, what="url")
    took = time.perf_counter() - started
    path = workspace.scratch_dir(f"fetch-{kind}") / f"{kind}.pb.gz"
    files.write_atomic(path, data, what="the fetched profile")
    try:
        return parse(
            data,
            path=path,
            provenance=Provenance.of(("GET", address), run_seconds=took, files=[path]),
            output=f"{len(data):,} bytes from {address}",
        )
    except ParseError as error:
        head = data[:60].decode("utf-8", "replace")
        raise FetchError(
            f"GET {address} answered with something that is not a profile ({error}); it "
            f"began {head!r}. Is the URL a net/http/pprof endpoint (served under {PPROF_ROOT})?"
        ) from None
