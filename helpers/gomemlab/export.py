"""Handouts: execute notebooks and write self-contained HTML (plots inline, Go highlighted, a
static picture of each widget's state, nothing loaded from a CDN, solutions left out unless
asked for).

A handout is read, not run: a solution (its "**Solution**" line and its hidden cell) is left
out, or with `with_solutions` shown as a closed <details> block; the code of a claim check
(the cell after a `*Check:*` line) is folded into a closed <details> block above its output,
so the page shows what was checked and what Go said, not 40 lines of asserts."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from pathlib import Path

from . import files, lab, validate
from .errors import UsageError
from .settings import scratch_root

_EXTERNAL = re.compile(
    r"<(script|link)\b[^>]*\b(src|href)=\"https?://[^\"]*\"[^>]*>"
    r"(\s*</script>)?",
    re.IGNORECASE,
)

HANDOUT_CSS = """<style>
/* Readable handouts (WCAG 2.1 AA, checked by axe-core in tests/test_a11y_handouts.py):
   JupyterLab's light-theme code colours and faded prompts fall below 4.5:1 on the cell
   background #f5f5f5, and links in text differ from it by colour alone. */
:root {
  --jp-mirror-editor-keyword-color: #006b00;
  --jp-mirror-editor-builtin-color: #006b00;
  --jp-mirror-editor-number-color: #006b00;
  --jp-mirror-editor-operator-color: #7a1fc2;
  --jp-mirror-editor-meta-color: #7a1fc2;
  --jp-mirror-editor-comment-color: #2d6464;
  --jp-mirror-editor-string-color: #a31c1c;
  --jp-mirror-editor-atom-color: #3b3bc4;
  --jp-mirror-editor-bracket-color: #5e5e3c;
  --jp-mirror-editor-error-color: #c00000;
  --jp-cell-prompt-not-active-font-color: #595959;
  --jp-cell-prompt-not-active-opacity: 1;
  --jp-cell-prompt-opacity: 1;
  --jp-cell-inprompt-font-color: #25649a;
  --jp-cell-outprompt-font-color: #a34a2f;
}
.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited { text-decoration: underline; }
</style>
"""


CLAIM = "*Check:*"
SOLUTION_MARK = "**Solution**"


FOLD = "gml-folded-block-{}"
"""A raw cell's text that `_to_html` replaces with its <details> block, after nbconvert, whose
HTML cleaner would escape <details> (and Markdown would end the block at a blank line)."""


def _folded(summary: str, code: str, shown: str, nbformat):
    """A raw cell standing for a closed <details> block that holds Python `code`,
    highlighted as the handout highlights code, and `shown`, what it printed; the block is in
    the cell's metadata until `_to_html` puts it in the page."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    listing = highlight(code.rstrip() + "\n", PythonLexer(), HtmlFormatter(cssclass="highlight"))
    printed = f"<pre>{html.escape(shown.rstrip())}</pre>" if shown.strip() else ""
    block = (
        f'<details class="gml-folded"><summary>{html.escape(summary)}</summary>'
        f"{listing}{printed}</details>"
    )
    return nbformat.v4.new_raw_cell(
        "", metadata={"raw_mimetype": "text/html", "gomemlab_folded": block}
    )


def _printed(cell) -> str:
    """What a code cell printed (its stream outputs), as text."""
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")


def handout_cells(cells: list, with_solutions: bool, nbformat) -> list:
    """The cells of a handout: solutions out (or folded), claim checks' code folded."""
    result: list = []
    claim_pending = False  # a `*Check:*` line was read; the next code cell checks it
    for cell in cells:
        previous = result[-1] if result else None
        after_marker = (
            previous is not None
            and previous.cell_type == "markdown"
            and previous.source.startswith(SOLUTION_MARK)
        )
        if cell.cell_type == "code" and _is_solution(cell):
            if after_marker:
                result.pop()  # "**Solution** (hidden: click …)": nothing to click in a page
            if with_solutions:
                result.append(_folded("Solution", cell.source, _printed(cell), nbformat))
            continue
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            claim_pending |= any(line.strip().startswith(CLAIM) for line in lines)
        checks_a_claim = cell.cell_type == "code" and claim_pending
        if cell.cell_type == "code":
            claim_pending = False
        if checks_a_claim and cell.source.strip():
            result.append(_folded("The check's code (it ran)", cell.source, "", nbformat))
            cell.metadata.setdefault("transient", {})["remove_source"] = True
        result.append(cell)
    return result


def _is_solution(cell) -> bool:
    """A cell tagged `solution`, or a collapsed (source-hidden) cell that names a solution."""
    meta = cell.get("metadata", {})
    hidden = bool(meta.get("jupyter", {}).get("source_hidden"))
    return "solution" in meta.get("tags", []) or (hidden and "solution" in cell.source.lower())


