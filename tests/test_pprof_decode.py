"""The pprof decoder on recorded profiles, cross-checked against `go tool pprof` -top and -raw
output recorded from the same files (tests/fixtures/pprof/README.md), plus malformed input."""

from __future__ import annotations

import gzip
import importlib
import re
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.pprof import _wire as wire

HERE = Path(__file__).parent / "fixtures" / "pprof"
MEMORY = ["mem", "mem_rate1", "bench_mem"]
MEMORY_INDEXES = ["alloc_space", "alloc_objects", "inuse_space", "inuse_objects"]
TOP_ROW = re.compile(
    r"^\s*(-?[\d.]+)\S*\s+([-\d.e+]+)%\s+([-\d.e+]+)%\s+(-?[\d.]+)\S*\s+"
    r"([-\d.e+]+)%\s+(.+?)\s*$"
)


def load(name: str) -> gm.pprof.Profile:
    return gm.pprof.load(HERE / f"{name}.pprof")


def pprof_top(text: str) -> tuple[int, list[tuple[str, int, float, int, float]]]:
    """(total, rows of name, flat, flat%, cum, cum%) from `go tool pprof -top -unit=...`."""
    total = int(re.search(r"of (\d+)\S* total", text).group(1))
    rows = []
    started = False
    for line in text.splitlines():
        if line.strip().startswith("flat"):
            started = True
            continue
        if started and (m := TOP_ROW.match(line)):
            rows.append(
                (
                    m.group(6),
                    int(float(m.group(1))),
                    float(m.group(2)),
                    int(float(m.group(4))),
                    float(m.group(5)),
                )
            )
    return total, rows


def pprof_raw(text: str) -> tuple[Counter, dict[int, list[tuple[str, int]]]]:
    """Samples (values, location ids, labels) and locations' (function, line) from -raw."""
    samples: Counter = Counter()
    locations: dict[int, list[tuple[str, int]]] = {}
    section = ""
    last = None
    current_loc = None
    for line in text.splitlines():
        if line in ("Samples:", "Locations", "Mappings"):
            section = line
            continue
        if section == "Samples:":
            if m := re.match(r"^\s+(-?\d+(?:\s+-?\d+)*): ([\d ]+)$", line):
                if last:
                    samples[last] += 1
                last = (
                    tuple(int(v) for v in m.group(1).split()),
                    tuple(int(v) for v in m.group(2).split()),
                    (),
                )
            elif m := re.match(r"^\s+(\w+):\[(.*)\]$", line):
                last = (*last[:2], last[2] + ((m.group(1), m.group(2)),))
        elif section == "Locations":
            if m := re.match(
                r"^\s*(\d+): 0x[0-9a-f]+ M=\d+ (.*) \S+:(\d+):\d+ s=\d+(?:\(.*\))?$", line
            ):
                current_loc = int(m.group(1))
                locations[current_loc] = [(m.group(2), int(m.group(3)))]
            elif m := re.match(r"^\s+(.*) \S+:(\d+):\d+ s=\d+(?:\(.*\))?$", line):
                locations[current_loc].append((m.group(1), int(m.group(2))))
    if last:
        samples[last] += 1
    return samples, locations


@pytest.mark.parametrize("name", MEMORY)
def test_memory_profiles_decode(name):
    p = load(name)
    assert p.kind == "memory"
    assert p.sample_types == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]
    assert p.units == {
        "alloc_objects": "count",
        "alloc_space": "bytes",
        "inuse_objects": "count",
        "inuse_space": "bytes",
    }
    assert p.default_index == "alloc_space"
    assert p.period == (1 if name == "mem_rate1" else 512 * 1024)
    frame = p.frame
    assert len(frame) == len(p) > 0
    assert {"callstack", "lines", "leaf", "leaf_line", "depth", "label_bytes"} <= set(frame.columns)
    assert (frame.depth == frame.callstack.map(len)).all()
    assert frame.attrs["units"]["alloc_space"] == "bytes"


