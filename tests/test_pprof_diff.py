"""`Profile.diff` against `go tool pprof -diff_base` (and `-normalize`): its -top and -traces
reports recorded from the same files (tests/fixtures/pprof/diff/README.md), for every sample
type of a heap, a CPU and a goroutine profile, including negative values and stacks present on
one side only; live on fresh recordings; hypothesis on garbage."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pprof_decode import pprof_top

import gomemlab as gm
from gomemlab.errors import ParseError, UsageError
from gomemlab.pprof import diff as pdiff

HERE = Path(__file__).parent / "fixtures" / "pprof" / "diff"
INDEXES = {
    "mem": ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"],
    "cpu": ["samples", "cpu"],
    "goroutine": ["goroutine"],
}
CASES = [
    (pair, index, normalize)
    for pair, indexes in INDEXES.items()
    for index in indexes
    for normalize in (False, True)
]
IDS = [f"{p}-{i}{'-normalize' if n else ''}" for p, i, n in CASES]
VALUE_LINE = re.compile(r"^\s*(-?\d+)\S*\s{3}(.+)$")


def pprof_name(function: str) -> str:
    """A name as pprof's reports print it: its demangler drops "()" ("interface { Error()
    string }" becomes "interface { Error string }")."""
    return function.replace("()", "")


def pair(name: str) -> tuple[gm.pprof.Profile, gm.pprof.Profile]:
    """(base, new): before and after the fix."""
    return (
        gm.pprof.load(HERE / f"{name}_before.pprof"),
        gm.pprof.load(HERE / f"{name}_after.pprof"),
    )


def report(name: str, index: str, normalize: bool, kind: str) -> str:
    middle = ".normalize" if normalize else ""
    return (HERE / f"{name}.{index}{middle}.{kind}.txt").read_text()


