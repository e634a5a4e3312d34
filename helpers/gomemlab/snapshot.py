"""A static picture of a widget's current state, as HTML, for places no widget can run (an
HTML handout, a notebook viewer). `_ipython` adds it as `text/html` beside every widget's live
view; Jupyter shows the live widget, a handout the picture.
"""

from __future__ import annotations

import base64
import html
from typing import Any

_SKIPPED = ("Button", "ToggleButton", "Play")


def static_html(widget: Any) -> str:
    """The widget tree as HTML: text and HTML as they are, images inline, controls as
    `name: value`, code as a listing; buttons left out."""
    kind = type(widget).__name__
    children = getattr(widget, "children", None)
    if children is not None:
        inner = "".join(static_html(child) for child in children)
        direction = "row" if kind == "HBox" else "column"
        return (
            f'<div style="display:flex;flex-direction:{direction};gap:6px;'
            f'flex-wrap:wrap">{inner}</div>'
        )
    if kind in _SKIPPED or "gml-live-only" in getattr(widget, "_dom_classes", ()):
        return ""  # what only a running notebook can use: buttons, "Press Run"
    if kind == "GoEditor":
        from .source import GoCode

        return GoCode(widget.code)._repr_html_()
    if kind in ("HTML", "HTMLMath"):
        return f"<div>{widget.value}</div>"
    if kind in ("Image", "Picture"):
        data = widget.value or b""
        if not data:
            return ""
        fmt = getattr(widget, "format", "png") or "png"
        # `alt_text`: a Picture's text alternative (gomemlab.controls); an ipywidgets Image
        # has none
        alt = html.escape(getattr(widget, "alt_text", None) or "figure")
        return (
            f'<img alt="{alt}" style="max-width:100%" src="data:image/{fmt};base64,'
            f'{base64.b64encode(data).decode()}">'
        )
    if kind == "Output":
        return "".join(_output_html(o) for o in widget.outputs)
    if kind in ("Textarea", "Text"):
        return f"<pre>{html.escape(str(widget.value))}</pre>"
    if hasattr(widget, "value"):
        label = getattr(widget, "description", "") or kind
        shown = getattr(widget, "label", None) or widget.value
        return f"<div><b>{html.escape(str(label))}</b>: {html.escape(str(shown))}</div>"
    return ""


def _output_html(output: dict) -> str:
    data = output.get("data", {})
    if "text/html" in data:
        return data["text/html"]
    if "image/png" in data:
        return f'<img alt="figure" src="data:image/png;base64,{data["image/png"]}">'
    text = data.get("text/plain") or output.get("text", "")
    return f"<pre>{html.escape(text)}</pre>" if text else ""


def mimebundle(widget: Any) -> tuple[dict[str, Any], dict[str, Any]] | dict[str, Any]:
    """The widget's own bundle plus its static picture as `text/html`."""
    bundle = widget._repr_mimebundle_() or {}
    if isinstance(bundle, tuple):
        data, metadata = bundle
    else:
        data, metadata = bundle, {}
    data = dict(data)
    data.setdefault("text/html", static_html(widget))
    # Not `EditorBox(children=(...), layout=Layout(...))`: say what it is.
    data["text/plain"] = "A live widget: run this notebook in JupyterLab to use it."
    return data, metadata
