"""Perf: warm `go build` of a sample through the toolchain layer vs the raw command."""

from __future__ import annotations

import subprocess

from perfkit import interleaved_medians, row

from gomemlab import programs, toolchain, workspace


def measure() -> list[dict]:
    package = workspace.sample("newmake")
    output = programs.binary_path(package)
    raw_argv = [str(toolchain.find_go().go), "build", "-o", str(output), package.pattern]
    env = toolchain.go_env()

    def raw() -> None:
        subprocess.run(raw_argv, cwd=package.module_dir, env=env, check=True)

    ours, theirs = interleaved_medians(lambda: programs.build(package), raw)
    ratio = ours / theirs
    return [
        row("warm build, raw `go build`", theirs, "s"),
        row("warm build, gm.build()", ours, "s"),
        row("warm build ratio gm/raw", ratio, "x", "<= 1.15", ratio <= 1.15),
    ]
