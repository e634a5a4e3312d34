"""The Go tools' web UIs in a real browser, behind the lab's UI proxy with its `sandbox` CSP and
a real login (a token, then the login cookie), as a learner on a hub meets them.

Before the tool key, `go tool trace`'s viewer was a blank page here: its scripts' requests came
from the sandbox's opaque origin without the login cookie (302 to the login page, blocked by
the browser), and then its first read of `localStorage` threw a SecurityError.
"""

from __future__ import annotations

import contextlib
import shutil

import pytest
from labserver import running_lab

import gomemlab as gm
from gomemlab import webui

pytestmark = [pytest.mark.live, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "browser-tools-token-0123456789"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A lab with a token (not the tests' usual token-off lab), its runtime folder shared with
    this process so the tools started here are registered as a kernel's would be."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("needs Python playwright")
    if not CHROMIUM:
        pytest.skip("needs Debian's chromium")
    home = tmp_path_factory.mktemp("lab")
    with pytest.MonkeyPatch.context() as env:
        # running_lab gives the server these folders; this process reads the same ones
        for name, folder in (("CONFIG", "config"), ("RUNTIME", "runtime"), ("DATA", "data")):
            env.setenv(f"JUPYTER_{name}_DIR", str(home / folder))
        with running_lab(home, token=TOKEN) as (base, _log):
            yield base


@contextlib.contextmanager
def _browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def test_the_trace_viewer_and_pprof_load_their_data_behind_the_proxy(lab, monkeypatch):
    monkeypatch.setenv(webui.ENV_PREFIX, "/gomemlab-ui/")  # as the server gives its kernels
    trace_ui = gm.trace.web(gm.trace.run("trace"))
    pprof_ui = gm.pprof.web(gm.pprof.run("pprof", "mem"))
    try:
        with _browser() as browser:
            context = browser.new_context()
            # the lab asks for the token: nothing without it
            stranger = context.new_page().goto(f"{lab}/api/contents", timeout=120_000)
            assert stranger is not None and stranger.status == 403
            context.new_page().goto(f"{lab}/lab?token={TOKEN}", timeout=120_000)  # logs in
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            url = f"{lab}{trace_ui.url}trace?view=proc"
            assert f"/gomemlab-ui/{trace_ui.port}/{trace_ui.key}/" in url
            with page.expect_response(lambda r: "/jsontrace" in r.url, timeout=120_000) as data:
                answer = page.goto(url, timeout=120_000)
            assert answer is not None and answer.status == 200
            assert answer.headers["content-security-policy"].startswith("sandbox ")
            assert data.value.status == 200 and data.value.body().startswith(b"{")
            # The viewer drew its timeline: its toolbar and the per-P tracks.
            page.wait_for_function(
                "() => document.body && document.body.innerText.includes('View Options')",
                timeout=120_000,
            )
            # the tracks come after the toolbar (the JSON is parsed first): wait for them
            page.locator("text=Proc 0").first.wait_for(timeout=120_000)
            assert errors == [], errors

            flame = context.new_page()
            flame.goto(f"{lab}{pprof_ui.url}ui/flamegraph", timeout=120_000)
            flame.wait_for_function(
                "() => document.body.innerText.includes('main.countWasteful')", timeout=60_000
            )

            # Nothing else opens: a wrong key, and a port no kernel of this account registered.
            wrong = context.new_page().goto(
                f"{lab}/gomemlab-ui/{trace_ui.port}/{'0' * 32}/trace", timeout=60_000
            )
            assert wrong is not None and wrong.status == 403
            own = lab.rsplit(":", 1)[1]
            other = context.new_page().goto(
                f"{lab}/gomemlab-ui/{own}/{trace_ui.key}/api", timeout=60_000
            )
            assert other is not None and other.status == 403
    finally:
        trace_ui.stop()
        pprof_ui.stop()
