"""The lab's own slider and picture widgets (gomemlab.controls), driven without a browser;
tests/test_a11y_lab.py drives them with the keyboard in JupyterLab."""

from __future__ import annotations

import pytest

from gomemlab import UsageError
from gomemlab.controls import Dropdown, Picture, Slider
from gomemlab.snapshot import static_html


def test_a_slider_keeps_value_and_position_together():
    seen = []
    s = Slider([("ten", 10), ("hundred", 100), ("off", "off")], 100, description="GOGC")
    s.observe(lambda change: seen.append(change["new"]), names="value")
    assert (s.index, s.value, s.label, s.labels) == (1, 100, "hundred", ["ten", "hundred", "off"])
    s.index = 2  # what the browser sends
    assert s.value == "off" and s.label == "off"
    s.value = 10  # what a script or test sets
    assert s.index == 0 and seen == ["off", 10]
    assert "<b>GOGC</b>: ten" in static_html(s)  # a handout shows the label


def test_a_dropdown_is_the_same_choice_as_a_list():
    d = Dropdown(["10ms", "1s", "1000x"], "1s", description="benchtime")
    assert (d.index, d.value, d.labels) == (1, "1s", ["10ms", "1s", "1000x"])
    d.index = 2
    assert d.value == "1000x" and "<b>benchtime</b>: 1000x" in static_html(d)
    with pytest.raises(UsageError, match="benchtime cannot be set to '2s'"):
        d.value = "2s"


def test_repeated_values_keep_the_position_the_browser_chose():
    s = Slider([1, 2, 2, 3], description="n")
    assert s.labels == ["1", "2", "2", "3"] and s.value == 1
    s.index = 2
    assert s.value == 2 and s.index == 2  # not moved back to the first 2


@pytest.mark.parametrize(
    "act, words",
    [
        (lambda s: setattr(s, "value", 7), "cannot be set to 7: choose one of its 3 positions"),
        (lambda s: setattr(s, "index", 3), "has positions 0 to 2, not 3"),
    ],
)
def test_a_value_it_does_not_offer_is_a_usage_error(act, words):
    s = Slider([1, 2, 3], description="count")
    with pytest.raises(UsageError, match=words):
        act(s)
    assert (s.index, s.value) == (0, 1)
    with pytest.raises(UsageError, match="options is empty"):
        Slider([], description="count")


def test_a_picture_carries_its_alternative_into_a_handout():
    png = b"\x89PNG\r\n\x1a\nrest"
    picture = Picture(value=png, alt_text="Heap over time: up to 40 MiB")
    shown = static_html(picture)
    assert 'alt="Heap over time: up to 40 MiB"' in shown and "data:image/png;base64," in shown
    assert static_html(Picture()) == ""  # nothing drawn yet