def test_cpu_profile_decodes():
    p = load("cpu")
    assert p.kind == "cpu" and p.sample_types == ["samples", "cpu"]
    assert p.units == {"samples": "count", "cpu": "nanoseconds"}
    assert p.period == 10_000_000  # 100 Hz
    assert p.duration_s > 0.1
    assert (p.frame.cpu == p.frame.samples * p.period).all()


@pytest.mark.parametrize(
    ("name", "index"),
    [(n, i) for n in MEMORY for i in MEMORY_INDEXES] + [("cpu", "cpu"), ("cpu", "samples")],
)
def test_top_equals_go_tool_pprof_top(name, index):
    total, expected = pprof_top((HERE / f"{name}.{index}.top.txt").read_text())
    p = load(name)
    assert p.total(index) == total
    ours = p.top(index, None)
    by_name = {row.function: row for row in ours.itertuples()}
    for function, flat, flat_pct, cum, cum_pct in expected:
        row = by_name[function]
        assert (row.flat, row.cum) == (flat, cum), function
        # pprof prints 2 decimals, and "100%" for anything above 99.95%
        assert abs(row.flat_pct - flat_pct) < 0.05 and abs(row.cum_pct - cum_pct) < 0.05
    names = [f for f, *_ in expected]
    assert [f for f in ours.function if f in names] == names  # same order (flat, then name)


@pytest.mark.parametrize("name", [*MEMORY, "cpu"])
def test_samples_and_locations_equal_go_tool_pprof_raw(name):
    samples, locations = pprof_raw((HERE / f"{name}.raw.txt").read_text())
    p = load(name)
    ours = Counter(
        (
            s.values,
            s.location_ids,
            tuple((lb.key, str(lb.number) if not lb.text else lb.text) for lb in s.labels),
        )
        for s in p.decoded.samples
    )
    assert ours == samples
    # pprof's display heuristic for C++-looking names drops "()" from generic shape names
    # ("sync.OnceValue[go.shape.interface { Error() string }]"); the file keeps them.
    assert {
        lid: [(ln.function.name.replace("()", ""), ln.line) for ln in loc.lines]
        for lid, loc in p.decoded.locations.items()
    } == locations


def test_flat_and_cum_of_the_hot_spot():
    p = load("mem")
    # The wasteful counting allocates through strings.Fields and strings.ToLower, never itself.
    assert p.flat("^main.countWasteful$") == 0
    assert p.cum("^main.countWasteful$") == p.cum("strings.Fields") + p.cum("strings.ToLower")
    assert p.expect_hot_spot("countWasteful", at_least_pct=40).share_pct("countWasteful") > 40
    with pytest.raises(AssertionError, match=r"countFrugal accounts for 0\.0%"):
        p.expect_hot_spot("countFrugal", at_least_pct=1)
    with pytest.raises(AssertionError, match="still in the profile"):
        p.expect_absent("strings.Fields")
    p.expect_absent("countFrugal")


def test_rate_one_records_every_large_allocation():
    p = load("mem_rate1")
    # 20000 lines x 2 rounds: one []string per line from strings.Fields, exactly.
    assert p.flat("^strings.Fields$", "alloc_objects") == 40_000
    # The tiny allocator packs small pointer-free strings into 16-byte blocks; only a new
    # block reaches the profiler, so ToLower's results are counted per block.
    lower = p.frame[p.frame.callstack.map(lambda s: "strings.ToLower" in s)]
    assert set(lower.label_bytes) == {16}


def test_top_by_line_and_sorting():
    p = load("mem")
    lines = p.top("alloc_space", 5, by="line")
    assert lines.function.str.contains(r"strings.Fields strings/strings.go:\d+").any()
    by_cum = p.top("alloc_space", 3, sort="cum")
    assert list(by_cum.cum) == sorted(by_cum.cum, reverse=True)
    assert by_cum.function.iloc[0] in ("main.main", "runtime.main")
    with pytest.raises(gm.UsageError, match="no sample type"):
        p.top("cpu")
    with pytest.raises(gm.UsageError, match="by must be"):
        p.top(by="file")
    with pytest.raises(gm.UsageError, match="not a valid regular expression"):
        p.cum("(strings")
    with pytest.raises(gm.UsageError, match="n must be a whole number"):
        p.top(n="all")
    with pytest.raises(gm.UsageError, match=r"use gm\.pprof\.parse"):
        gm.pprof.load(b"\x1f\x8b")


