"""gm.run_32bit: a 32-bit build of a sample, run on this machine when it can run one."""

import platform
import sys

import pytest

import gomemlab as gm

pytestmark = pytest.mark.live


def test_a_32_bit_build_has_4_byte_words_or_says_it_cannot_run():
    done = gm.run_32bit("newmake", ["sizes"])
    runs_386 = sys.platform in ("linux", "win32") and platform.machine().lower() in (
        "x86_64",
        "amd64",
    )
    if not runs_386:
        assert done is None
        return
    rows = dict(line.split(",")[:2] for line in done.stdout.splitlines()[1:])
    assert (rows["*int"], rows["string"], rows["[]int"]) == ("4", "8", "12"), done.stdout


def test_a_library_is_refused_before_anything_is_built():
    with pytest.raises(gm.UsageError, match="library"):
        gm.run_32bit(gm.snippet("package lib\n\nfunc F() {}\n"))
