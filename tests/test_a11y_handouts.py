"""Every page of the course site (`make site`: each chapter's handout, executed in quick mode,
with the site's navigation, and the index) passes axe-core's WCAG 2.1 A/AA rules with no
serious or critical violation, and none of its pictures lacks a text alternative (nbconvert
writes "No description has been provided for this image" where one is missing).

The whole page is checked: the handout is ours, nbconvert's template included. The pages are
the ones `make site` built (the `course_site` fixture), so no notebook is executed twice."""

from __future__ import annotations

import json
import os

import pytest
from axe import blocking, explain, need_axe, violations
from test_browser import CHROMIUM, CHROMIUM_ARGS, _need_browser

from gomemlab import lab

pytestmark = [pytest.mark.live, pytest.mark.browser, pytest.mark.site]

PAGES = ["index", *sorted(p.stem for p in lab.pristine().glob("*.ipynb"))]


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    need_axe()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", PAGES)
def test_a_page_has_no_serious_accessibility_violation(name, browser, course_site):
    handout = course_site / f"{name}.html"
    if not handout.is_file():
        assert not os.environ.get("GOMEMLAB_SITE"), f"make site wrote no {handout.name}"
        pytest.skip(f"{handout.name} is not in this site: `make test-site` builds every page")
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
        os.makedirs(report, exist_ok=True)
        with open(os.path.join(report, "axe-handouts.jsonl"), "a") as sink:
            sink.write(json.dumps({"page": name, "blocking": blocking(found)}) + "\n")
    assert not blocking(found), f"{name}.html:\n{explain(found)}"
