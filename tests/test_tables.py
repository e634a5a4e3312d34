"""The lab's one table look and its number formats."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gomemlab import tables


def test_tables_have_the_lab_look_and_no_grid():
    page = tables.to_html(pd.DataFrame({"bytes": [1, 2]}), caption="a <caption>")
    assert page.count('class="gml-table"') == 1 and 'border="1"' not in page
    assert "a &lt;caption&gt;" in page


def test_a_table_scrolls_in_a_region_the_keyboard_reaches_and_a_reader_names():
    wide = pd.DataFrame({f"column_{i}": [i] for i in range(30)})
    page = tables.to_html(wide)
    assert page.startswith('<div class="gml-scroll" role="region" tabindex="0"')
    assert 'aria-label="table of column_0, column_1, column_2, column_3, …"' in page
    assert "overflow-x:auto;max-width:100%" in page  # it scrolls, not the output around it
    named = tables.to_html(pd.DataFrame({"n": [1]}), caption="$ go test · Go 1.27.3")
    assert 'aria-label="$ go test · Go 1.27.3"' in named


@pytest.mark.parametrize(
    "value, shown", [(936, "936 B"), (1536, "1.5 KiB"), (118506825, "113.0 MiB"), (math.inf, "inf")]
)
def test_bytes(value, shown):
    assert tables.format_bytes(value) == shown


@pytest.mark.parametrize(
    "value, shown",
    [
        (math.inf, "∞"),
        (-math.inf, "−∞"),
        (math.nan, "nan"),
        (1e300, "1e+300"),
        (12345.0, "12,345"),
        (0.5, "0.5"),
        (2.5e6 + 0.5, "2,500,000"),
    ],
)
def test_numbers(value, shown):
    assert tables.format_number(value) == shown
