"""Go across releases: the behaviours that changed from Go 1.21 to 1.27, measured live.

m = gm.releases.run()                     # each release in versions.SERIES (quick: 3)
m                                         # the matrix: behaviour × release, ✔ / ✘
m.frame, m.provenance.shell               # one row per release × behaviour; the command
m.plot(kind="metric", behaviours=["map.no_hint.bytes"])   # one metric across releases
gm.releases.source_facts(gm.releases.toolchains())   # what each release's sources say
gm.releases.exercises.check_prediction("make_var.escape", "1.22", "escapes to heap")
"""

from __future__ import annotations

from . import exercises
from .facts import FACTS, SourceFact, source_facts
from .history import expect_history
from .parse import first_error, parse_probe
from .result import FRAME_DOC, MATRIX_PLOT_KINDS, MatrixRow, ReleaseMatrix
from .run import (
    BEHAVIOUR_KEYS,
    BEHAVIOURS,
    NOT_AVAILABLE,
    Behaviour,
    default_series,
    disk_bytes,
    measure,
    measure_release,
    run,
    sample,
    toolchains,
)

__all__ = [
    "BEHAVIOURS",
    "BEHAVIOUR_KEYS",
    "FACTS",
    "FRAME_DOC",
    "MATRIX_PLOT_KINDS",
    "NOT_AVAILABLE",
    "Behaviour",
    "MatrixRow",
    "ReleaseMatrix",
    "SourceFact",
    "default_series",
    "disk_bytes",
    "exercises",
    "expect_history",
    "first_error",
    "measure",
    "measure_release",
    "parse_probe",
    "run",
    "sample",
    "source_facts",
    "toolchains",
]
