"""Every handout `gomemlab export` writes (quick mode) passes axe-core's WCAG 2.1 A/AA rules
with no serious or critical violation, and none of its pictures lacks a text alternative
(nbconvert writes "No description has been provided for this image" where one is missing).

The whole page is checked: the handout is ours, nbconvert's template included."""

from __future__ import annotations

import json
import os

import pytest
from axe import blocking, explain, need_axe, violations
from test_browser import CHROMIUM, CHROMIUM_ARGS, _need_browser

from gomemlab import lab
from gomemlab.export import export

pytestmark = [pytest.mark.live, pytest.mark.browser]

NOTEBOOKS = sorted(p.stem for p in lab.pristine().glob("*.ipynb"))


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    need_axe()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_handout_has_no_serious_accessibility_violation(name, browser, tmp_path):
    (handout,) = export([name], out=tmp_path, quick=True, progress=False)
    text = handout.read_text()
    assert "No description has been provided for this image" not in text
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(handout.as_uri())
        found = violations(page)
    finally:
        page.close()
    report = os.environ.get("GOMEMLAB_ARTIFACTS")
    if report:  # the counts, to compare before and after a change
        with open(os.path.join(report, "axe-handouts.jsonl"), "a") as sink:
            sink.write(json.dumps({"handout": name, "blocking": blocking(found)}) + "\n")
    assert not blocking(found), f"{name}'s handout:\n{explain(found)}"
