"""Show Go source from a sample or snippet, syntax-highlighted, whole or by declaration."""

from __future__ import annotations

import html

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import GoLexer

from . import gosource
from .deprecation import deprecated
from .workspace import Package, resolve

_FORMATTER = HtmlFormatter(noclasses=True, nowrap=True, style="xcode")
"""Pygments' xcode colours: the one built-in light style whose every token reads at WCAG AA
(≥ 4.5:1, lowest 4.65:1) on the cell background #f5f5f5 ("default" has 4.46:1 comments)."""
_PRE_STYLE = (
    "font-family: var(--jp-code-font-family, monospace); font-size: "
    "var(--jp-code-font-size, 13px); line-height: 1.35; tab-size: 4; padding: 6px 8px; "
    "background: var(--jp-cell-editor-background, #f7f7f7); margin: 0;"
)


class GoCode:
    """Go source that shows itself highlighted in Jupyter (monospace, also in HTML exports)."""

    def __init__(self, text: str):
        self.text = text.rstrip("\n")

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        body = highlight(self.text, GoLexer(), _FORMATTER)
        return f'<pre style="{html.escape(_PRE_STYLE)}">{body}</pre>'


@deprecated("gm.gosource.extract_text(text, name)")
def extract(text: str, name: str) -> str:
    """The old name of `gosource.extract_text` (Go source structure has one home)."""
    return gosource.extract_text(text, name)


@deprecated("gm.gosource.extract(package, name)")
def find(package: Package, name: str, filename: str | None = None) -> str:
    """The old name of `gosource.extract` (Go source structure has one home)."""
    return gosource.extract(package, name, filename=filename)


def show_go(target: str | Package, *names: str, filename: str | None = None) -> GoCode:
    """Highlighted Go: a whole file of a sample/snippet, or the named declarations in order."""
    package = resolve(target)
    if not names:
        return GoCode(package.source(filename))
    return GoCode("\n\n".join(gosource.extract(package, name, filename=filename) for name in names))
