"""Parse Go benchmark output (the format of golang.org/design/14313-benchmark-format).

Pure and total: text in, typed records out. A line is one of

* a configuration line `key: value` (key starts lower case, has no space or upper case);
  it applies to every result after it until the key is set again (`pkg:` changes per package);
* a result line `Benchmark<Name>[/sub...][-<procs>] <iterations> <value> <unit> [<value> <unit>...]`;
* anything else (`PASS`, `ok ...`, `=== RUN`, log output): kept as an `Other` line.

A line that starts like a result (a benchmark name, then a number) but breaks the format raises
ParseError naming the line, so a damaged log is never half read without notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ParseError

_NAME = re.compile(r"Benchmark(?![a-z])\S*")
_PROCS = re.compile(r"^(.*?)-(\d+)$")
_INT = re.compile(r"\d+")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?i:inf|infinity|nan)")
_CONFIG = re.compile(r"([^\s:]+):(?:[ \t]+(.*?))?[ \t]*")


@dataclass(frozen=True)
class Config:
    """A configuration line: `key: value`."""

    line_no: int
    key: str
    value: str


@dataclass(frozen=True)
class Result:
    """One benchmark result line (one run of one benchmark)."""

    line_no: int
    name: str
    """The name without `Benchmark` and without the `-procs` suffix, e.g. `Join/impl=plus`."""
    procs: int
    """GOMAXPROCS of the run: the `-N` suffix; Go omits it when GOMAXPROCS is 1."""
    iterations: int
    values: dict[str, float]
    """Measurements by unit, in the order printed: `{"ns/op": 12.5, "B/op": 16.0, ...}`."""
    config: dict[str, str] = field(default_factory=dict)
    """The configuration in force at this line (goos, goarch, pkg, cpu, ...)."""

    @property
    def base(self) -> str:
        """The top-level benchmark: `Join` for `Join/impl=plus/parts=8`."""
        return self.name.split("/", 1)[0]

    @property
    def parts(self) -> dict[str, str]:
        """The sub-benchmark segments: `key=value` ones by key, others as `sub1`, `sub2`, ..."""
        found: dict[str, str] = {}
        plain = 0
        for segment in self.name.split("/")[1:]:
            key, eq, value = segment.partition("=")
            if eq and key:
                found[key] = value
            else:
                plain += 1
                found[f"sub{plain}"] = segment
        return found


@dataclass(frozen=True)
class Other:
    """A line that is neither configuration nor a result (kept, never dropped)."""

    line_no: int
    text: str


Record = Config | Result | Other


def _is_config_key(key: str) -> bool:
    return key[0].islower() and not any(c.isupper() or c.isspace() for c in key)


def _number(text: str, line_no: int, line: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise ParseError(f"benchmark value {text!r} is not a number", line_no=line_no, line=line)
    return float(text)


def _result(fields: list[str], line_no: int, line: str, config: dict[str, str]) -> Result:
    full, iterations, rest = fields[0], fields[1], fields[2:]
    if not _INT.fullmatch(iterations):
        raise ParseError(f"iteration count {iterations!r} is not a whole number",
                         line_no=line_no, line=line)
    if not rest or len(rest) % 2:
        raise ParseError("a benchmark result needs value/unit pairs after the iteration count",
                         line_no=line_no, line=line)
    values: dict[str, float] = {}
    for value, unit in zip(rest[::2], rest[1::2]):
        if unit in values:
            raise ParseError(f"unit {unit!r} appears twice", line_no=line_no, line=line)
        if _NUMBER.fullmatch(unit):
            raise ParseError(f"expected a unit after {value!r}, got the number {unit!r}",
                             line_no=line_no, line=line)
        values[unit] = _number(value, line_no, line)
    name = full.removeprefix("Benchmark")
    procs = 1
    suffix = _PROCS.match(name)
    if suffix:
        name, procs = suffix.group(1), int(suffix.group(2))
    return Result(line_no, name, procs, int(iterations), values, dict(config))


def parse_lines(text: str) -> list[Record]:
    """Every line of `text` as a Config, Result or Other record (blank lines are skipped)."""
    records: list[Record] = []
    config: dict[str, str] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split()
        if _NAME.fullmatch(fields[0]) and len(fields) > 1 and fields[1][:1].isdigit():
            records.append(_result(fields, line_no, line, config))
            continue
        match = _CONFIG.fullmatch(line)
        if match and _is_config_key(match.group(1)):
            key, value = match.group(1), match.group(2) or ""
            config[key] = value
            records.append(Config(line_no, key, value))
            continue
        records.append(Other(line_no, line))
    return records
