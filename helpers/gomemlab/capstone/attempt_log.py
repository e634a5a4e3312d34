"""The learner's capstone attempts, kept in their data folder (never sent anywhere): one line
per check with each target's number, so progress over attempts can be tabled and drawn. The
file is rewritten atomically under a lock, like the exercise progress file; a damaged line is
skipped, never fatal."""

from __future__ import annotations

import contextlib
import json
import time
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import files
from ..errors import GomemlabError
from ..settings import data_folder
from .targets import TARGET_NAMES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .result import CapstoneCheck

FILE = "capstone-attempts.jsonl"
COLUMNS = ["attempt", "at", "correct", "passed", "missed", *TARGET_NAMES[1:]]
"""Per attempt: when, whether the report was right and all targets met, the targets missed
(comma-separated; None in lines written before it was recorded), and per target your value
over its budget (empty when the report was wrong). At most 1 meets a budget, except time/op,
which also needs the Mann–Whitney test: `missed` says."""


def record(check: CapstoneCheck) -> None:
    """Add one attempt. Never raises: the record must not break a check."""
    entry: dict[str, Any] = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "correct": check.difference is None,
        "passed": check.passed,
        "ratios": {j.target.name: j.ratio for j in check.judgements},
        "missed": list(check.missed),
    }
    with contextlib.suppress(OSError, GomemlabError):
        files.append_line(
            data_folder() / FILE, json.dumps(entry), what="the capstone attempts file"
        )


def _row(line: str) -> dict[str, Any] | None:
    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict) or not isinstance(item.get("ratios"), dict):
        return None
    if not isinstance(item.get("correct"), bool) or not isinstance(item.get("passed"), bool):
        return None
    ratios = item["ratios"]
    missed = item.get("missed")
    row = {
        "at": str(item.get("at", "")),
        "correct": item["correct"],
        "passed": item["passed"],
        "missed": ",".join(map(str, missed)) if isinstance(missed, list) else None,
    }
    for name in TARGET_NAMES[1:]:
        value = ratios.get(name)
        row[name] = float(value) if isinstance(value, int | float) else float("nan")
    return row


def attempts() -> pd.DataFrame:
    """Your attempts so far, oldest first (COLUMNS)."""
    path = data_folder() / FILE
    lines = path.read_text(errors="replace").splitlines() if path.is_file() else []
    rows = [r for r in map(_row, lines) if r is not None]
    frame = pd.DataFrame(rows, columns=COLUMNS[1:])
    frame.insert(0, "attempt", range(1, len(frame) + 1))
    return frame


def with_baseline(frame: pd.DataFrame, baseline: CapstoneCheck) -> pd.DataFrame:
    """`frame` with the baseline's check as attempt 0: where every attempt starts from."""
    row: dict[str, Any] = {
        "attempt": 0,
        "at": "baseline",
        "correct": True,
        "passed": baseline.passed,
        "missed": ",".join(baseline.missed),
    }
    row.update({j.target.name: j.ratio for j in baseline.judgements if j.target.name != "correct"})
    return pd.concat([pd.DataFrame([row], columns=frame.columns), frame], ignore_index=True)


def describe_attempts(
    frame: pd.DataFrame | None = None, *, baseline: CapstoneCheck | None = None
) -> str:
    """The record in words, one sentence per attempt, from the data (the plot's text
    alternative): which targets were met, and each one's value over its budget; with
    `baseline`, starting from it (as plot_attempts does)."""
    frame = attempts() if frame is None else frame
    if baseline is not None:
        frame = with_baseline(frame, baseline)
    if frame.empty:
        return "No attempt recorded yet: check your copy (gm.capstone.check) to start the record."
    sentences = []
    for values in frame.to_dict("records"):
        label = "baseline" if values["at"] == "baseline" else f"attempt {values['attempt']}"
        if not values["correct"]:
            sentences.append(f"{label}: the report was wrong, nothing measured.")
            continue
        names = [n for n in TARGET_NAMES[1:] if n in values and values[n] == values[n]]
        met = [n for n in names if n not in _missed(values)]
        numbers = ", ".join(
            f"{n} {values[n]:.2g}×{'' if n in met else ' (missed)'}" for n in names if n != "leaks"
        )
        leaks = int(values["leaks"]) if "leaks" in names else 0
        sentences.append(
            f"{label}: {len(met)} of {len(names)} targets met"
            f"{' (all: solved)' if values['passed'] else ''}; value over budget: {numbers}; "
            f"{leaks} goroutine{'s' * (leaks != 1)} leaked."
        )
    return " ".join(sentences)


def _missed(values: dict) -> set[str]:
    """The targets an attempt's line (a record of the frame) missed: as judged then, or, for a
    line from before `missed` was kept, by its ratios."""
    if isinstance(values.get("missed"), str):
        return set(values["missed"].split(","))
    return {
        n
        for n in TARGET_NAMES[1:]
        if values.get(n) == values.get(n) and values[n] > (0 if n == "leaks" else 1)
    }


def plot_attempts(
    frame: pd.DataFrame | None = None, *, baseline: CapstoneCheck | None = None
) -> Figure:
    """Each target's value over its budget, attempt by attempt (log axis; under the dashed
    line at 1 a budget is met, and time/op also needs its test), a marker and a line style
    per target; a black × over every point whose target was missed, so a time/op under 1 that
    its test did not confirm does not read as met. With `baseline` (a
    check of the baseline) the record starts from it, as attempt 0. Attempts whose report was
    wrong have no numbers: their tick says so."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    from .. import figures

    frame = attempts() if frame is None else frame
    if baseline is not None:
        frame = with_baseline(frame, baseline)
    fig, ax = figures.new(height=4.0)
    markers = "osD^vP"
    styles = ["-", "--", "-.", ":", "-", "--"]
    measured = frame[frame.correct]
    for i, name in enumerate(n for n in TARGET_NAMES[1:] if n != "leaks"):
        ax.plot(
            measured.attempt,
            measured[name],
            marker=markers[i],
            linestyle=styles[i],
            label=name,
        )
    missed = [
        (row["attempt"], row[name])
        for row in measured.to_dict("records")
        for name in _missed(row)
        if name != "leaks" and name in row and row[name] == row[name]
    ]
    if missed:
        x, y = zip(*missed, strict=True)
        ax.plot(x, y, linestyle="none", marker="x", color="black", markersize=9, label="missed")
    ax.axhline(1.0, color="black", linestyle=(0, (4, 3)), linewidth=1, label="budget")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}×"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("attempt (0: the baseline)" if baseline is not None else "attempt")
    ax.set_ylabel("your value ÷ the budget (log scale)")
    ax.set_title("Capstone: each target over your attempts")
    if len(frame):
        ax.set_xticks(
            list(frame.attempt),
            [
                f"{row.attempt}" if row.correct else f"{row.attempt}\nwrong report"
                for row in frame.itertuples()
            ],
        )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return fig