def test_summary_and_html():
    p = load("mem")
    s = p.summary()
    assert s.attrs["kind"] == "memory" and s.attrs["n_samples"] == len(p)
    assert set(s.sample_type) == set(MEMORY_INDEXES)
    assert dict(zip(s.sample_type, s.total, strict=True)) == {i: p.total(i) for i in MEMORY_INDEXES}
    html = p._repr_html_()
    assert "strings.Fields" in html and "alloc_space" in html and "512kB" in html


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (55060320, "bytes", "52.51MB"),
        (512, "bytes", "512B"),
        (524288, "bytes", "512kB"),
        (370_000_000, "nanoseconds", "370ms"),
        (1_015_823, "count", "1,015,823"),
    ],
)
def test_format_value_like_pprof(value, unit, text):
    assert gm.pprof.format_value(value, unit) == text


# --- hand-built messages: the parts of the format the recorded files do not exercise ------


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number: int, value: int | bytes) -> bytes:
    if isinstance(value, bytes):
        return varint(number << 3 | 2) + varint(len(value)) + value
    return varint(number << 3) + varint(value)


def build_profile(*, packed: bool = True) -> bytes:
    strings = [
        "",
        "objects",
        "count",
        "space",
        "bytes",
        "leaf",
        "root",
        "x.go",
        "size",
        "kind",
        "big",
    ]
    ints = (
        (lambda n, values: field(n, b"".join(varint(v) for v in values)))
        if packed
        else (lambda n, values: b"".join(field(n, v) for v in values))
    )
    msg = b"".join(field(6, s.encode()) for s in strings)
    msg += field(1, field(1, 1) + field(2, 2)) + field(1, field(1, 3) + field(2, 4))
    msg += field(5, field(1, 1) + field(2, 5) + field(4, 7))
    msg += field(5, field(1, 2) + field(2, 6) + field(4, 7))
    msg += field(4, field(1, 10) + field(4, field(1, 1) + field(2, 3)))
    msg += field(4, field(1, 11) + field(4, field(1, 2) + field(2, 9)))
    msg += field(4, field(1, 12) + field(3, 0x1234))  # no lines: only an address
    label = field(3, field(1, 8) + field(3, 48) + field(4, 4)) + field(
        3, field(1, 9) + field(2, 10)
    )
    msg += field(2, ints(1, [10, 11, 11]) + ints(2, [2, -96]) + label)
    msg += field(2, ints(1, [12]) + ints(2, [1, 7]))
    msg += field(11, field(1, 3) + field(2, 4)) + field(12, 512) + field(14, 3)
    return msg


@pytest.mark.parametrize("packed", [True, False])
def test_hand_built_profile_packed_or_not(packed):
    p = gm.pprof.parse(gzip.compress(build_profile(packed=packed)))
    assert p.sample_types == ["objects", "space"] and p.default_index == "space"
    first, _ = p.decoded.samples
    assert first.values == (2, -96)  # int64 values may be negative (e.g. diff profiles)
    assert first.labels == (
        gm.pprof.Label("size", number=48, unit="bytes"),
        gm.pprof.Label("kind", text="big"),
    )
    assert p.frame.callstack[0] == ("leaf", "root", "root")  # recursion: root calls itself
    assert p.frame.callstack[1] == ("0x1234",)
    top = p.top("objects", None)
    assert dict(zip(top.function, top.cum, strict=True)) == {"leaf": 2, "root": 2, "0x1234": 1}
    assert p.frame.label_size[0] == 48 and p.frame.label_kind[0] == "big"


