"""A learner's session in a real browser: JupyterLab in Debian's Chromium, driven by Playwright.

Here: `gomemlab lab`'s JupyterLab opens on start-here, and the browser set-up the other browser
tests share (Chromium's path and flags, the skip or failure when it is missing). The learner's
Run All of each notebook, with its editor and sliders worked from the keyboard, is in
tests/test_a11y_lab.py (`make test-site`, after nbval ran every notebook): Go typed into 03's
escape editor gets the compiler's verdict and a gutter mark, and a slider of 07's GC explorer
draws a new picture. Screenshots go to $GOMEMLAB_ARTIFACTS (default: a temporary folder), to look
at. On CI (`CI` set) a missing browser fails the test; elsewhere it skips.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from labserver import running_lab

pytestmark = [pytest.mark.live, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Python playwright"
    else:
        missing = "" if CHROMIUM else "chromium"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is missing: .ci/run installs it")
        pytest.skip(f"{missing} is not installed")


@pytest.fixture(scope="module")
def artifacts():
    folder = Path(os.environ.get("GOMEMLAB_ARTIFACTS") or tempfile.mkdtemp(prefix="browser-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _need_browser()
    home = tmp_path_factory.mktemp("lab")
    with running_lab(
        home,
        ["--LabApp.expose_app_in_browser=True", f"--LabApp.workspaces_dir={home / 'workspaces'}"],
    ) as (base, _):
        yield base, home


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    base, _ = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.set_default_timeout(120_000)
        tab.goto(f"{base}/")
        tab.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget")
        yield tab
        browser.close()


CURRENT = "window.jupyterapp.shell.currentWidget"


def test_the_lab_opens_on_start_here(page, artifacts):
    page.wait_for_function(f"{CURRENT}.context && {CURRENT}.context.path")
    assert page.evaluate(f"{CURRENT}.context.path") == "00-start-here.ipynb"
    # its kernel starts and is ready (a lab stopped while it was still starting took 30 s to
    # stop in a cold CI: the server waited for it)
    page.wait_for_function(
        f"{CURRENT}.sessionContext.session && {CURRENT}.sessionContext.session.kernel && "
        f"{CURRENT}.sessionContext.session.kernel.status === 'idle'"
    )
    page.screenshot(path=str(artifacts / "00-start-here.png"))
