"""Mechanical notebook edits that follow API changes (issue 18): run it again after merging
notebook edits from elsewhere; it changes only what still needs changing.

    .venv/bin/python scripts/shape_notebooks.py [notebooks/*.ipynb]   # edits in place

1. Claim checks return their result (`expect_*` → the result, a value from an accessor):
   a line that used the value a check returned now asks the accessor for it
   (`EXPECT_VALUES`), and a cell that ends in a claim check gets a trailing `;` so it does
   not display the whole result.
2. New names for old ones (`RENAMES`; the old ones still work, with a FutureWarning).
3. One skeleton (tests/test_notebook_skeleton.py): exercises under `### Exercise N: title`
   headings, starter variables named `exercise_N`, one closing section name.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat

# A value-using call → the same call (it returns the result) followed by the accessor that
# gives the value. Keys are regular expressions over one line of a cell.
EXPECT_VALUES: list[tuple[str, str]] = [
    # EscapeReport.expect_heap/stack/leak → .message(...) (the compiler's message record)
    (
        r"^(?P<indent>\s*)(?P<name>\w+) = (?P<report>\w+)\.expect_(?P<kind>heap|stack|leak)"
        r"\((?P<args>[^()]*(?:\([^()]*\)[^()]*)*)\)(?P<rest>\s*(#.*)?)$",
        r"\g<indent>\g<report>.expect_\g<kind>(\g<args>)\g<rest>\n"
        r"\g<indent>\g<name> = \g<report>.message(\g<args>)",
    ),
    # BenchResult.expect(name, unit, bounds) → .median(name, unit)
    (
        r"(?P<call>\b\w+\.expect\((?P<what>\"[^\"]*\", \"[^\"]*\")(?:, [^()]*)?\))"
        r"(?P<after> for )",
        r"\g<call>.median(\g<what>)\g<after>",
    ),
    # GCLog.expect_goal_formula(gogc=N, ...) used as a table → .goal_check(gogc=N)
    (
        r"^(?P<name>\w+) = (?P<call>(?P<log>[\w.]+)\.expect_goal_formula\(gogc=(?P<gogc>\w+)\))$",
        r"\g<call>\n\g<name> = \g<log>.goal_check(gogc=\g<gogc>)",
    ),
    (
        r"^(?P<call>(?P<log>[\w.]+)\.expect_goal_formula\(gogc=(?P<gogc>\w+)(?:, [^()]*)?\))"
        r"\.(?P<tail>(?:tail|head)\(\d*\))$",
        r"\g<call>.goal_check(gogc=\g<gogc>).\g<tail>",
    ),
    # GCRun.expect_live_matches_metrics() used as a table → .live_vs_metrics()
    (
        r"^(?P<name>\w+) = (?P<run>\w+)\.expect_live_matches_metrics\(\)$",
        r"\g<run>.expect_live_matches_metrics()\n\g<name> = \g<run>.live_vs_metrics()",
    ),
    # Layout.expect_rule_holds() used as its summary → .summary()
    (r"\.expect_rule_holds\(\)\[", r".expect_rule_holds().summary()["),
    # SizeSweep.expect_matches_classes(from_bytes=N) used as rows → .from_size(N)
    (
        r"^(?P<name>\w+) = (?P<sweep>\w+)\.expect_matches_classes\(from_bytes=(?P<n>\d+)\)$",
        r"\g<sweep>.expect_matches_classes(from_bytes=\g<n>)\n"
        r"\g<name> = \g<sweep>.from_size(\g<n>)",
    ),
]

# Old name → new name (docs/ARCHITECTURE.md, "One vocabulary"): `run` is the verb of every
# entry point that starts Go; Go source structure lives in `gosource`. Applied to code and
# to the prose that names them.
RENAMES: list[tuple[str, str]] = [
    (r"\bescape\.analyze\(", "escape.run("),
    (r"\bvaluesem\.copy_cost\(", "valuesem.run("),
    (r"\blayout\.layouts\(", "layout.run("),
    (r"\blayout\.measure\(", "layout.run("),
    (r"\breleases\.measure\(", "releases.run("),
    (r"\bR\.measure\(", "R.run("),  # 10 imports gomemlab.releases as R
    (r"\bgm\.source\.extract\(", "gm.gosource.extract_text("),
    (r"\bgm\.source\.find\(", "gm.gosource.extract("),
    (
        r"^from gomemlab\.source import extract$",
        "from gomemlab.gosource import extract_text as extract",
    ),
    (r"\btrace\.load\(", "trace.read("),
    (r"\bcheck_benchtime\(", "validate_benchtime("),
]


def rewrite_line(line: str) -> str:
    """One line of a code cell, with its value-using claim checks and old names rewritten."""
    if not line.lstrip().startswith("_ = "):  # a value thrown away needs no accessor
        for pattern, replacement in EXPECT_VALUES:
            line = re.sub(pattern, replacement, line)
    return rename(line)


# 3. The skeleton. A bold exercise lead becomes a heading; leads without a title get one here.
EXERCISE_TITLES = {
    ("03", 1): "`newPoint` without the heap",
    ("03", 2): "`area` without the heap",
    ("03", 3): "`checksum` without the heap",
    ("10", 1): "`make([]byte, n)` on Go 1.21",
    ("10", 2): "`AppendReturned(4)` on Go 1.24",
}
CLOSING = "## What to remember"
OLD_CLOSINGS = r"^## (Summary|What we saw)$"
# Starter variables, per notebook: renamed in the code and prose of its exercise section.
STARTERS = {
    "03": {"exercise1": "exercise_1", "exercise2": "exercise_2", "exercise3": "exercise_3"},
    "04": {"my_count_words": "exercise_1", "my_benchmark": "exercise_2"},
    "05": {"answers_1": "exercise_1"},
    "06": {"answer": "exercise_1", "my_work": "exercise_3"},
    "07": {"exercise1": "exercise_1", "my_gogc": "exercise_2"},
    "08": {"exercise1": "exercise_1", "exercise2": "exercise_2"},
    "09": {"exercise1": "exercise_1", "exercise2": "exercise_2"},
    "10": {"prediction1": "exercise_1", "prediction2": "exercise_2"},
}
# Whole-line edits where a starter was not one variable.
STARTER_LINES = {
    "06": [
        (
            'reason, duration_ms = "?", 0.0   # change me',
            'exercise_2 = ("?", 0.0)   # change me: (reason, length in ms)',
        ),
        (
            "gm.trace.exercises.check_longest_pause(one, reason, duration_ms)",
            "gm.trace.exercises.check_longest_pause(one, *exercise_2)",
        ),
    ],
}

# Names a later section reused for other data, renamed in the cell that (re)defines them, so
# every cell can run again after run-all and still reads its own section's data: (chapter,
# a line that identifies the cell, {old: new}).
SECTION_NAMES = [
    ("07", "one = gm.gc.GUIDE_GRAPHS[0].simulate(gogc=100)", {"one": "graph_one"}),
    ("07", "free, capped = g4.simulate(100, 100), g4.simulate(100, 40)", {"capped": "limited"}),
    ("07", "capped = (f5.goal_mib < 0.95 * allowed)[1:]", {"capped": "below_goal"}),
    ("07", "    f = pairs[number][1].log.frame", {"f": "measured"}),
]


def section_names(source: str, chapter: str) -> str:
    """`source` with the names its section reused renamed (an f-string's `f` is left alone)."""
    for where, anchor, names in SECTION_NAMES:
        if where == chapter and anchor in source.split("\n"):
            for old, new in names.items():
                source = re.sub(rf"\b{old}\b(?![\"'])", new, source)
    return source


def exercise_headings(text: str, chapter: str) -> str:
    """Bold exercise leads (`**Exercise 2: title.** text`) as `### Exercise 2: title`."""

    def heading(found: re.Match) -> str:
        number, title = int(found.group(1)), found.group(2)
        title = title or EXERCISE_TITLES[(chapter, number)]
        return f"### Exercise {number}: {title}\n\n"

    return re.sub(r"^\*\*Exercise (\d+)(?:: (.+?))?[.]?\*\* ?", heading, text, flags=re.MULTILINE)


def skeleton(nb: nbformat.NotebookNode, chapter: str) -> None:
    """Exercise headings, starter variable names and the closing section, in place."""
    in_exercises = False
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = section_names(cell.source, chapter)
        if cell.cell_type == "markdown":
            cell.source = exercise_headings(cell.source, chapter)
            cell.source = re.sub(OLD_CLOSINGS, CLOSING, cell.source, flags=re.MULTILINE)
            in_exercises = in_exercises or bool(re.search(r"^### Exercise 1:", cell.source, re.M))
        if not in_exercises:
            continue
        for old, new in STARTERS.get(chapter, {}).items():
            cell.source = re.sub(rf"\b{old}\b", new, cell.source)
        for old, new in STARTER_LINES.get(chapter, []):
            cell.source = cell.source.replace(old, new)


def rename(text: str) -> str:
    """`text` with every old name in `RENAMES` replaced by the new one."""
    for old, new in RENAMES:
        text = re.sub(old, new, text, flags=re.MULTILINE)
    return text


def _ends_in_claim_check(source: str) -> bool:
    """Whether the cell's last statement is an expression whose outermost call is a claim
    check (`x.expect(...)`, `x.expect_heap(...)...`): Jupyter would display its result."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: leave the cell alone
        return False
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return False
    call = tree.body[-1].value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and (call.func.attr == "expect" or call.func.attr.startswith("expect_"))
    )


def rewrite_cell(source: str) -> str:
    """A code cell's source after every rewrite."""
    lines = [rewrite_line(line) for line in source.split("\n")]
    text = "\n".join(lines)
    if _ends_in_claim_check(text) and not text.rstrip().endswith(";"):
        text = text.rstrip() + ";"
    return text


def shape(nb: nbformat.NotebookNode, chapter: str) -> bool:
    """Every edit above on notebook `nb` of `chapter` ("10"), in place; whether any applied."""
    before = nbformat.writes(nb)
    skeleton(nb, chapter)
    changed = nbformat.writes(nb) != before
    for cell in nb.cells:
        new = rewrite_cell(cell.source) if cell.cell_type == "code" else rename(cell.source)
        if new != cell.source:
            cell.source, changed = new, True
    return changed


def rewrite(path: Path) -> bool:
    """Rewrite one notebook in place; whether anything changed."""
    nb = nbformat.read(path, as_version=4)
    changed = shape(nb, path.name[:2])
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted(Path("notebooks").glob("*.ipynb"))
    for path in paths:
        if rewrite(path):
            print(f"rewrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
