"""Jupyter integration: show the lab's errors as readable panels, not Python tracebacks."""

from __future__ import annotations

from typing import Any

from .errors import GomemlabError


def _show_error(shell, etype, value, tb, tb_offset=None):
    from IPython.display import display

    display(value)
    first = (str(value).strip().splitlines() or ["(no message)"])[0]
    stb = [f"{etype.__name__}: {first}"]
    # The first line also goes into the error output, so logs (nbval, CI) say what happened.
    # Also report it as an error output, as an uncaught exception would be: the cell fails
    # (Jupyter stops "run all", nbval fails the cell) instead of passing silently.
    shell._showtraceback(etype, value, stb)
    return stb


def install(shell: Any = None) -> bool:
    """Turn the Jupyter integration on in `shell` (default: the running IPython): the lab's
    errors as panels, widget snapshots, whole table cells. False where there is no IPython
    (a script, a test): nothing changes there."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is always there with Jupyter
            return False
        shell = get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((GomemlabError,), _show_error)
        _add_widget_snapshots(shell)
        _show_whole_cells()
        _scroll_wide_frames(shell)
        return True
    return False


TABLE_TEXT_WIDTH = 200
"""Characters of a table cell shown (pandas cuts at 50: a summary's meaning, a function's
name in a stack, would end in "..." mid-word)."""


def _show_whole_cells() -> None:
    import pandas as pd

    pd.set_option("display.max_colwidth", TABLE_TEXT_WIDTH)


def frame_html(frame: Any) -> str | None:
    """A DataFrame as pandas shows it, inside a named region that scrolls when the table is
    wider than the output (`tables.scroll_region`); None where pandas shows no HTML."""
    from .tables import scroll_region, table_name

    inner = frame._repr_html_()
    return None if inner is None else scroll_region(inner, table_name(frame))


def _scroll_wide_frames(shell) -> None:
    import pandas as pd

    formatter = shell.display_formatter.formatters.get("text/html")
    if formatter is not None:
        formatter.for_type(pd.DataFrame, frame_html)


def _add_widget_snapshots(shell) -> None:
    """Every widget shown also carries a static HTML picture of its state (for handouts)."""
    try:
        import ipywidgets
    except ImportError:  # pragma: no cover - ipywidgets is a dependency
        return
    from .snapshot import mimebundle

    bundles = getattr(shell.display_formatter, "mimebundle_formatter", None)
    if bundles is not None:
        bundles.for_type(ipywidgets.DOMWidget, mimebundle)
