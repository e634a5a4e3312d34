"""Shared test set-up: quick mode, and a private scratch folder per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

FIXTURES = Path(__file__).parent / "fixtures"

os.environ.setdefault("GOMEMLAB_QUICK", "1")

# On CI the property tests replay the same examples on every run, so that a landing is never
# decided by a lucky draw; on a developer's machine they explore new inputs each time.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def fixture_text():
    """Read a recorded fixture: fixture_text("toolchain/build_errors.stderr")."""
    return lambda name: (FIXTURES / name).read_text()
