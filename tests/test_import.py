"""`import gomemlab` changes nothing outside the package; `gm.setup()` (or `%load_ext gomemlab`)
turns the Jupyter integration on. Each check runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

STATE = """
def state(shell):
    import pandas as pd
    printers = shell.display_formatter.mimebundle_formatter.type_printers
    return {
        "custom_exceptions": [e.__name__ for e in shell.custom_exceptions],
        "max_colwidth": pd.get_option("display.max_colwidth"),
        "mimebundle_types": sorted(t.__name__ for t in printers),
    }
"""


def _run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", STATE + code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_changes_no_shell_and_no_pandas_option():
    seen = _run(
        "import json\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "before = state(shell)\n"
        "import gomemlab as gm\n"
        "for topic in ('escape', 'bench', 'gc', 'pprof', 'trace', 'layout', 'lifetimes'):\n"
        "    getattr(gm, topic)\n"
        "after = state(shell)\n"
        "gm.setup()\n"
        "print(json.dumps({'before': before, 'after': after, 'setup': state(shell)}))\n"
    )
    assert seen["after"] == seen["before"]
    assert seen["setup"]["custom_exceptions"] == ["GomemlabError"]
    assert seen["setup"]["max_colwidth"] > seen["before"]["max_colwidth"]
    assert "DOMWidget" in seen["setup"]["mimebundle_types"]


def test_load_ext_is_setup():
    seen = _run(
        "import json\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "shell.run_line_magic('load_ext', 'gomemlab')\n"
        "print(json.dumps(state(shell)))\n"
    )
    assert seen["custom_exceptions"] == ["GomemlabError"]


def test_setup_outside_ipython_does_nothing_and_import_loads_no_pandas():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, gomemlab as gm; gm.setup(); print('pandas' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "False", done.stderr
