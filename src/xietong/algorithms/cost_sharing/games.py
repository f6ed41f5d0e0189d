"""Games given by coalition values: the input check every game rule shares."""

from __future__ import annotations

import numpy as np

#: Largest number of members accepted by the exact Shapley routines
#: (``2**30`` float64 values already take 8 GiB).
MAX_EXACT_SHAPLEY_MEMBERS = 30


def as_game(
    coalition_values: object, *, limit: int = MAX_EXACT_SHAPLEY_MEMBERS
) -> tuple[np.ndarray, int]:
    """Validate a game array; return it as float64 (without copying if possible) and n."""
    v = np.asarray(coalition_values)
    if v.ndim != 1:
        raise ValueError(
            f"coalition_values must be one-dimensional (length 2**n), got shape {v.shape}"
        )
    size = v.shape[0]
    if size < 2 or size & (size - 1):
        raise ValueError(
            f"coalition_values must have length 2**n for n >= 1 members "
            f"(index = coalition bitmask), got length {size}"
        )
    n = size.bit_length() - 1
    if n > limit:
        raise ValueError(f"{n} members is too many for this exact method (at most {limit})")
    if v.dtype.kind not in "iuf":
        raise ValueError(f"coalition_values must be numbers, got dtype {v.dtype}")
    v = np.ascontiguousarray(v, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        raise ValueError("coalition_values must be finite (no NaN or infinity)")
    if v[0] != 0:
        raise ValueError(f"coalition_values[0] is the empty coalition and must be 0, got {v[0]!r}")
    return v, n


def kind_sign(kind: str) -> int:
    if kind == "value":
        return 1
    if kind == "cost":
        return -1
    raise ValueError(f"kind must be 'value' or 'cost', got {kind!r}")
