"""`gomemlab export --site`: the executed course as one static site. Pages are checked for what
a reader needs (title, skip link, navigation, contents, headings in order, no solutions) and, in
Chromium, for making no request beyond the site's own files."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from gomemlab import export, lab, site
from gomemlab.cli import main
from gomemlab.errors import UsageError

OPENING = (
    "# Escape analysis: stack or heap?\n\n**What you will learn:** how the compiler decides "
    "where a value lives, read from `go build -gcflags=-m`.\n\n*Time:* about 40 minutes."
)


def _handout(tmp_path: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(OPENING),
        nbformat.v4.new_markdown_cell("## 1. First\n\ntext\n\n### 1.1 Deeper"),
        nbformat.v4.new_code_cell("print(1)"),
        nbformat.v4.new_markdown_cell("## 2. Second"),
    ]
    return export._to_html(nb, False, HTMLExporter, nbformat)


def _headings(soup: BeautifulSoup) -> list[int]:
    return [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]


def test_a_chapter_is_named_and_described_by_its_opening_cell():
    chapter = site.chapter_of("03-escape-analysis", OPENING)
    assert chapter.title == "Escape analysis: stack or heap?"
    assert chapter.description.startswith("how the compiler decides where a value lives")
    assert "`" not in chapter.description and "*" not in chapter.description
    assert chapter.file == "03-escape-analysis.html"
    assert site.chapter_of("x", "").title == "x"


def test_every_course_notebook_has_a_title_and_a_description():
    for path in sorted(lab.pristine().glob("*.ipynb")):
        chapter = site.chapter_of(path.stem, site._opening(path))
        assert chapter.title != path.stem and len(chapter.description) > 20, path.name


def test_a_page_has_title_skip_link_navigation_contents_and_ordered_headings(tmp_path):
    first, this, last = (site.Chapter(f"0{i}-c", f"Chapter {i}", "d") for i in range(3))
    page = site.decorate(_handout(tmp_path), this, first, last)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html["lang"] == "en"
    assert soup.title.string == "Chapter 1 · Go Memory Lab"
    skip = soup.body.find("a")
    assert skip["href"] == "#main" and soup.find(id="main").name == "main"
    nav = soup.find("nav", attrs={"aria-label": "Course"})
    links = {a.get_text(): a["href"] for a in nav.find_all("a")}
    assert links == {
        "Contents": "index.html",
        "Previous: Chapter 0": "00-c.html",
        "Next: Chapter 2": "02-c.html",
        "Run this chapter live": "index.html#run-it-live",
    }
    toc = soup.find("nav", class_="site-toc")
    assert [a["href"] for a in toc.find_all("a")] == ["#1.-First", "#2.-Second"]
    levels = _headings(soup)
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))
    assert soup.find("footer").find("a", rel="next")["href"] == "02-c.html"


def test_the_first_and_last_pages_link_only_where_there_is_a_page(tmp_path):
    only = site.Chapter("00-a", "A", "d")
    soup = BeautifulSoup(site.decorate(_handout(tmp_path), only), "html.parser")
    assert soup.find("a", rel="prev") is None and soup.find("a", rel="next") is None


def test_live_links_open_the_notebook_in_the_given_jupyterlab(tmp_path):
    chapter = site.Chapter("05-pprof", "P", "d")
    assert (
        site.live_link(chapter, "http://127.0.0.1:8888/")
        == "http://127.0.0.1:8888/lab/tree/05-pprof.ipynb"
    )
    with pytest.raises(UsageError, match="live_url"):
        site.build(tmp_path, ["01"], live_url="javascript:alert(1)")


def test_the_index_lists_each_chapter_with_its_description():
    chapters = [site.Chapter("00-a", "Start <here>", "what & why"), site.Chapter("01-b", "B", "d")]
    soup = BeautifulSoup(site.index_page(chapters), "html.parser")
    assert soup.title.string == "Go Memory Lab: contents"
    assert [a["href"] for a in soup.find("dl").find_all("a")] == ["00-a.html", "01-b.html"]
    assert "Start <here>" in soup.get_text() and "what & why" in soup.get_text()
    assert soup.find(id="run-it-live") is not None
    assert _headings(soup) == [1, 2, 2]


def test_the_cli_refuses_solutions_on_the_site(tmp_path, capsys):
    assert main(["export", "--site", str(tmp_path), "--with-solutions", "01"]) != 0
    assert "solutions out" in capsys.readouterr().err


@pytest.mark.live
@pytest.mark.site
def test_a_built_site_has_its_pages_linked_and_no_solutions(course_site):
    pages = {p.name for p in course_site.iterdir()}
    assert {"index.html", "00-start-here.html", "01-new-vs-make.html"} <= pages
    index = (course_site / "index.html").read_text()
    assert all(f'href="{name}"' in index for name in pages - {"index.html"})
    second = (course_site / "01-new-vs-make.html").read_text()
    assert 'href="00-start-here.html" rel="prev"' in second
    assert export.external_loads(second) == [] and "(solution)" not in second
    text = BeautifulSoup(second, "html.parser").get_text()  # code as the reader sees it
    original = nbformat.read(lab.notebook("01"), as_version=4)
    code = [c for c in original.cells if c.cell_type == "code"]
    hidden = [c.source.strip() for c in code if export._is_solution(c)]
    shown = [c.source.strip() for c in code if not export._is_solution(c)]
    assert hidden and not any(source in text for source in hidden)
    assert all(source in text for source in shown)  # the same test finds code that is there


def chromium_requests(folder: Path) -> dict[str, list[str]]:
    """Every page of the site `folder` loaded in Chromium: page → requests it made that were
    not for a file (data: URLs are part of the page)."""
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium on PATH")
    found: dict[str, list[str]] = {}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        try:
            for page_file in sorted(folder.glob("*.html")):
                page = browser.new_page()
                outside: list[str] = []
                page.on(
                    "request",
                    lambda r, outside=outside: (
                        None if r.url.startswith(("file:", "data:")) else outside.append(r.url)
                    ),
                )
                page.goto(page_file.as_uri(), wait_until="load")
                page.wait_for_timeout(300)
                found[page_file.name] = outside
                page.close()
        finally:
            browser.close()
    return found


@pytest.mark.browser
@pytest.mark.site
def test_no_page_of_the_site_makes_a_network_request(course_site):
    requests = chromium_requests(course_site)
    assert len(requests) >= 2 and "index.html" in requests
    assert {page: urls for page, urls in requests.items() if urls} == {}


@pytest.mark.browser
@pytest.mark.site
def test_every_page_has_its_own_title_a_skip_link_and_headings_in_order(course_site):
    titles = []
    for page in sorted(course_site.glob("*.html")):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        titles.append(soup.title.string)
        first = soup.body.find("a")
        assert first["href"] == "#main" and soup.find(id="main") is not None, page.name
        levels = _headings(soup)
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert levels.count(1) == 1 and levels[0] == 1 and not skips, (page.name, skips)
    assert len(set(titles)) == len(titles)
