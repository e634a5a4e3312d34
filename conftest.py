"""Collection rules for the whole repository (tests/ and notebooks/).

Every notebook cell nbval collects runs in a kernel that calls the real Go toolchain, so it
carries the `live` marker like the tests that run Go: `pytest -m "not live"` then runs only what
works on a machine without Go (`make test-nogo`).
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark nbval's notebook cells `live`."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.live)
