"""The toolchain's default experiments, read from its exp.go, agree with what a build gets."""

from __future__ import annotations

import pytest

import gomemlab as gm
from gomemlab import experiments

WHICH = {
    "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(collector) }\n',
    "on.go": (
        '//go:build goexperiment.greenteagc\n\npackage main\n\nconst collector = "greentea"\n'
    ),
    "off.go": (
        '//go:build !goexperiment.greenteagc\n\npackage main\n\nconst collector = "classic"\n'
    ),
}


@pytest.mark.live
def test_the_pinned_toolchain_defaults():
    flags = experiments.baseline()
    assert flags["GreenTeaGC"] and flags["SizeSpecializedMalloc"]
    assert experiments.enabled("GreenTeaGC", goexperiment="")
    assert not experiments.enabled("GreenTeaGC", goexperiment="nogreenteagc")
    assert "Green Tea" in gm.about()


@pytest.mark.live
@pytest.mark.parametrize("setting, expected", [("", "greentea"), ("nogreenteagc", "classic")])
def test_a_build_gets_the_collector_the_lab_names(monkeypatch, setting, expected):
    monkeypatch.setenv("GOEXPERIMENT", setting)
    assert experiments.enabled("GreenTeaGC") == (expected == "greentea")
    assert gm.run(gm.snippet(WHICH)).stdout.strip() == expected


@pytest.mark.live
def test_goexperiment_builds_its_own_binary():
    default = gm.build(gm.snippet(WHICH))
    classic = gm.build(gm.snippet(WHICH), goexperiment="nogreenteagc")
    assert default != classic
    assert gm.run(gm.snippet(WHICH), goexperiment="nogreenteagc").stdout.strip() == "classic"
    assert gm.run(gm.snippet(WHICH)).stdout.strip() == "greentea"
    with pytest.raises(gm.UsageError, match="goexperiment"):
        gm.build(gm.snippet(WHICH), goexperiment="no green; tea")
