"""gm.show_go is what every notebook calls to show a sample's Go: it must print nothing else."""

from __future__ import annotations

import warnings

import pytest

import gomemlab as gm

pytestmark = pytest.mark.live  # named declarations are found by the lab's Go parser helper


def test_show_go_of_named_declarations_warns_nothing():
    # It once went through the deprecated `find`, and every call printed a FutureWarning with
    # the path of the lab's source file under the learner's listing (issue 22's walk).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = gm.show_go("trace", "buffer", "work")
    assert "func buffer(" in shown.text and "func work(" in shown.text
