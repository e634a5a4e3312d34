"""Read the machine code the compiler produced for benchmark functions (`go tool objdump`)."""

from __future__ import annotations

import re

from .. import toolchain, validate, workspace
from ..programs import Target

_TEXT = re.compile(r"^TEXT (\S+)\(SB\)")
MULTIPLY = re.compile(r"\s(?:I?MUL|MADD|MSUB|UMULH|SMULH)\w*\b")
"""Multiply instructions on amd64 (IMULQ, MULQ) and arm64 (MUL, MADD, UMULH, ...)."""


def disassemble(target: Target, functions: str) -> dict[str, str]:
    """The machine code of the functions of a package's test binary whose names match the
    regular expression `functions` (e.g. `^BenchmarkHash`), by short name."""
    functions = validate.pattern(functions, "functions")
    package = workspace.resolve(target)
    folder = workspace.scratch_dir("objdump")
    binary = folder / f"{package.name}.test"
    toolchain.go(
        "test", "-c", "-o", str(binary), package.pattern, cwd=package.module_dir, timeout=300
    ).check_build()
    symbol = rf"\.(?:{functions.removeprefix('^')})"
    done = toolchain.go("tool", "objdump", "-s", symbol, str(binary), timeout=120).check_run()
    listings: dict[str, list[str]] = {}
    current = None
    for line in done.stdout.splitlines():
        match = _TEXT.match(line)
        if match:
            current = match.group(1).rsplit(".", 1)[-1]
            listings[current] = [line]
        elif current is not None:
            listings[current].append(line)
    return {name: "\n".join(lines) for name, lines in listings.items()}


def count_multiplies(listing: str) -> int:
    """How many multiply instructions a listing holds (the work of a hash, for example)."""
    validate.text(listing, "listing")
    return len(MULTIPLY.findall(listing))
