"""Predict what an older Go release does, then let that release answer."""

from __future__ import annotations

from .. import checks, validate
from .result import ReleaseMatrix
from .run import BEHAVIOUR_KEYS, measure


@checks.exercise
def check_prediction(behaviour: str, release: str, predicted: str, *,
                     matrix: ReleaseMatrix | None = None) -> checks.Verdict:
    """Compare your `predicted` value of `behaviour` on `release` with what that release
    does, e.g. check_prediction("loopvar.printed", "1.21", "333").

    The answer comes from `matrix` when it measured `release` (a matrix you ran live in this
    session), else from a fresh run of the probe on that release (installing it if needed)."""
    behaviour = validate.choice(behaviour, BEHAVIOUR_KEYS, "behaviour")
    predicted = validate.text(predicted, "predicted").strip()
    release = validate.text(release, "release").strip().removeprefix("go")
    if matrix is None or not any(release in (r.release, r.series) for r in matrix.rows):
        matrix = measure([release], benchtime="100x", progress=False)
    got = matrix.value(behaviour, release)
    rows = matrix.frame[(matrix.frame.behaviour == behaviour)
                        & ((matrix.frame.release == release) | (matrix.frame.series == release))]
    row = rows.iloc[0]
    why = row.why
    if got == predicted:
        return checks.Verdict.solved(f"Go {row.release} says {got!r}, as you predicted. {why}",
                                     value=got, release=row.release)
    return checks.Verdict.not_yet(f"you predicted {predicted!r}, but Go {row.release} says "
                                  f"{got!r}. {why}", value=got, release=row.release)