def _notebooks(names: Sequence[str | os.PathLike]) -> list[Path]:
    """The notebooks named ("03", "03-escape-analysis", or a path to an .ipynb); all if none."""
    if isinstance(names, str | os.PathLike):
        names = [names]  # one name given where a list is meant
    if not isinstance(names, Sequence | set | frozenset):
        raise UsageError(
            f'names must be a list of notebooks like ["03", "07"], not {type(names).__name__}'
        )
    if not names:
        return sorted(lab.pristine().glob("*.ipynb"))
    found = []
    for name in names:
        if not isinstance(name, str | os.PathLike):
            raise UsageError(
                f'each notebook is named by text like "03" or a path to an .ipynb, not '
                f"{type(name).__name__} {name!r}"
            )
        path = Path(name)
        if path.suffix == ".ipynb":
            if not path.is_file():
                raise UsageError(f"no notebook at {path}")
            found.append(path)
        else:
            found.append(lab.notebook(str(name)))
    return found


def export(
    names: Sequence[str | os.PathLike] = (),
    *,
    out: str | os.PathLike = "handouts",
    with_solutions: bool = False,
    quick: bool = False,
    progress: bool = True,
    timeout: float = 600.0,
    executed: str | os.PathLike | None = None,
) -> list[Path]:
    """Execute each notebook (all when `names` is empty; "03" names one) in full mode (or
    `quick`) and write `out/NN-name.html`; returns the files written. With `executed`, a
    folder of notebooks a test run already executed (`GOMEMLAB_EXECUTED`, see conftest.py),
    each page is made from its copy there and nothing runs again."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter
    from tqdm.auto import tqdm

    from .kernels import private_kernel

    if not isinstance(out, str | os.PathLike) or not os.fspath(out):
        raise UsageError(f"out must name a folder for the HTML files, not {out!r}")
    for flag, value in (("with_solutions", with_solutions), ("quick", quick)):
        if not isinstance(value, bool):
            raise UsageError(f"{flag} must be True or False, not {value!r}")
    timeout = validate.timeout(timeout)
    paths = _notebooks(names)
    if executed is not None:
        if quick:
            raise UsageError(
                "quick applies when export runs the notebooks; executed copies show the run "
                "that made them: drop quick (--quick) or executed (--executed)"
            )
        copies = [executed_copy(path, executed, nbformat) for path in paths]  # all, first
    folder = files.usable_folder(Path(out).expanduser(), "the handouts folder", "--out / out=")
    written = []
    env = {**os.environ, "GOMEMLAB_QUICK": "1" if quick else "0"}  # the kernels', not ours
    for n, path in enumerate(
        tqdm(paths, desc="executing", unit="notebook", disable=not progress or bool(executed))
    ):
        if executed is not None:
            page = _to_html(copies[n], with_solutions, HTMLExporter, nbformat)
            written.append(
                files.write_atomic(folder / f"{path.stem}.html", page, what="the handout")
            )
            continue
        nb = nbformat.read(path, as_version=4)
        work = scratch_root() / "handouts"
        work.mkdir(parents=True, exist_ok=True)
        with private_kernel() as kernel:
            client = NotebookClient(
                nb, km=kernel, timeout=timeout, resources={"metadata": {"path": str(work)}}
            )
            client.execute(env=env)
        page = _to_html(nb, with_solutions, HTMLExporter, nbformat)
        target = files.write_atomic(folder / f"{path.stem}.html", page, what="the handout")
        written.append(target)
    return written


EXECUTED_MARK = "gomemlab_executed"
"""Notebook metadata a test run writes into a notebook it executed whole and green."""


def executed_copy(path: Path, folder: str | os.PathLike, nbformat):
    """The executed copy of the notebook at `path` in `folder`: made by a green test run
    (`EXECUTED_MARK`) from this very notebook (the same cells, in order)."""
    copy = Path(folder).expanduser() / path.name
    run = "run the notebook's tests with GOMEMLAB_EXECUTED set to that folder (make test-live)"
    if not copy.is_file():
        raise UsageError(f"no executed copy of {path.stem} in {folder}: {run}, or drop --executed")
    nb = nbformat.read(copy, as_version=4)
    source = nbformat.read(path, as_version=4)
    if EXECUTED_MARK not in nb.metadata:
        raise UsageError(f"{copy} was not saved by a green test run: {run}")
    if [(c.cell_type, c.source) for c in nb.cells] != [
        (c.cell_type, c.source) for c in source.cells
    ]:
        raise UsageError(f"{copy} was executed from an older {path.name}: {run} again")
    return nb


def _to_html(nb, with_solutions: bool, exporter_class, nbformat) -> str:
    nb.metadata.pop("widgets", None)  # widget state would pull the widget renderer from a CDN
    nb.cells = handout_cells(nb.cells, with_solutions, nbformat)
    blocks = {}
    for n, cell in enumerate(nb.cells):
        if "gomemlab_folded" in cell.metadata:
            cell.source = FOLD.format(n)
            blocks[cell.source] = cell.metadata.pop("gomemlab_folded")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    exporter = exporter_class(template_name="lab", embed_images=True)
    exporter.mathjax_url = ""
    body, _ = exporter.from_notebook_node(nb)
    body = body.replace("</head>", HANDOUT_CSS + "</head>", 1)
    for token, block in blocks.items():
        body = body.replace(token, block, 1)
    return _EXTERNAL.sub("", body)


def external_loads(page: str) -> list[str]:
    """External scripts or stylesheets an HTML file would load (none in our handouts)."""
    return [m.group(0)[:120] for m in _EXTERNAL.finditer(page)]
