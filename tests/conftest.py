"""Shared test set-up: quick mode, and a private scratch folder per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

FIXTURES = Path(__file__).parent / "fixtures"

os.environ.setdefault("GOMEMLAB_QUICK", "1")
# Exercise progress and notebook copies go to a throw-away folder, never the user's own.
os.environ.setdefault("GOMEMLAB_DATA", tempfile.mkdtemp(prefix="gomemlab-data-"))

# On CI the property tests replay the same examples on every run, so that a landing is never
# decided by a lucky draw; on a developer's machine they explore new inputs each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def course_site(tmp_path_factory) -> Path:
    """The course as a static site (`gomemlab export --site`), for checks over every page
    (network requests, accessibility): the folder `GOMEMLAB_SITE` names when set (`make
    test-site` builds the whole course there from the notebooks `make test-live` and `make
    test-load` executed), else chapters 00 and 01 built now."""
    from gomemlab import site

    built = os.environ.get("GOMEMLAB_SITE")
    if built and (Path(built) / site.INDEX).is_file():
        return Path(built)
    return site.build(
        tmp_path_factory.mktemp("site"), ["00", "01"], quick=True, progress=False
    ).parent


@pytest.fixture
def fixture_text():
    """Read a recorded fixture: fixture_text("toolchain/build_errors.stderr")."""
    return lambda name: (FIXTURES / name).read_text()


def _sample_tree() -> dict[str, tuple[int, int]]:
    root = Path(__file__).resolve().parents[1] / "gosamples"
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
    }


def pytest_sessionstart(session):
    session.config._gomemlab_samples = _sample_tree()


def pytest_sessionfinish(session, exitstatus):
    """The whole suite (notebooks included) leaves the bundled samples byte for byte as it
    found them, ignored files included (issue 9). Checked once, by the xdist controller."""
    if hasattr(session.config, "workerinput"):
        return
    before = session.config._gomemlab_samples
    after = _sample_tree()
    if after != before:
        changed = sorted(set(before.items()) ^ set(after.items()))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nFAILED: the test run wrote into gosamples/: {changed[:10]}", flush=True)
