"""What copying a value costs: the valuesem sample's `cost` section, tabled and plotted.

    cost = gm.valuesem.run()           # runs gosamples/valuesem (section `cost`) -> CopyCost
    cost.summary(), cost.frame, cost.plot()
    cost.expect_value_slower(32768, at_least=10)
    valuesem.exercises.check_wallet(source)   # notebook 02's self-checks: Verdicts

The Go program passes arrays of 8 B to 32 KiB to a non-inlined function, once by value and once
by pointer, timed with `testing.Benchmark`, and prints CSV (`parse_copy_cost` reads it).
"""

from . import exercises
from .parse import HEADER, PASSED, parse_copy_cost
from .plots import copy_cost as plot_copy_cost
from .result import FRAME_DOC, CopyCost
from .run import copy_cost, instructions_at, run

__all__ = [
    "FRAME_DOC",
    "HEADER",
    "PASSED",
    "CopyCost",
    "copy_cost",
    "exercises",
    "instructions_at",
    "parse_copy_cost",
    "plot_copy_cost",
    "run",
]
