"""`gomemlab export --site DIR`: the whole executed course as one static website.

Each chapter is a handout from `export` (executed, solutions out, widgets pictured, nothing
loaded from the network) dressed as a page of the site: a skip link, the course's navigation
(contents, previous, next, run it live), the chapter's own table of contents, and a title. An
index lists the chapters with what each teaches. Every link is relative, so the folder works
from a disk, a USB stick or any static web host.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import export, files, validate
from .errors import UsageError
from .settings import scratch_root

COURSE = "Go Memory Lab"
INDEX = "index.html"
STYLE = """
.site-skip{position:absolute;left:-10000px;top:0;background:#fff;color:#0b3d91;padding:8px;
 z-index:10;border:2px solid #0b3d91}
.site-skip:focus{left:8px}
.site-nav,.site-toc,.site-foot{max-width:1100px;margin:0 auto;padding:8px 16px;
 font-family:system-ui,sans-serif;font-size:15px;color:#1a1a1a}
.site-nav ul,.site-foot ul{list-style:none;display:flex;flex-wrap:wrap;gap:18px;margin:0;padding:0}
.site-nav a,.site-toc a,.site-foot a,.site-index a{color:#0b3d91;text-decoration:underline}
.site-toc{border:1px solid #8a8a8a;border-radius:4px;margin:12px auto}
.site-toc h2{font-size:16px;margin:4px 0}
.site-index{max-width:900px;margin:0 auto;padding:16px;font-family:system-ui,sans-serif;
 color:#1a1a1a;line-height:1.5}
.site-index dt{font-weight:bold;margin-top:12px}
"""
"""The site's own styles: links underlined (never colour alone), dark text on white."""


@dataclass(frozen=True)
class Chapter:
    """One page of the site: its file, heading and what it teaches."""

    stem: str
    title: str
    description: str

    @property
    def file(self) -> str:
        """The page's file name in the site."""
        return f"{self.stem}.html"


def _plain(markdown: str) -> str:
    """Markdown of one paragraph as plain text (emphasis, code and links unwrapped)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(?<!\w)_([^_]+)_(?!\w)", r"\1", re.sub(r"[*`]+", "", text))
    return " ".join(text.split())


DESCRIPTION_CHARS = 320
"""A chapter's description on the contents page is cut (at a word) to about this length."""


def _learn_block(paragraphs: list[str]) -> str:
    """The "What you will learn" text: its paragraph, and the next when the heading stands
    alone; the first paragraph when there is none."""
    for i, paragraph in enumerate(paragraphs):
        if "will learn" in paragraph.lower():
            rest = re.sub(r"^.*?will learn[^:*\n]*[:*]*\s*", "", paragraph, flags=re.I | re.S)
            if not rest.strip() and i + 1 < len(paragraphs):
                return paragraphs[i + 1]
            return rest
    return paragraphs[0] if paragraphs else ""


def chapter_of(stem: str, opening: str) -> Chapter:
    """A chapter from its notebook's opening markdown: the `# ` heading is its title, the
    "What you will learn" text (else the first paragraph after the title), bullets joined
    and cut to about `DESCRIPTION_CHARS`, its description; pure."""
    lines = opening.splitlines()
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), stem)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", opening) if p.strip()]
    block = _learn_block([p for p in paragraphs if not p.startswith("#")])
    block = re.split(r"\*\*Time:?\*\*|\*Time:?\*", block)[0]
    items = re.split(r"\n\s*[-*] ", "\n" + block)
    description = "; ".join(_plain(item).rstrip(";.") for item in items if _plain(item))
    if len(description) > DESCRIPTION_CHARS:
        description = description[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"
    return Chapter(stem, _plain(title), description)


def live_link(chapter: Chapter, live_url: str | None) -> str:
    """Where to run `chapter` live: the notebook in a JupyterLab at `live_url` (a `gomemlab
    lab`, a hub user's server, Binder), else the index's "Run it live" instructions."""
    if live_url:
        return f"{live_url.rstrip('/')}/lab/tree/{chapter.stem}.ipynb"
    return f"{INDEX}#run-it-live"


def _nav(chapter: Chapter, previous: Chapter | None, following: Chapter | None, live: str) -> str:
    items = [f'<li><a href="{INDEX}">Contents</a></li>']
    if previous is not None:
        items.append(
            f'<li><a href="{previous.file}" rel="prev">Previous: {html.escape(previous.title)}</a>'
            "</li>"
        )
    if following is not None:
        items.append(
            f'<li><a href="{following.file}" rel="next">Next: {html.escape(following.title)}</a>'
            "</li>"
        )
    items.append(f'<li><a href="{html.escape(live)}">Run this chapter live</a></li>')
    return "<ul>" + "".join(items) + "</ul>"


def decorate(
    page: str,
    chapter: Chapter,
    previous: Chapter | None = None,
    following: Chapter | None = None,
    *,
    live_url: str | None = None,
) -> str:
    """A handout's HTML as a page of the site; pure."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    if soup.html is None or soup.body is None or soup.head is None:
        raise UsageError(f"the handout of {chapter.stem} is not a whole HTML page")
    soup.html["lang"] = "en"
    if soup.title is None:
        soup.head.append(soup.new_tag("title"))
    assert soup.title is not None
    soup.title.string = f"{chapter.title} · {COURSE}"
    style = soup.new_tag("style")
    style.string = STYLE
    soup.head.append(style)
    main = soup.body.find("main") or soup.body
    main["id"] = "main"
    live = live_link(chapter, live_url)
    nav = _nav(chapter, previous, following, live)
    toc = "".join(
        f'<li><a href="#{html.escape(str(h["id"]))}">'
        f"{html.escape(h.get_text(' ', strip=True).rstrip('¶').strip())}</a></li>"
        for h in main.find_all("h2")
        if h.get("id")
    )
    top = BeautifulSoup(
        '<a class="site-skip" href="#main">Skip to the chapter</a>'
        f'<nav class="site-nav" aria-label="Course">{nav}</nav>',
        "html.parser",
    )
    for node in reversed(list(top.contents)):
        soup.body.insert(0, node)
    if toc:
        contents = BeautifulSoup(
            '<nav class="site-toc" aria-labelledby="site-toc-title">'
            f'<h2 id="site-toc-title">In this chapter</h2><ol>{toc}</ol></nav>',
            "html.parser",
        )
        first = main.find("h1")
        anchor = first.find_parent(class_="jp-Cell") if first is not None else None
        if anchor is not None:
            anchor.insert_after(contents)
        else:
            main.insert(0, contents)
    foot = BeautifulSoup(
        f'<footer class="site-foot"><nav aria-label="Chapters">{nav}</nav></footer>',
        "html.parser",
    )
    soup.body.append(foot)
    return str(soup)


def index_page(chapters: Sequence[Chapter], *, live_url: str | None = None) -> str:
    """The site's contents page: each chapter with what it teaches, and how to run it; pure."""
    entries = "".join(
        f'<dt><a href="{c.file}">{html.escape(c.title)}</a></dt>'
        f"<dd>{html.escape(c.description)}</dd>"
        for c in chapters
    )
    where = (
        f'<p>Open the course in a JupyterLab: <a href="{html.escape(live_url)}">'
        f"{html.escape(live_url)}</a>; each chapter links to its own notebook there.</p>"
        if live_url
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{COURSE}: contents</title><style>{STYLE}</style></head><body>"
        '<a class="site-skip" href="#main">Skip to the contents</a>'
        f'<main id="main" class="site-index"><h1>{COURSE}</h1>'
        "<p>How Go manages memory (stack and heap, escape analysis, allocations, profiles, "
        "traces and the garbage collector), shown by running the real Go toolchain. These "
        "pages are the course as it ran: every table, plot and verdict came from Go. The "
        "exercises' solutions are left out: try them live.</p>"
        f'<h2>Chapters</h2><dl>{entries}</dl><h2 id="run-it-live">Run it live</h2>'
        "<p>With Python 3.10 or newer and <code>make</code>: get the course's repository, "
        "run <code>make lab</code> in it (it installs everything, Go included, and opens "
        "JupyterLab), then open a chapter's notebook from <code>notebooks/</code> and run its "
        "cells. Edit the Go, move the sliders, and try the exercises.</p>"
        f"{where}</main></body></html>"
    )


def _opening(path: Path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return next((c.source for c in nb.cells if c.cell_type == "markdown"), "")


def build(
    out: str | os.PathLike,
    names: Sequence[str | os.PathLike] = (),
    *,
    quick: bool = False,
    live_url: str | None = None,
    progress: bool = True,
    timeout: float = 600.0,
    executed: str | os.PathLike | None = None,
) -> Path:
    """Execute the course's notebooks (all, or those `names` names) and write the site into
    `out`: `index.html` and one page per chapter. Returns the index's path. With `executed`,
    the pages are made from the executed copies in that folder (see `export.export`)."""
    if not isinstance(out, str | os.PathLike) or not os.fspath(out):
        raise UsageError(f"out must name a folder for the site, not {out!r}")
    if live_url is not None and not (
        isinstance(live_url, str) and re.match(r"https?://[^\s\"'<>]+$", live_url)
    ):
        raise UsageError(
            f"live_url must be the http(s) address of a JupyterLab, e.g. "
            f"http://127.0.0.1:8888, not {live_url!r}"
        )
    timeout = validate.timeout(timeout)
    paths = export._notebooks(names)
    folder = files.usable_folder(Path(out).expanduser(), "the site folder", "--site / out=")
    chapters = [chapter_of(p.stem, _opening(p)) for p in paths]
    staging = scratch_root() / f"site-{os.getpid()}"
    try:
        pages = export.export(
            list(paths),
            out=staging,
            quick=quick,
            progress=progress,
            timeout=timeout,
            executed=executed,
        )
        for i, (chapter, page) in enumerate(zip(chapters, pages, strict=True)):
            previous = chapters[i - 1] if i > 0 else None
            following = chapters[i + 1] if i + 1 < len(chapters) else None
            text = decorate(page.read_text(), chapter, previous, following, live_url=live_url)
            files.write_atomic(folder / chapter.file, text, what="a page of the site")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files.write_atomic(
        folder / INDEX, index_page(chapters, live_url=live_url), what="the site's index"
    )
