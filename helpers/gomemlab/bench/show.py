"""Show Go functions of a package as highlighted code in a notebook."""

from __future__ import annotations

import re

from .. import workspace
from ..programs import Target


def functions(target: Target, *names: str) -> str:
    """The source of the named top-level functions (with their doc comments), in file order."""
    package = workspace.resolve(target)
    found: dict[str, str] = {}
    for path in package.go_files(tests=True):
        text = path.read_text()
        for name in names:
            pattern = rf"((?:^//[^\n]*\n)*)^func {re.escape(name)}\(.*?^}}\n"
            match = re.search(pattern, text, re.MULTILINE | re.DOTALL)
            if match:
                found[name] = match.group(0)
    missing = [n for n in names if n not in found]
    if missing:
        raise LookupError(f"no function {', '.join(missing)} in {package.dir}")
    return "\n".join(found[n] for n in names)


def show(target: Target, *names: str):
    """The named functions as syntax-highlighted Go (an IPython Code object)."""
    from IPython.display import Code
    return Code(functions(target, *names), language="go")