def test_uncompressed_protobuf_is_accepted():
    assert len(gm.pprof.parse(build_profile())) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt or truncated gzip"),
        (b"heap profile: 1: 2 [3: 4] @ heap/1048576\n", "text profile"),
        (field(6, b"x"), "string table"),
        (field(6, b""), "no sample types"),
        (b"\x0a\xff\xff\xff\xff\x0f", "claims"),
        (b"\x08" + b"\xff" * 12, "varint longer"),
        (b"\x0b", "wire type 3"),
        (field(6, b"") + field(1, field(1, 5)), "string 5"),
        (field(6, b"") + field(1, b"") + field(2, field(1, 7) + field(2, 1)), "location 7"),
        (field(6, b"") + field(1, b"") + field(2, field(2, 1) + field(2, 2)), "2 values"),
        (
            field(6, b"") + field(1, b"") + field(4, field(1, 1) + field(4, field(1, 3))),
            "function 3",
        ),
    ],
)
def test_malformed_input_is_a_clear_parse_error(data, message):
    with pytest.raises(gm.ParseError, match=message):
        gm.pprof.parse(data)


def test_truncated_file_is_a_parse_error():
    data = (HERE / "mem.pprof").read_bytes()
    for cut in (1, 10, len(data) // 2, len(data) - 1):
        with pytest.raises(gm.ParseError):
            gm.pprof.parse(data[:cut])


def test_missing_file_is_a_parse_error(tmp_path):
    with pytest.raises(gm.ParseError, match="cannot read profile"):
        gm.pprof.load(tmp_path / "nope.pprof")
    (tmp_path / "bad.pprof").write_bytes(b"\x1f\x8b\x08")
    with pytest.raises(gm.ParseError, match=r"bad\.pprof"):
        gm.pprof.load(tmp_path / "bad.pprof")


def _total(data: bytes) -> None:
    try:
        p = gm.pprof.parse(data)
    except gm.ParseError:
        return
    p.frame  # noqa: B018 - a decoded profile must also tabulate
    p.top(n=5)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_garbage_never_crashes(data):
    _total(data)


RAW = gzip.decompress((HERE / "mem.pprof").read_bytes())


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(RAW) - 1), st.binary(min_size=1, max_size=4), st.integers(0, len(RAW)))
@example(pos=1800, patch=b"\x00\x00p\x01", cut=0)  # default_sample_type -> "space": not a type
def test_mutated_profiles_never_crash(pos, patch, cut):
    mutated = RAW[:pos] + patch + RAW[pos + len(patch) :]
    _total(mutated[:cut])
    _total(gzip.compress(mutated))


def test_wire_reader_reads_int64_and_packed_values():
    assert wire.as_int64(2**64 - 1) == -1
    data = varint(300) + varint(1)
    assert wire.packed_varints(data, (0, len(data))) == [300, 1]
    assert wire.packed_varints(b"\x01\x02", (0, 2)) == [1, 2]


# --- two readers, one result -------------------------------------------------------------


@pytest.mark.parametrize("name", [*MEMORY, "cpu"])
def test_the_fast_and_the_reference_reader_agree(name):
    parse = importlib.import_module("gomemlab.pprof.parse")  # the module, not gm.pprof.parse
    raw = parse.decompress((HERE / f"{name}.pprof").read_bytes())
    if parse._proto.classes() is None:
        pytest.skip("the protobuf package is not installed: only the reference reader runs")
    fast, ref = parse._decode_fast(parse._proto.classes(), raw), parse._decode_reference(raw)
    for column in ("stack_ids", "stack_starts", "values"):
        assert (getattr(fast, column) == getattr(ref, column)).all(), column
    assert fast.samples == ref.samples and fast.label_rows == ref.label_rows
    for name_ in (
        "sample_types",
        "mappings",
        "period_type",
        "period",
        "time_nanos",
        "duration_nanos",
        "comments",
        "default_sample_type",
    ):
        assert getattr(fast, name_) == getattr(ref, name_), name_
    assert dict(fast.locations) == dict(ref.locations)


def test_without_protobuf_the_reference_reader_decodes(monkeypatch):
    from gomemlab.pprof import _proto

    expected = load("mem").top("alloc_space", None)
    monkeypatch.setattr(_proto, "classes", lambda: None)
    again = load("mem").top("alloc_space", None)
    assert again.equals(expected)
    with pytest.raises(gm.ParseError, match="claims"):
        gm.pprof.parse(b"\x0a\xff\xff\xff\xff\x0f")


