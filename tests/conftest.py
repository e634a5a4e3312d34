"""Shared test set-up: quick mode, and a private scratch folder per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

os.environ.setdefault("GOMEMLAB_QUICK", "1")


@pytest.fixture
def fixture_text():
    """Read a recorded fixture: fixture_text("toolchain/build_errors.stderr")."""
    return lambda name: (FIXTURES / name).read_text()
