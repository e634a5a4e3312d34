"""Notebook 01's self-checks: a learner's Go, compiled with hidden Go tests, as Verdicts.

    from gomemlab.newmake import exercises
    exercises.check_stock(exercise_1)          # ✔ solved / ✘ not yet: the reason
    exercises.check_with_tests(source, tests)  # any solution.go against a solution_test.go

The sample itself (gosamples/newmake) is run with `gm.run("newmake", [section])`.
"""

from . import exercises

__all__ = ["exercises"]
