"""Predict what an older Go release does, then let that release answer."""

from __future__ import annotations

from .. import checks, validate
from .result import ReleaseMatrix
from .run import BEHAVIOUR_KEYS, BEHAVIOURS, run

PLACEHOLDER = "..."
"""What an exercise cell starts with in place of a prediction."""


def choices(behaviour: str) -> tuple[str, ...]:
    """The values the release notes predict for `behaviour` across Go 1.21-1.27 (empty when
    they predict none), in the order the releases reach them."""
    found = next(b for b in BEHAVIOURS if b.key == behaviour)
    if found.expect is None:
        return ()
    return tuple(dict.fromkeys(found.expect(minor) for minor in range(21, 28)))


@checks.exercise
def check_prediction(
    behaviour: str, release: str, predicted: str, *, matrix: ReleaseMatrix | None = None
) -> checks.Verdict:
    """Compare your `predicted` value of `behaviour` on `release` with what that release
    does, e.g. check_prediction("loopvar.printed", "1.21", "333").

    The answer comes from `matrix` when it measured `release` (a matrix you ran live in this
    session), else from a fresh run of the probe on that release (installing it if needed)."""
    behaviour = validate.choice(behaviour, BEHAVIOUR_KEYS, "behaviour")
    predicted = validate.text(predicted, "predicted").strip()
    release = validate.text(release, "release").strip().removeprefix("go")
    if matrix is None or not any(release in (r.release, r.series) for r in matrix.rows):
        matrix = run([release], benchtime="100x", progress=False)
    got = matrix.value(behaviour, release)
    rows = matrix.frame[
        (matrix.frame.behaviour == behaviour)
        & ((matrix.frame.release == release) | (matrix.frame.series == release))
    ]
    row = rows.iloc[0]
    why = row.why
    if got == predicted:
        return checks.Verdict.solved(
            f"Go {row.release} says {got!r}, as you predicted. {why}",
            value=got,
            release=row.release,
        )
    # not yet: say why without giving the answer away (no measured value, no release note)
    options = choices(behaviour)
    among = f" (one of {', '.join(repr(o) for o in options)})" if options else ""
    if predicted in ("", PLACEHOLDER):
        return checks.Verdict.not_yet(
            f"write your prediction in place of {PLACEHOLDER!r}{among}", release=row.release
        )
    unknown = " That is not a value this row takes." if options and predicted not in options else ""
    return checks.Verdict.not_yet(
        f"Go {row.release} does not say {predicted!r}{among}.{unknown} "
        f"Which release changed “{row.title}”?",
        release=row.release,
    )
