"""The capacity index of a supported school per year, every component with its formula."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..exact import to_fraction
from ._common import non_negative

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "FORMULAS",
    "INPUT_FIELDS",
    "CapacityInputs",
    "CapacityParams",
    "CapacityResult",
    "ComponentResult",
    "capacity_index",
]

#: The components, in the order they are shown.
COMPONENTS = (
    "own_teaching",
    "backbone",
    "retention_1y",
    "retention_3y",
    "reuse",
    "satisfaction",
    "transfers_out",
)
#: Default weights: own teaching 3, backbone teachers 2, every other component 1.
DEFAULT_WEIGHTS: Mapping[str, int] = {
    "own_teaching": 3,
    "backbone": 2,
    "retention_1y": 1,
    "retention_3y": 1,
    "reuse": 1,
    "satisfaction": 1,
    "transfers_out": 1,
}


@dataclass(frozen=True)
class CapacityParams:
    """The normalisation lines (shown with every result).

    ``backbone_line``: backbone teachers (county level and above) per 100 students, 1 [1]_ (资源配置 (二)).
    ``satisfaction_line``: 85 % [1]_ (社会认可度). ``reuse_target``: resources reused by other schools
    in the year that give the full score (5). ``transfer_cap``: the share of pupils transferring
    out at which the component reaches 0 (5 %).
    """

    backbone_line: Fraction = Fraction(1)
    satisfaction_line: Fraction = Fraction(85, 100)
    reuse_target: Fraction = Fraction(5)
    transfer_cap: Fraction = Fraction(5, 100)

    def __post_init__(self):
        for name in ("backbone_line", "satisfaction_line", "reuse_target", "transfer_cap"):
            v = to_fraction(getattr(self, name), f"params.{name}")
            if v <= 0:
                raise ValueError(f"params.{name}: must be more than 0, got {v}")
            object.__setattr__(self, name, v)
        if self.satisfaction_line > 1 or self.transfer_cap > 1:
            raise ValueError("params: satisfaction_line and transfer_cap are shares, at most 1")


@dataclass(frozen=True)
class CapacityInputs:
    """One supported school's records for one year; ``None`` means not recorded.

    ``own_lessons`` / ``partner_lessons``: lessons taught by its own staff / by the partner's
    staff (seconded teachers and synchronous lessons); ``seconded_fte`` is shown beside them.
    ``trained_1y`` / ``retained_1y``: teachers trained by the partner one year earlier and still
    at the school (likewise three years). ``reused_resources``: local courses and resources it
    produced that other schools used this year. ``satisfaction``: surveyed share satisfied.
    ``transfers_out``: pupils who transferred out during the year.
    """

    year: int
    own_lessons: object = None
    partner_lessons: object = None
    seconded_fte: object = None
    students: object = None
    backbone_teachers: object = None
    trained_1y: object = None
    retained_1y: object = None
    trained_3y: object = None
    retained_3y: object = None
    reused_resources: object = None
    satisfaction: object = None
    transfers_out: object = None


@dataclass(frozen=True)
class ComponentResult:
    """A component's raw ``ratio``, its normalised ``value`` in [0, 1] and the ``formula``.

    ``state`` is ``counted`` or ``missing``; ``meets_line`` is set for the components with a
    policy line (``backbone``, ``satisfaction``), else None.
    """

    code: str
    state: str
    ratio: Fraction | None
    value: Fraction | None
    weight: Fraction
    formula: str
    meets_line: bool | None = None


@dataclass(frozen=True)
class CapacityResult:
    """The index of one year: ``sum(w*v) / sum(w)`` over the counted components (None if none)."""

    year: int
    index: Fraction | None
    components: tuple[ComponentResult, ...]
    weight_counted: Fraction
    seconded_fte: Fraction | None
    params: CapacityParams = field(default_factory=CapacityParams)

    def component(self, code: str) -> ComponentResult:
        """The component with this code; KeyError if there is none."""
        for c in self.components:
            if c.code == code:
                return c
        raise KeyError(code)


FORMULAS = {
    "own_teaching": "own_lessons / (own_lessons + partner_lessons)",
    "backbone": "min(100 * backbone_teachers / students / backbone_line, 1)",
    "retention_1y": "retained_1y / trained_1y",
    "retention_3y": "retained_3y / trained_3y",
    "reuse": "min(reused_resources / reuse_target, 1)",
    "satisfaction": "min(satisfaction / satisfaction_line, 1)",
    "transfers_out": "1 - min(transfers_out / students / transfer_cap, 1)",
}


def _opt(value: object, where: str) -> Fraction | None:
    return None if value is None else non_negative(value, where)


def _share(num: Fraction | None, den: Fraction | None, where: str) -> Fraction | None:
    if num is None or den is None or den == 0:
        return None
    if num > den:
        raise ValueError(f"{where}: {num} is more than the {den} it is a part of")
    return num / den


def _ratios(x: CapacityInputs, where: str) -> dict[str, Fraction | None]:
    """Raw ratio of every component (None: missing)."""
    g = {name: _opt(getattr(x, name), f"{where}.{name}") for name in INPUT_FIELDS}
    own, partner, students = g["own_lessons"], g["partner_lessons"], g["students"]
    total = None if own is None or partner is None else own + partner
    sat = g["satisfaction"]
    if sat is not None and sat > 1:
        raise ValueError(f"{where}.satisfaction: a share at most 1, got {x.satisfaction!r}")
    per100 = None
    if g["backbone_teachers"] is not None and students:
        per100 = 100 * g["backbone_teachers"] / students
    return {
        "own_teaching": _share(own, total, f"{where}.own_lessons"),
        "backbone": per100,
        "retention_1y": _share(g["retained_1y"], g["trained_1y"], f"{where}.retained_1y"),
        "retention_3y": _share(g["retained_3y"], g["trained_3y"], f"{where}.retained_3y"),
        "reuse": g["reused_resources"],
        "satisfaction": sat,
        "transfers_out": _share(g["transfers_out"], students, f"{where}.transfers_out"),
    }


#: The inputs of :class:`CapacityInputs` after the year, in the order pages list them.
INPUT_FIELDS = (
    "own_lessons",
    "partner_lessons",
    "seconded_fte",
    "students",
    "backbone_teachers",
    "trained_1y",
    "retained_1y",
    "trained_3y",
    "retained_3y",
    "reused_resources",
    "satisfaction",
    "transfers_out",
)


def _normalise(code: str, ratio: Fraction, p: CapacityParams) -> tuple[Fraction, bool | None]:
    one = Fraction(1)
    if code == "backbone":
        return min(ratio / p.backbone_line, one), ratio >= p.backbone_line
    if code == "reuse":
        return min(ratio / p.reuse_target, one), None
    if code == "satisfaction":
        return min(ratio / p.satisfaction_line, one), ratio >= p.satisfaction_line
    if code == "transfers_out":
        return one - min(ratio / p.transfer_cap, one), None
    return ratio, None


def _weights(weights: Mapping[str, object]) -> dict[str, Fraction]:
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"weights: unknown components {sorted(unknown)}; use {COMPONENTS}")
    out = {}
    for code in COMPONENTS:
        w = to_fraction(weights.get(code, 0), f"weights[{code!r}]")
        if w < 0:
            raise ValueError(f"weights[{code!r}]: must not be negative, got {w}")
        out[code] = w
    if not any(out.values()):
        raise ValueError("weights: at least one component needs a weight above 0")
    return out


def capacity_index(
    inputs: Sequence[CapacityInputs],
    *,
    weights: Mapping[str, object] = DEFAULT_WEIGHTS,
    params: CapacityParams | None = None,
) -> tuple[CapacityResult, ...]:
    """The capacity index of a supported school for each year of ``inputs``.

    Each component is normalised to ``[0, 1]`` (see ``FORMULAS``):

    - ``own_teaching`` = own / (own + partner lessons);
    - ``backbone`` = backbone teachers per 100 students over the line of 1, capped at 1
      (教督〔2017〕6号, 资源配置 (二); exactly 1 per 100 meets the line and scores 1);
    - ``retention_1y``, ``retention_3y`` = share of partner-trained teachers still there;
    - ``reuse`` = resources reused by others over ``reuse_target``, capped at 1;
    - ``satisfaction`` = surveyed share over 85 %, capped at 1 (same document, 社会认可度);
    - ``transfers_out`` = 1 - (transfer rate / ``transfer_cap``), floored at 0.

    A component whose inputs are missing (or whose denominator is 0) has state ``missing`` and
    does not count: the index is ``sum(w_c * v_c) / sum(w_c)`` over the counted components, so
    the weights of those present are re-normalised to sum to 1. With none counted the index is
    None.

    Parameters
    ----------
    inputs : sequence of CapacityInputs
        One per year (years distinct).
    weights : mapping of str to number
        Weight of each component (default :data:`DEFAULT_WEIGHTS`); a component left out has
        weight 0 and is shown but never counts.
    params : CapacityParams, optional
        The normalisation lines.

    Returns
    -------
    tuple of CapacityResult
        Ordered by year.

    Raises
    ------
    ValueError
        Duplicate years, a negative input, a part larger than its whole (retained above
        trained, transfers above students), an unknown component or all weights 0.

    Examples
    --------
    Own lessons 800 of 1,000 (0.8); 3 backbone teachers for 600 students is 0.5 per 100
    (0.5); satisfaction 0.68 is 0.8 of the line; nothing else recorded. Weights 3, 2, 1:
    ``(3*0.8 + 2*0.5 + 1*0.8) / 6 = 4.2 / 6 = 0.7``.

    >>> r = capacity_index([CapacityInputs(2024, own_lessons=800, partner_lessons=200,
    ...                                    students=600, backbone_teachers=3,
    ...                                    satisfaction="0.68")])[0]
    >>> r.index, r.weight_counted, r.component("satisfaction").meets_line
    (Fraction(7, 10), Fraction(6, 1), False)
    """
    p = params or CapacityParams()
    w = _weights(weights)
    years = [x.year for x in inputs]
    if len(set(years)) != len(years):
        raise ValueError(f"inputs: one record per year, got years {years}")
    out = []
    for x in sorted(inputs, key=lambda x: x.year):
        ratios = _ratios(x, f"inputs[{x.year}]")
        comps = []
        for code in COMPONENTS:
            ratio = ratios[code]
            if ratio is None:
                comps.append(ComponentResult(code, "missing", None, None, w[code], FORMULAS[code]))
                continue
            value, line = _normalise(code, ratio, p)
            comps.append(
                ComponentResult(code, "counted", ratio, value, w[code], FORMULAS[code], line)
            )
        counted = [c for c in comps if c.state == "counted" and c.weight > 0]
        total_w = sum((c.weight for c in counted), Fraction(0))
        index = (
            sum((c.weight * c.value for c in counted), Fraction(0)) / total_w if total_w else None
        )
        out.append(
            CapacityResult(
                year=x.year,
                index=index,
                components=tuple(comps),
                weight_counted=total_w,
                seconded_fte=_opt(x.seconded_fte, f"inputs[{x.year}].seconded_fte"),
                params=p,
            )
        )
    return tuple(out)
