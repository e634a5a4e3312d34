"""expect_history: release claims checked on each release's toolchain, or named as unchecked."""

from __future__ import annotations

import pytest

import gomemlab as gm


def _series(go):
    return gm.versions.language_version(go)


@pytest.mark.live
def test_history_checks_installed_releases_and_names_the_others():
    pinned = _series(gm.find_go())
    line = gm.releases.expect_history(_series, {"1.21": "1.21"}, current=pinned, install=False)
    assert f"{gm.find_go().version}: {pinned}" in line
    assert ("Go 1.21: 1.21" in line) != ("NOT checked: Go 1.21" in line)


@pytest.mark.live
def test_a_wrong_history_raises_naming_the_release():
    with pytest.raises(AssertionError, match=r"go1\.\d+\.\d+: .*where the text says 'nope'"):
        gm.releases.expect_history(_series, {}, current="nope", install=False)
    if gm.releases.history._unpacked("1.25"):
        with pytest.raises(AssertionError, match=r"Go go1\.25\.\d+: '1\.25', where the text"):
            gm.releases.expect_history(_series, {"1.25": "1.24"}, current="x", install=False)


@pytest.mark.live
def test_a_yes_no_history_is_said_in_words():
    line = gm.releases.expect_history(
        lambda go: go is not None, {"1.21": True}, current=True, install=False
    )
    assert line.endswith(f"{gm.find_go().version}: yes") and "True" not in line
    with pytest.raises(AssertionError, match="where the text says 'no'"):
        gm.releases.expect_history(lambda go: True, {}, current=False, install=False)
