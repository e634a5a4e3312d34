"""Controls that the keyboard and a screen reader can use, where ipywidgets 8.1's cannot.

- `Slider`: a native `<input type=range>` with its `<label>` (ipywidgets' slider handles have
  no accessible name, and a log or selection slider tells a screen reader its position, not
  its value). The arrow keys move to the next position that reads differently, so repeated
  values never eat a key press.
- `Dropdown`: a native `<select>` with its `<label>` whose arrow keys change the choice
  (in ipywidgets' the arrows move JupyterLab's cell cursor instead: its command-mode
  shortcuts take ArrowUp/ArrowDown from any focused element that is not editable text).
- `Picture`: a PNG with its text alternative as the `alt` of its `<img>` (ipywidgets' `Image`
  has no alt trait).

Slider and Dropdown offer a list of options (values, or (label, value) pairs) as ipywidgets'
selection widgets do, and keep their Python side (`.value`, `.observe(..., "value")`,
`.description`, `.layout`), so callbacks and tests drive them without a browser. Their
elements carry `data-lm-suppress-shortcuts`: keys typed there are theirs, not JupyterLab's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .errors import UsageError

STATIC = Path(__file__).parent / "static"


class _Options(anywidget.AnyWidget):
    """A choice among `options` starting at `value` (the first option by default); `.value`
    is the chosen option's value, `.index` its position, `.label` what it shows."""

    description = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.List(traitlets.Unicode()).tag(sync=True)
    index = traitlets.Int(0).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    value = traitlets.Any(None)

    def __init__(
        self, options: Sequence[Any], value: Any = None, *, description: str = "", **kwargs: Any
    ):
        pairs = tuple(o if isinstance(o, tuple) else (str(o), o) for o in options)
        if not pairs:
            raise UsageError(f"{description!r}: options is empty; give at least one value")
        self.options = pairs
        super().__init__(labels=[label for label, _ in pairs], description=description, **kwargs)
        self.value = pairs[0][1] if value is None else value

    @traitlets.validate("value")
    def _offered(self, proposal: dict) -> Any:
        value = proposal["value"]
        if not any(v == value for _, v in self.options):
            first, last = self.options[0][0], self.options[-1][0]
            raise UsageError(
                f"{self.description or 'the slider'} cannot be set to {value!r}: "
                f"choose one of its {len(self.options)} positions, {first} to {last}"
            )
        return value

    @traitlets.observe("value")
    def _to_index(self, change: dict) -> None:
        if self.options[self.index][1] != change["new"]:  # repeated values keep their position
            self.index = next(i for i, (_, v) in enumerate(self.options) if v == change["new"])

    @traitlets.validate("index")
    def _in_range(self, proposal: dict) -> int:
        if not 0 <= proposal["value"] < len(self.options):
            raise UsageError(
                f"{self.description or 'the slider'} has positions 0 to "
                f"{len(self.options) - 1}, not {proposal['value']}"
            )
        return proposal["value"]

    @traitlets.observe("index")
    def _to_value(self, change: dict) -> None:
        self.value = self.options[change["new"]][1]

    @property
    def label(self) -> str:
        """What the slider shows for its value (the handout picture says this)."""
        return self.options[self.index][0]


class Slider(_Options):
    """A slider over `options` (see `_Options`)."""

    _esm = STATIC / "slider.js"


class Dropdown(_Options):
    """A drop-down list of `options` (see `_Options`)."""

    _esm = STATIC / "dropdown.js"


class Picture(anywidget.AnyWidget):
    """An image (`value`: PNG bytes) whose `alt` is `alt_text`."""

    _esm = STATIC / "picture.js"
    value = traitlets.Bytes(b"").tag(sync=True)
    format = traitlets.Unicode("png").tag(sync=True)
    alt_text = traitlets.Unicode("").tag(sync=True)