def test_sentinel_values_in_a_real_profile_still_decode():
    # The fast reader marks sample ends with a location id 2**64-1 and a value -2**63; a
    # profile that holds those values itself goes to the reference reader.
    msg = (
        field(6, b"")
        + field(6, b"n")
        + field(1, field(1, 1) + field(2, 1))
        + field(4, field(1, 2**64 - 1))
        + field(2, field(1, 2**64 - 1) + field(2, -(2**63)))
    )
    p = gm.pprof.parse(msg)
    assert p.decoded.samples[0].location_ids == (2**64 - 1,)
    assert p.decoded.samples[0].values == (-(2**63),)


# --- bounded decompression (issue 9.8: a 2 MB gzip bomb took 18 s and 4.1 GB) -------------


def _bomb(size: int) -> bytes:
    """gzip data that unpacks to `size` zero bytes (about 4.5 KB per MiB)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(size >> 20)) + packer.flush()


def test_decompression_stops_at_the_cap():
    with pytest.raises(gm.ParseError, match=r"more than 4,194,304 bytes.*gzip bomb"):
        gm.pprof.decode(_bomb(16 << 20), limit=4 << 20)
    assert len(gm.pprof.decompress(_bomb(2 << 20), limit=4 << 20)) == 2 << 20


BOMB_CHILD = r"""
import resource, sys, time
from gomemlab import errors
import gomemlab.pprof
parse = sys.modules["gomemlab.pprof.parse"]
data = open(sys.argv[1], "rb").read()
with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) for line in status if line.startswith("VmSize")) * 1024
room = parse.MAX_PROFILE_BYTES + (64 << 20)
resource.setrlimit(resource.RLIMIT_AS, (size + room, size + room))
started = time.perf_counter()
try:
    parse.decode(data)
except errors.ParseError as error:
    print(f"{time.perf_counter() - started:.2f}", error)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_gzip_bomb_is_a_parse_error_within_bounded_memory(tmp_path):
    # 1 GiB of zeros in ~4.6 MB of gzip (the cap is 256 MiB). Under an address-space limit
    # of the cap plus 64 MiB above what the process already has, the decoder must end with
    # its ParseError (a MemoryError or a kill would mean it kept more than the cap).
    bomb = tmp_path / "bomb.pprof"
    bomb.write_bytes(_bomb(1 << 30))
    done = subprocess.run(
        [sys.executable, "-c", BOMB_CHILD, str(bomb)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    _seconds, message = done.stdout.split(" ", 1)  # the time: a figure of `make perf`
    assert "gzip bomb" in message and "268,435,456" in message


def _same(fast, ref) -> bool:
    return (
        all(
            (getattr(fast, c) == getattr(ref, c)).all()
            for c in ("stack_ids", "stack_starts", "values")
        )
        and fast.label_rows == ref.label_rows
        and dict(fast.locations) == dict(ref.locations)
        and dict(fast.functions) == dict(ref.functions)
        and (
            fast.sample_types,
            fast.mappings,
            fast.period_type,
            fast.period,
            fast.comments,
            fast.default_sample_type,
            fast.drop_frames,
            fast.keep_frames,
        )
        == (
            ref.sample_types,
            ref.mappings,
            ref.period_type,
            ref.period,
            ref.comments,
            ref.default_sample_type,
            ref.drop_frames,
            ref.keep_frames,
        )
    )


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(RAW) - 1), st.binary(min_size=1, max_size=4), st.integers(0, len(RAW)))
@example(pos=823, patch=b"\x87\xc45", cut=0)  # a mapping limit in a 10-byte varint: low 64 bits
def test_what_the_fast_reader_accepts_the_reference_reader_reads_alike(pos, patch, cut):
    parse = importlib.import_module("gomemlab.pprof.parse")
    classes = parse._proto.classes()
    if classes is None:
        pytest.skip("the protobuf package is not installed")
    for data in (RAW[:pos] + patch + RAW[pos + len(patch) :])[: cut or None], RAW[:cut]:
        try:
            fast = parse._decode_fast(classes, data)
        except parse._Doubtful:
            continue  # decode() hands these to the reference reader
        assert _same(fast, parse._decode_reference(data))
