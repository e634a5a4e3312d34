"""gomemlab.releases on the real toolchains: each quick-mode release (versions.QUICK_SERIES)
does what its release notes say, and the exercise asks a release itself."""

from __future__ import annotations

import pytest

from gomemlab import versions
from gomemlab.releases import BEHAVIOUR_KEYS, exercises, measure

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def matrix():
    return measure(versions.QUICK_SERIES, benchtime="200x", progress=False)


def test_each_quick_release_does_what_its_notes_say(matrix):
    assert [r.rsplit(".", 1)[0] for r in matrix.releases] == list(versions.QUICK_SERIES)
    assert len(matrix.frame) == len(versions.QUICK_SERIES) * len(BEHAVIOUR_KEYS)
    matrix.expect_as_predicted()
    assert [p.go_version for p in matrix.provenances] == [f"go{r}" for r in matrix.releases]


def test_compile_errors_are_shown_not_raised(matrix):
    rows = matrix.frame[
        (matrix.frame.release.str.startswith("1.21."))
        & matrix.frame.behaviour.isin(["bloop", "newexpr"])
    ]
    assert set(rows["value"]) == {"not available"}
    assert rows.set_index("behaviour").loc["bloop", "detail"].startswith("b.Loop undefined")


def test_the_exercise_asks_the_release_itself():
    verdict = exercises.check_prediction("make_var.escape", "1.24", "does not escape")
    assert not verdict.passed and "does not say 'does not escape'" in verdict.message
    assert verdict.evidence["release"].startswith("1.24.")
