"""The ``schools`` argument of :func:`~xietong.algorithms.standards.evaluate` as columns.

Accepts a mapping of columns, a DataFrame or a sequence of dicts; every error names the row
(and its school id) and the column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .model import SCHOOL_STAGES

__all__ = ["SchoolTable"]


class SchoolTable:
    """Columnar view of the ``schools`` argument with row-aware error messages."""

    def __init__(self, schools: Any) -> None:
        if isinstance(schools, Mapping) or hasattr(schools, "columns"):
            self.columns: Mapping[str, Any] = schools
            keys = list(schools.keys())
        elif isinstance(schools, Sequence) and not isinstance(schools, str | bytes):
            rows = list(schools)
            for i, row in enumerate(rows):
                if not isinstance(row, Mapping):
                    raise ValueError(f"schools row {i} must be a mapping, got {type(row)!r}")
            keys = list(dict.fromkeys(k for row in rows for k in row))
            self.columns = {k: [row.get(k) for row in rows] for k in keys}
        else:
            raise ValueError(
                "schools must be a mapping of column name -> array-like, a DataFrame, or a "
                f"sequence of dicts, got {type(schools)!r}"
            )
        self.keys = frozenset(keys)
        for required in ("school_id", "county", "stage"):
            if required not in self.keys:
                raise ValueError(f"schools has no {required!r} column")
        self.n = len(self.columns["school_id"])
        for k in keys:
            try:
                length = len(self.columns[k])
            except TypeError:
                raise ValueError(f"schools column {k!r} is not array-like") from None
            if length != self.n:
                raise ValueError(
                    f"schools column {k!r} has {length} rows but 'school_id' has {self.n}"
                )
        self.school_id = self._labels("school_id")
        self._ids_list: list[str] | None = None
        self.county = self._labels("county")

    def row_name(self, i: int) -> str:
        return f"row {i} (school_id {str(self.school_id[i])!r})"

    def ids(self) -> list[str]:
        if self._ids_list is None:
            self._ids_list = self.school_id.tolist()
        return self._ids_list

    def _labels(self, name: str) -> np.ndarray:
        arr = np.asarray(self.columns[name])
        if arr.ndim != 1:
            raise ValueError(f"schools column {name!r} must be 1-D")
        if arr.dtype.kind == "f":
            missing = np.isnan(arr)
            if missing.any():
                i = int(np.flatnonzero(missing)[0])
                raise ValueError(f"schools row {i}: {name!r} is missing")
            integral = np.all(arr == np.floor(arr)) and np.all(np.abs(arr) < 2**62)
            arr = arr.astype(np.int64).astype(str) if integral else arr.astype(str)
        elif arr.dtype.kind == "O":
            for i, v in enumerate(arr.tolist()):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    raise ValueError(f"schools row {i}: {name!r} is missing")
            arr = arr.astype(str)
        else:
            arr = arr.astype(str)
        empty = np.char.str_len(arr) == 0
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            raise ValueError(f"schools row {i}: {name!r} is empty")
        return arr

    def stage(self) -> np.ndarray:
        arr = np.asarray(self.columns["stage"]).astype(str)
        bad = ~np.isin(arr, SCHOOL_STAGES)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"schools {self.row_name(i)}: stage {str(arr[i])!r} is not one of "
                + ", ".join(SCHOOL_STAGES)
            )
        return arr

    def numeric(self, name: str) -> np.ndarray:
        col = self.columns[name]
        arr = None
        if hasattr(col, "to_numpy"):
            try:
                arr = col.to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError):
                arr = None
        if arr is None:
            try:
                arr = np.asarray(col, dtype=float)
            except (TypeError, ValueError):
                for i, v in enumerate(list(col)):
                    try:
                        float(v if v is not None else "nan")
                    except (TypeError, ValueError):
                        raise ValueError(
                            f"schools {self.row_name(i)}: column {name!r} value {v!r} is not "
                            "a number"
                        ) from None
                raise
        arr = np.asarray(arr, dtype=float)
        if arr.ndim != 1:
            raise ValueError(f"schools column {name!r} must be 1-D, got shape {arr.shape}")
        return arr

    def flag(self, name: str) -> np.ndarray:
        arr = np.asarray(self.columns[name])
        if arr.dtype.kind == "b":
            return arr.astype(bool)
        if arr.dtype.kind in "iuf":
            return np.nan_to_num(arr.astype(float), nan=0.0) != 0
        truthy = {"1", "true", "t", "yes", "y", "是"}
        falsy = {"0", "false", "f", "no", "n", "否", "", "none", "nan"}
        out = np.zeros(arr.shape[0], dtype=bool)
        for i, v in enumerate(arr.tolist()):
            if v is None or isinstance(v, bool | int | float):
                out[i] = bool(v) and not (isinstance(v, float) and math.isnan(v))
                continue
            s = str(v).strip().lower()
            if s in truthy:
                out[i] = True
            elif s not in falsy:
                raise ValueError(
                    f"schools {self.row_name(i)}: column {name!r} value {v!r} is not a yes/no flag"
                )
        return out

    def check_values(self, values: np.ndarray, rows: np.ndarray, name: str) -> None:
        """Raise if ``values`` (aligned with table ``rows``) has missing/negative/inf."""
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            k = np.flatnonzero(bad)
            i = int(rows[k[0]])
            v = values[k[0]]
            what = "missing" if np.isnan(v) else f"invalid ({v!r}; must be finite and >= 0)"
            more = f"; {k.size} rows affected in all" if k.size > 1 else ""
            raise ValueError(f"schools {self.row_name(i)}: column {name!r} is {what}{more}")