def pprof_traces(text: str) -> Counter:
    """{(from the base?, stack leaf first): summed value} from `go tool pprof -traces`."""
    out: Counter = Counter()
    for block in text.split("-----------+" + "-" * 55)[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        is_base = any(line.strip() == "pprof::base:  true" for line in lines)
        first = next((i for i, line in enumerate(lines) if VALUE_LINE.match(line)), None)
        if first is None:
            continue
        value = int(VALUE_LINE.match(lines[first]).group(1))
        stack = [VALUE_LINE.match(lines[first]).group(2)]
        stack += [line.strip() for line in lines[first + 1 :]]
        stack = tuple(s.removesuffix(" (inline)") for s in stack)
        out[(is_base, stack)] += value
    return Counter({k: v for k, v in out.items() if v})


def our_traces(d: gm.pprof.ProfileDiff, index: str) -> Counter:
    frame = d.frame
    out: Counter = Counter()
    for base, stack, value in zip(d.base_mask, frame.callstack, frame[index], strict=True):
        if stack:
            out[(bool(base), tuple(map(pprof_name, stack)))] += int(value)
    return Counter({k: v for k, v in out.items() if v})


@pytest.mark.parametrize(("name", "index", "normalize"), CASES, ids=IDS)
def test_top_equals_go_tool_pprof_diff_base(name, index, normalize):
    total, expected = pprof_top(report(name, index, normalize, "top"))
    base, new = pair(name)
    d = new.diff(base, normalize=normalize)
    assert d.total(index) == total == base.total(index), "percentages are of the base's total"
    ours = d.top(index, None)
    by_name = {pprof_name(row.function): row for row in ours.itertuples()}
    assert expected, "the report lists functions"
    for function, flat, flat_pct, cum, cum_pct in expected:
        row = by_name[function]
        assert (row.flat, row.cum) == (flat, cum), function
        # pprof prints a percentage's absolute value; ours carries the change's sign
        assert abs(abs(row.flat_pct) - flat_pct) < 0.05, function
        assert abs(abs(row.cum_pct) - cum_pct) < 0.05, function
    names = [f for f, *_ in expected]
    shown = [pprof_name(f) for f in ours.function]
    assert [f for f in shown if f in names] == names  # same order: |flat|, then name


@pytest.mark.parametrize(("name", "index", "normalize"), CASES, ids=IDS)
def test_traces_equal_go_tool_pprof_diff_base(name, index, normalize):
    base, new = pair(name)
    d = new.diff(base, normalize=normalize)
    expected = pprof_traces(report(name, index, normalize, "traces"))
    assert our_traces(d, index) == expected


def test_the_fixtures_cover_negative_values_and_one_sided_stacks():
    base, new = pair("mem")
    sides = new.diff(base).sides("alloc_space")
    assert (sides.delta < 0).any() and (sides.delta > 0).any()
    assert ((sides.base == 0) & (sides.new > 0)).any(), "a stack only in the new profile"
    assert ((sides.new == 0) & (sides.base > 0)).any(), "a stack only in the base"
    fields = new.diff(base).top("alloc_space", None).set_index("function")
    assert fields.loc["strings.Fields"].flat == -base.flat("^strings.Fields$", "alloc_space")
    goroutines = pair("goroutine")[1].diff(pair("goroutine")[0]).changes("goroutine")
    row = goroutines.set_index("function").loc["main.pollForever"]
    assert (row.base, row.new, row.delta) == (0, 5, 5)


def test_normalize_scales_the_new_profile_to_the_base_total():
    base, new = pair("cpu")
    d = new.diff(base, normalize=True)
    new_side = d.frame[~d.base_mask]
    # every sample rescaled by base/new total, rounded half away from zero as Go's math.Round
    assert abs(int(new_side.cpu.sum()) - base.total("cpu")) <= len(new_side)
    assert d.normalized and not new.diff(base).normalized


def test_go_round_is_half_away_from_zero():
    assert pdiff.go_round(np.array([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999])).tolist() == [
        1,
        2,
        3,
        -1,
        -3,
        2,
    ]


def test_a_profile_diffed_with_itself_is_all_zero():
    base, _ = pair("mem")
    d = base.diff(base)
    assert (d.top("alloc_space", None)[["flat", "cum"]] == 0).all().all()
    assert (d.sides("alloc_space").delta == 0).all()


def test_profiles_of_different_kinds_do_not_diff():
    mem, _ = pair("mem")
    cpu, _ = pair("cpu")
    with pytest.raises(UsageError, match="measure different things"):
        cpu.diff(mem)
    with pytest.raises(UsageError, match="must be a Profile"):
        cpu.diff(HERE / "cpu_before.pprof")


def test_the_diff_shows_itself():
    base, new = pair("mem")
    d = new.diff(base)
    assert "Profile diff" in d._repr_html_()
    assert repr(d).startswith("ProfileDiff(memory")
    assert d.FRAME_DOC["label_pprof::base"]
    assert set(d.frame["label_pprof::base"].dropna()) == {"true"}


@pytest.mark.parametrize("name", ["mem", "cpu"])
def test_functions_whose_changes_cancel_are_not_listed(name):
    """pprof's graph leaves out a node whose flat and cum are both 0 (selectNodesForGraph, in
    internal/graph): a profile diffed against itself lists no function, and no row of a diff's
    top has both 0."""
    base, new = pair(name)
    assert new.diff(new).top(n=None).empty
    top = new.diff(base).top(n=None)
    assert not ((top.flat == 0) & (top.cum == 0)).any()


@pytest.mark.live
def test_a_profile_diffed_against_itself_lists_nothing_in_the_tool_either():
    base, _ = pair("mem")
    text = gm.pprof.tool_text(base, "-top", "-diff_base", str(base.path)).text
    _, rows = pprof_top(text)
    assert rows == [] and base.diff(base).top(n=None).empty


@pytest.mark.live
def test_live_diff_equals_go_tool_pprof(tmp_path):
    """Two fresh recordings of the sample, compared by us and by the real tool."""
    before = gm.pprof.run("pprof", bench="Wasteful")
    after = gm.pprof.run("pprof", bench="Frugal")
    d = after.diff(before)
    for index in ("alloc_space", "alloc_objects"):
        text = gm.pprof.tool_text(
            after,
            "-top",
            "-unit=minimum" if index.endswith("objects") else "-unit=byte",
            "-nodecount=1000",
            f"-sample_index={index}",
            "-diff_base",
            str(gm.pprof.tools.profile_file(before)),
        ).text
        total, expected = pprof_top(text)
        assert d.total(index) == total
        ours = {row.function: (row.flat, row.cum) for row in d.top(index, None).itertuples()}
        for function, flat, _, cum, _ in expected:
            assert ours[function] == (flat, cum), function


def _mutated(data: bytes, pos: int, patch: bytes) -> bytes:
    pos %= len(data)
    return data[:pos] + patch + data[pos + len(patch) :]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pos=st.integers(0, 10_000), patch=st.binary(min_size=1, max_size=8))
def test_a_corrupt_side_is_a_parse_error_never_a_crash(pos, patch):
    """A mutated base either fails to load (ParseError) or diffs like any profile."""
    raw = __import__("gzip").decompress((HERE / "goroutine_before.pprof").read_bytes())
    try:
        base = gm.pprof.parse(_mutated(raw, pos, patch))
    except ParseError:
        return
    _, new = pair("goroutine")
    try:
        d = new.diff(base)
    except UsageError as exc:
        assert "diff:" in str(exc)
        return
    for index in d.sample_types:
        table = d.top(index, None)
        assert d.total(index) >= 0 and len(table) >= 0


@pytest.mark.parametrize("normalize", [False, True])
def test_changes_are_new_minus_base_per_function(normalize):
    """A function's cum in the diff is its cum in the new profile (rescaled with normalize)
    minus its cum in the base: the changes table holds all three."""
    base, new = pair("cpu")
    table = new.diff(base, normalize=normalize).changes("cpu", n=None)
    assert len(table) > 10 and (table.delta == table.new - table.base).all()
    assert table.delta.abs().is_monotonic_decreasing
    main = table.set_index("function").loc["main.countWasteful"]
    assert main.base == base.cum("^main.countWasteful$", "cpu") and main.new == 0
