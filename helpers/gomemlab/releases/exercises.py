"""Predict what an older Go release does, then let that release answer."""

from __future__ import annotations

from .. import checks, validate
from .result import ReleaseMatrix
from .run import BEHAVIOUR_KEYS, BEHAVIOURS, run

PLACEHOLDER = "..."
"""What an exercise cell starts with in place of a prediction."""
CHAPTER = "10 Go releases"
"""The chapter these exercises end (shown by `gm.progress()`)."""
NOTEBOOK_EXERCISES = {("make_var.escape", "1.21"): 1, ("append4_returned.allocs", "1.24"): 2}
"""The predictions notebook 10 asks for, by (behaviour, release): their exercise numbers."""


def _same_kind(predicted: str, options: tuple[str, ...]) -> bool:
    """Whether `predicted` is a value of the kind the row takes, though no release shows it
    (a count such as "0" where releases show "3" and "1"): a fair prediction, just wrong."""
    return predicted.isdecimal() and all(o.isdecimal() for o in options)


def _title(behaviour: str, release: str, *_args: object, **_kwargs: object) -> str:
    """ "exercise 2: append4_returned.allocs on Go 1.24" (any other pair: "prediction: …")."""
    release = str(release).strip().removeprefix("go")
    number = NOTEBOOK_EXERCISES.get((behaviour, release))
    what = f"{behaviour} on Go {release}"
    return f"exercise {number}: {what}" if number else f"prediction: {what}"


def _unanswered(behaviour: object, _release: object, predicted: object, *_a, **_k) -> str:
    """What to do while the cell still holds its placeholder (and the values to choose from)."""
    if not (isinstance(predicted, str) and predicted.strip() in ("", PLACEHOLDER)):
        return ""
    options = choices(behaviour) if behaviour in BEHAVIOUR_KEYS else ()
    among = f" (one of {', '.join(repr(o) for o in options)})" if options else ""
    return f"write your prediction in place of {PLACEHOLDER!r}{among}, then run the cell"


def _as_text(predicted: str | int) -> str:
    """A prediction as the matrix writes values: 3 and "3" alike."""
    if isinstance(predicted, int) and not isinstance(predicted, bool):
        return str(predicted)
    return validate.text(predicted, "predicted").strip()


def choices(behaviour: str) -> tuple[str, ...]:
    """The values the release notes predict for `behaviour` across Go 1.21-1.27 (empty when
    they predict none), in the order the releases reach them."""
    found = next(b for b in BEHAVIOURS if b.key == behaviour)
    if found.expect is None:
        return ()
    return tuple(dict.fromkeys(found.expect(minor) for minor in range(21, 28)))


@checks.exercise(title=_title, untried=_unanswered)
def check_prediction(
    behaviour: str, release: str, predicted: str | int, *, matrix: ReleaseMatrix | None = None
) -> checks.Verdict:
    """Compare your `predicted` value of `behaviour` on `release` with what that release
    does, e.g. check_prediction("loopvar.printed", "1.21", "333").

    The answer comes from `matrix` when it measured `release` (a matrix you ran live in this
    session), else from a fresh run of the probe on that release (installing it if needed)."""
    behaviour = validate.choice(behaviour, BEHAVIOUR_KEYS, "behaviour")
    predicted = _as_text(predicted)
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
    unknown = (
        " That is not a value this row takes."
        if options and predicted not in options and not _same_kind(predicted, options)
        else ""
    )
    return checks.Verdict.not_yet(
        f"Go {row.release} does not say {predicted!r}{among}.{unknown} "
        f"Which release changed “{row.title}”?",
        release=row.release,
    )
