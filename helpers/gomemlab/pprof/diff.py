"""Two profiles compared, the way `go tool pprof -diff_base BASE NEW` (and `-normalize`)
compares them: pure, nothing here starts a process.

pprof (github.com/google/pprof, internal/driver/fetch.go) labels every base sample
`pprof::base=true`; with `-normalize` it scales each of NEW's sample values by
sum(BASE) / sum(NEW) of that sample type, rounding half away from zero (profile.ScaleN) and
dropping samples that become all zero; it then negates BASE and merges the two. Reports take
their percentages of the base's total (report.computeTotal: the absolute values of the samples
labelled as base). `merge_for_diff` builds the same merged profile as columns; `ProfileDiff`
(in result.py) is a `Profile` of it, so top(), value(), frame and the plots read it as pprof
does.
"""

from __future__ import annotations

import numpy as np

from ..errors import UsageError
from .parse import Decoded
from .records import Location

BASE_LABEL = "pprof::base"
"""The label `go tool pprof -diff_base` gives the (negated) base profile's samples."""


def _check_compatible(new: Decoded, base: Decoded) -> None:
    """pprof's profile.compatible: the same sample types (type and unit) and period type."""
    if new.sample_types != base.sample_types:
        raise UsageError(
            "diff: the two profiles measure different things: new has "
            f"{', '.join(f'{v.type}/{v.unit}' for v in new.sample_types)}, base has "
            f"{', '.join(f'{v.type}/{v.unit}' for v in base.sample_types)}; compare two heap "
            "profiles, or two CPU profiles"
        )
    if new.period_type != base.period_type:
        raise UsageError(
            f"diff: the profiles' period types differ ({new.period_type} vs "
            f"{base.period_type}); compare profiles of the same kind"
        )


def go_round(values: np.ndarray) -> np.ndarray:
    """Go's math.Round (half away from zero) of float64 values, as int64."""
    return (np.sign(values) * np.floor(np.abs(values) + 0.5)).astype(np.int64)


def normalized_values(new: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NEW's values scaled as `-normalize` scales them (profile.Normalize, then ScaleN), and a
    mask of the samples pprof keeps (some rescaled value non-zero)."""
    base_sums = [sum(col) for col in base.T.tolist()] if len(base) else [0] * new.shape[1]
    new_sums = [sum(col) for col in new.T.tolist()] if len(new) else [0] * new.shape[1]
    ratios = np.array(
        [float(b) / float(s) if s else 0.0 for b, s in zip(base_sums, new_sums, strict=True)],
        dtype=np.float64,
    )
    changed = ratios != 1.0
    if not changed.any():
        return new, np.ones(len(new), dtype=bool)
    scaled = new.copy()
    scaled[:, changed] = go_round(new[:, changed].astype(np.float64) * ratios[changed])
    keep = (scaled[:, changed] != 0).any(axis=1)
    return scaled, keep


def merge_for_diff(new: Decoded, base: Decoded, *, normalize: bool = False) -> Decoded:
    """The profile `go tool pprof -diff_base` reports on: NEW's samples (rescaled with
    `normalize`) followed by BASE's, negated and labelled `pprof::base=true`; samples whose
    values are all zero are dropped (profile.Merge)."""
    _check_compatible(new, base)
    new_values = new.values.astype(np.int64)
    keep_new = np.ones(len(new), dtype=bool)
    if normalize:
        new_values, keep_new = normalized_values(new_values, base.values.astype(np.int64))
    keep_new &= (new_values != 0).any(axis=1) if len(new) else keep_new
    base_values = -base.values.astype(np.int64)
    keep_base = (base_values != 0).any(axis=1) if len(base) else np.ones(0, dtype=bool)

    location_shift = max(new.locations, default=0)
    function_shift = max(new.functions, default=0)
    mapping_shift = max((m.id for m in new.mappings), default=0)
    functions = dict(new.functions)
    moved_function = {}
    for fid, fn in base.functions.items():
        moved_function[fid] = functions[fid + function_shift] = type(fn)(
            fid + function_shift, fn.name, fn.system_name, fn.filename, fn.start_line
        )
    locations = dict(new.locations)
    for lid, loc in base.locations.items():
        locations[lid + location_shift] = Location(
            lid + location_shift,
            loc.mapping_id + mapping_shift if loc.mapping_id else 0,
            loc.address,
            tuple(
                type(line)(
                    moved_function[line.function.id] if line.function else None,
                    line.line,
                    line.column,
                )
                for line in loc.lines
            ),
            loc.is_folded,
        )
    mappings = new.mappings + tuple(
        type(m)(m.id + mapping_shift, m.start, m.limit, m.offset, m.filename, m.build_id)
        for m in base.mappings
    )

    new_stacks, new_starts = kept_stacks(new, keep_new, 0)
    base_stacks, base_starts = kept_stacks(base, keep_base, location_shift)
    stack_starts = np.concatenate([new_starts, base_starts[1:] + new_starts[-1]])
    stack_ids = np.concatenate([new_stacks, base_stacks]).astype(np.uint64)
    values = np.concatenate([new_values[keep_new], base_values[keep_base]]).reshape(
        -1, len(new.sample_types)
    )

    strings = new.strings + base.strings + (BASE_LABEL, "true")
    key, true = len(strings) - 2, len(strings) - 1
    n_new = int(keep_new.sum())
    n_base = int(keep_base.sum())
    base_label = np.zeros((n_base, 5), dtype=np.int64)  # sample, key, text, number, unit
    base_label[:, 0] = np.arange(n_new, n_new + n_base)
    base_label[:, 1], base_label[:, 2] = key, true
    label_rows = [
        kept_labels(new.label_table, keep_new, 0, 0),
        kept_labels(base.label_table, keep_base, n_new, len(new.strings)),
        base_label,
    ]
    labels = np.concatenate(label_rows)
    labels = labels[np.argsort(labels[:, 0], kind="stable")]
    return Decoded(
        sample_types=new.sample_types,
        locations=locations,
        functions=functions,
        mappings=mappings,
        stack_ids=stack_ids,
        stack_starts=stack_starts.astype(np.int64),
        values=values,
        label_table=labels,
        strings=strings,
        period_type=new.period_type,
        period=new.period,
        time_nanos=new.time_nanos,
        duration_nanos=new.duration_nanos,
        comments=new.comments,
        default_sample_type=new.default_sample_type,
        drop_frames=new.drop_frames,
        keep_frames=new.keep_frames,
    )


def kept_stacks(decoded: Decoded, keep: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """The location ids (shifted) and stack starts of the kept samples."""
    starts = decoded.stack_starts.astype(np.int64)
    lengths = np.diff(starts)[keep]
    entry_kept = np.repeat(keep, np.diff(starts))
    ids = decoded.stack_ids.astype(np.uint64)[entry_kept] + np.uint64(shift)
    return ids, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def kept_labels(table: np.ndarray, keep: np.ndarray, first: int, string_shift: int) -> np.ndarray:
    """Label rows of the kept samples, renumbered from `first`, string indices shifted (an
    index 0, the empty string, stays 0)."""
    table = np.asarray(table, dtype=np.int64).reshape(-1, 5)
    rows = table[keep[table[:, 0]]] if len(table) else table
    renumber = np.cumsum(keep) - 1 + first
    out = rows.copy()
    out[:, 0] = renumber[rows[:, 0]]
    for column in (1, 2, 4):
        out[:, column] = np.where(rows[:, column] != 0, rows[:, column] + string_shift, 0)
    return out
