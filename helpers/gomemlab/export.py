"""Handouts: execute notebooks and write self-contained HTML (plots inline, Go highlighted, a
static picture of each widget's state, nothing loaded from a CDN, solutions left out unless
asked for)."""

from __future__ import annotations

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
) -> list[Path]:
    """Execute each notebook (all when `names` is empty; "03" names one) in full mode (or
    `quick`) and write `out/NN-name.html`; returns the files written."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter
    from tqdm.auto import tqdm

    if not isinstance(out, str | os.PathLike) or not os.fspath(out):
        raise UsageError(f"out must name a folder for the HTML files, not {out!r}")
    for flag, value in (("with_solutions", with_solutions), ("quick", quick)):
        if not isinstance(value, bool):
            raise UsageError(f"{flag} must be True or False, not {value!r}")
    timeout = validate.timeout(timeout)
    paths = _notebooks(names)
    folder = files.usable_folder(Path(out).expanduser(), "the handouts folder", "--out / out=")
    written = []
    env = {**os.environ, "GOMEMLAB_QUICK": "1" if quick else "0"}  # the kernels', not ours
    for path in tqdm(paths, desc="executing", unit="notebook", disable=not progress):
        nb = nbformat.read(path, as_version=4)
        work = scratch_root() / "handouts"
        work.mkdir(parents=True, exist_ok=True)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(work)}},
        )
        client.execute(env=env)
        html = _to_html(nb, with_solutions, HTMLExporter, nbformat)
        target = files.write_atomic(folder / f"{path.stem}.html", html, what="the handout")
        written.append(target)
    return written


def _to_html(nb, with_solutions: bool, exporter_class, nbformat) -> str:
    nb.metadata.pop("widgets", None)  # widget state would pull the widget renderer from a CDN
    if not with_solutions:
        nb.cells = [c for c in nb.cells if not _is_solution(c)]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    exporter = exporter_class(template_name="lab", embed_images=True)
    exporter.mathjax_url = ""
    body, _ = exporter.from_notebook_node(nb)
    body = body.replace("</head>", HANDOUT_CSS + "</head>", 1)
    return _EXTERNAL.sub("", body)


def external_loads(html: str) -> list[str]:
    """External scripts or stylesheets an HTML file would load (none in our handouts)."""
    return [m.group(0)[:120] for m in _EXTERNAL.finditer(html)]
