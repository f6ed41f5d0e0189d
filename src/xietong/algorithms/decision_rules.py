"""Decision rules of a negotiation body: the outcome of a proposal under a declared rule.

A consultation freezes its rule when the proposal is circulated; at the end of the positions
window :func:`tally` computes, from every member's position, whether the proposal is adopted and
why. The rules are those of the bodies whose practice the cooperation areas borrow:

=========================== ================================================================
kind                        adopted when
=========================== ================================================================
``unanimity``               nobody votes against and somebody is in favour; abstentions (and
                            absences) do not prevent adoption (Art. 238(4) TFEU)
``unanimity_strict``        every member is in favour
``constructive_abstention`` unanimity as above, but a member may qualify its abstention by a
                            formal declaration: it is then not bound by the decision, and the
                            decision fails if the declarants are at least 1/3 of the members
                            comprising at least 1/3 of the population (Art. 31(1) TEU)
``consensus``               somebody is present and no member present formally objects (WTO
                            Agreement, Art. IX:1, footnote 1)
``silence``                 nobody breaks the silence by objecting before the deadline; no answer
                            is consent (Council Rules of Procedure, Art. 12(2); OSCE Rules of
                            Procedure, MC.DOC/1/06, Annex 1 A)
``qualified_majority``      at least ``member_share`` (55 %) of all members, rounded up, are in
                            favour, and they comprise at least ``population_share`` (65 %) of the
                            population of all members; a blocking minority needs at least
                            ``blocking_members`` (4) members, failing which the population
                            condition counts as met (Art. 16(4) TEU; set ``member_share`` to
                            72 % for Art. 238(2) TFEU)
``simple_majority``         more votes in favour than against (of the votes cast: abstentions and
                            absences are not votes), with an optional ``quorum`` share of members
                            taking part
``weighted``                the members in favour hold at least ``threshold`` of the total
                            ``weights`` (more than it, if ``strict``)
=========================== ================================================================

Positions
---------
``support``; ``reservation`` (in favour, with a statement recorded verbatim); ``oppose`` (a vote
against); ``object`` (a formal objection: it breaks consensus and silence, and counts as a vote
against under the voting rules); ``abstain``; ``constructive_abstention`` (only under that rule);
``absent`` (or no entry at all). Consensus and silence take no votes, so ``oppose`` is refused
there: a member that disagrees objects.

Outcome and explanation
-----------------------
Every rule is a conjunction of clauses, each clause a disjunction of :class:`Condition` checks
(``Tally.requirement``): qualified majority is ``member_share AND (population_share OR
blocking_minority)``. A condition stores a code and numbers only (what was counted, the bound,
the comparison, the members counted), so the app renders it in any language. Shares are
:class:`fractions.Fraction`: 55 % of 27 members is 297/20, so 15 members are needed; 65 % of the
population is compared exactly, and a boundary is a boundary.

Monotonicity
------------
For every kind, turning any member's position into ``support`` never turns adoption into failure
(tested for all kinds and positions). The converse does not hold for a member that stays away:
under ``simple_majority`` with a quorum, an absent member that comes and votes against can make
the quorum and so let the proposal pass (the no-show paradox), and under ``consensus`` a present
member that abstains makes adoption possible where nobody present made it fail.

>>> r = tally({"kind": "qualified_majority"},
...           {"A": "support", "B": "support", "C": "support", "D": "oppose"},
...           population={"A": 10, "B": 20, "C": 30, "D": 40})
>>> r.adopted, r.condition("member_share").required, r.decisive
(True, Fraction(3, 1), ('member_share', 'blocking_minority'))

References
----------
.. [1] Treaty on European Union, Art. 16(4) and Art. 31(1); Treaty on the Functioning of the
   European Union, Art. 238(2)-(4) (consolidated version, OJ C 202, 7.6.2016).
.. [2] Marrakesh Agreement Establishing the World Trade Organization (1994), Art. IX:1 and
   footnote 1.
.. [3] Council Decision 2009/937/EU adopting the Council's Rules of Procedure, Art. 12(2)
   (silence procedure) and Annex III (population figures, amended every year).
.. [4] OSCE Rules of Procedure, MC.DOC/1/06 (2006), Annex 1, A: silence procedure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .exact import fraction_text, to_fraction, to_share

__all__ = [
    "KINDS",
    "POSITIONS",
    "Condition",
    "Rule",
    "Statement",
    "Tally",
    "parse_rule",
    "tally",
]

KINDS = (
    "unanimity",
    "unanimity_strict",
    "constructive_abstention",
    "consensus",
    "silence",
    "qualified_majority",
    "simple_majority",
    "weighted",
)
POSITIONS = (
    "support",
    "reservation",
    "oppose",
    "object",
    "abstain",
    "constructive_abstention",
    "absent",
)
IN_FAVOUR = frozenset({"support", "reservation"})
AGAINST = frozenset({"oppose", "object"})
COMPARISONS = ("at_least", "more_than", "at_most", "below")

_VOTING = frozenset(POSITIONS) - {"constructive_abstention"}
_NO_VOTES = frozenset({"support", "reservation", "abstain", "object", "absent"})
#: positions each kind accepts
ALLOWED: dict[str, frozenset[str]] = {
    "unanimity": _VOTING,
    "unanimity_strict": _VOTING,
    "constructive_abstention": frozenset(POSITIONS),
    "consensus": _NO_VOTES,
    "silence": _NO_VOTES,
    "qualified_majority": _VOTING,
    "simple_majority": _VOTING,
    "weighted": _VOTING,
}
_THIRD = Fraction(1, 3)
#: parameters of each kind and their defaults (None: optional, no default; ... : required)
_PARAMETERS: dict[str, dict[str, object]] = {
    "unanimity": {},
    "unanimity_strict": {},
    "constructive_abstention": {
        "declarant_member_share": _THIRD,
        "declarant_population_share": _THIRD,
    },
    "consensus": {},
    "silence": {},
    "qualified_majority": {
        "member_share": Fraction(55, 100),
        "population_share": Fraction(65, 100),
        "blocking_members": 4,
        "min_members": None,
    },
    "simple_majority": {"quorum": None},
    "weighted": {"threshold": ..., "weights": None, "strict": False},
}
_NEEDS_POPULATION = frozenset({"constructive_abstention", "qualified_majority"})


@dataclass(frozen=True)
class Rule:
    """A validated decision rule: what a consultation freezes when it is circulated.

    ``parameters`` holds every parameter of the kind with its default filled in (shares as
    Fractions); ``members`` is the body's membership if the rule names it, else None (the
    members are then those of the population, the weights or the positions, in that order).
    """

    kind: str
    parameters: dict[str, object] = field(default_factory=dict)
    members: tuple[str, ...] | None = None

    def as_dict(self) -> dict:
        """JSON-ready form (shares as exact ``"11/20"`` strings) that :func:`parse_rule` reads."""
        out: dict = {"kind": self.kind}
        for name, value in self.parameters.items():
            if value is not None:
                out[name] = _plain(value)
        if self.members is not None:
            out["members"] = list(self.members)
        return out


@dataclass(frozen=True)
class Condition:
    """One check of a rule: ``actual`` compared with ``required``.

    ``code`` names what is counted (``member_share``, ``population_share``, ``opposition`` ...);
    ``total`` is what a share is taken of (members, population, weight or votes cast) and
    ``threshold`` the share of it that ``required`` comes from (None for plain counts);
    ``members`` are the members counted in ``actual``. ``met`` is the comparison's result.
    """

    code: str
    met: bool
    actual: Fraction
    comparison: str
    required: Fraction
    total: Fraction | None = None
    threshold: Fraction | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    """A member's text accompanying its position (a reservation, an objection), verbatim."""

    member: str
    position: str
    text: str


@dataclass(frozen=True)
class Tally:
    """The computed outcome of a proposal and everything needed to explain it.

    Attributes
    ----------
    adopted : bool
    kind : str
    rule : Rule
        The rule as applied, defaults filled in.
    members : tuple of str
        Every member of the body, sorted.
    positions : dict
        Member -> position code; a member without an entry is ``absent``.
    missing : tuple of str
        Members that gave no answer at all (no entry in ``positions``).
    counts : dict
        Position code -> number of members, for every position code.
    conditions : tuple of Condition
    requirement : tuple of tuple of str
        Adopted iff every clause has a met condition: ``(("member_share",),
        ("population_share", "blocking_minority"))``.
    decisive : tuple of str
        If adopted, the met conditions that carried each clause; if not, the conditions of the
        clauses that failed.
    statements : tuple of Statement
        Every text given with a position, sorted by member.
    bound, not_bound : tuple of str
        If adopted, who the decision binds and who declared a constructive abstention (not
        obliged to apply it; Art. 31(1) TEU). Both empty if not adopted.
    """

    adopted: bool
    kind: str
    rule: Rule
    members: tuple[str, ...]
    positions: dict[str, str]
    missing: tuple[str, ...]
    counts: dict[str, int]
    conditions: tuple[Condition, ...]
    requirement: tuple[tuple[str, ...], ...]
    decisive: tuple[str, ...]
    statements: tuple[Statement, ...]
    bound: tuple[str, ...]
    not_bound: tuple[str, ...]

    @property
    def reservations(self) -> tuple[Statement, ...]:
        """The reservations, verbatim, sorted by member."""
        return tuple(s for s in self.statements if s.position == "reservation")

    def condition(self, code: str) -> Condition:
        """The condition with this code; KeyError if the rule has none."""
        for c in self.conditions:
            if c.code == code:
                return c
        raise KeyError(code)

    def members_with(self, *positions: str) -> tuple[str, ...]:
        """Members holding any of these positions, sorted."""
        return tuple(m for m in self.members if self.positions[m] in positions)

    def as_dict(self) -> dict:
        """JSON-ready explanation: codes, member codes and exact numbers as strings."""
        return {
            "adopted": self.adopted,
            "kind": self.kind,
            "rule": self.rule.as_dict(),
            "members": list(self.members),
            "positions": dict(self.positions),
            "missing": list(self.missing),
            "counts": dict(self.counts),
            "conditions": [
                {
                    "code": c.code,
                    "met": c.met,
                    "actual": _plain(c.actual),
                    "comparison": c.comparison,
                    "required": _plain(c.required),
                    "total": None if c.total is None else _plain(c.total),
                    "threshold": None if c.threshold is None else _plain(c.threshold),
                    "members": list(c.members),
                }
                for c in self.conditions
            ],
            "requirement": [list(clause) for clause in self.requirement],
            "decisive": list(self.decisive),
            "statements": [
                {"member": s.member, "position": s.position, "text": s.text}
                for s in self.statements
            ],
            "bound": list(self.bound),
            "not_bound": list(self.not_bound),
        }


def _plain(value: object) -> object:
    return fraction_text(value) if isinstance(value, Fraction) else value


# --------------------------------------------------------------------------
# Reading the rule
# --------------------------------------------------------------------------


def parse_rule(rule: Mapping | Rule) -> Rule:
    """Validate a rule mapping and fill in the defaults of its kind.

    Parameters
    ----------
    rule : mapping
        ``{"kind": ..., parameter: value, ..., "members": [...]}``; shares may be numbers or
        exact strings (``"0.55"``, ``"11/20"``).

    Returns
    -------
    Rule

    Raises
    ------
    ValueError
        Unknown kind or parameter, a share outside (0, 1], a count that is not a positive
        integer, a negative weight, a missing required parameter, repeated members.

    Examples
    --------
    >>> parse_rule({"kind": "qualified_majority", "member_share": "0.72"}).parameters
    {'member_share': Fraction(18, 25), 'population_share': Fraction(13, 20), 'blocking_members': 4, 'min_members': None}
    >>> parse_rule({"kind": "majority"})
    Traceback (most recent call last):
    ...
    ValueError: rule: unknown kind 'majority' (known: unanimity, unanimity_strict, constructive_abstention, consensus, silence, qualified_majority, simple_majority, weighted)
    """  # noqa: E501
    if isinstance(rule, Rule):
        rule = rule.as_dict()
    if not isinstance(rule, Mapping):
        raise ValueError(f"rule: expected a mapping with a 'kind', got {type(rule).__name__}")
    kind = rule.get("kind")
    if kind not in KINDS:
        raise ValueError(f"rule: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    known = _PARAMETERS[kind]
    unknown = sorted(set(rule) - set(known) - {"kind", "members"})
    if unknown:
        names = ", ".join(known) or "none"
        raise ValueError(
            f"rule {kind}: unknown parameter {', '.join(map(repr, unknown))} (known: {names})"
        )
    params: dict[str, object] = {}
    for name, default in known.items():
        value = rule.get(name, default)
        if value is ...:
            raise ValueError(f"rule {kind}: parameter {name!r} is required")
        params[name] = None if value is None else _parameter(kind, name, value)
    members = rule.get("members")
    if members is not None:
        members = _member_list(members, f"rule {kind}: members")
    return Rule(kind=kind, parameters=params, members=members)


def _parameter(kind: str, name: str, value: object) -> object:
    where = f"rule {kind}: {name}"
    if name in ("blocking_members", "min_members"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(
                f"{where}: expected a whole number of members, at least 1, got {value!r}"
            )
        return value
    if name == "strict":
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true or false, got {value!r}")
        return value
    if name == "weights":
        return _weights(value, where)
    return to_share(value, where)


def _member_list(members: object, where: str) -> tuple[str, ...]:
    if isinstance(members, str | bytes) or not isinstance(members, Iterable):
        raise ValueError(f"{where}: expected a list of member codes, got {members!r}")
    codes = list(members)
    for code in codes:
        if not isinstance(code, str) or not code:
            raise ValueError(f"{where}: a member code must be a non-empty string, got {code!r}")
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise ValueError(f"{where}: repeated member {', '.join(repeated)}")
    return tuple(sorted(codes))


def _weights(value: object, where: str) -> dict[str, Fraction]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected a mapping of member code to number, got {value!r}")
    out = {}
    for member, w in value.items():
        if not isinstance(member, str) or not member:
            raise ValueError(f"{where}: a member code must be a non-empty string, got {member!r}")
        q = to_fraction(w, f"{where}[{member!r}]")
        if q < 0:
            raise ValueError(f"{where}[{member!r}]: must not be negative, got {w!r}")
        out[member] = q
    return out


# --------------------------------------------------------------------------
# Reading the positions
# --------------------------------------------------------------------------


def _read_position(member: str, value: object, kind: str) -> tuple[str, str | None]:
    where = f"positions[{member!r}]"
    text = None
    if isinstance(value, Mapping):
        extra = sorted(set(value) - {"position", "text"})
        if extra:
            raise ValueError(f"{where}: unknown field {', '.join(extra)} (known: position, text)")
        text = value.get("text")
        value = value.get("position")
        if text is not None and not isinstance(text, str):
            raise ValueError(f"{where}: text must be a string, got {type(text).__name__}")
    if value not in POSITIONS:
        raise ValueError(f"{where}: unknown position {value!r} (known: {', '.join(POSITIONS)})")
    if value not in ALLOWED[kind]:
        hint = (
            "a member that disagrees formally objects ('object')"
            if value == "oppose"
            else "a formal declaration of abstention is made under 'constructive_abstention'"
        )
        raise ValueError(f"{where}: {kind} takes no {value!r} position: {hint}")
    if value == "reservation" and not (text and text.strip()):
        raise ValueError(f"{where}: a reservation needs its text")
    return value, (text if text and text.strip() else None)


def _universe(rule: Rule, positions: Mapping, weights: Mapping | None) -> tuple[str, ...]:
    if rule.members is not None:
        members = rule.members
    elif weights is not None:
        members = tuple(sorted(weights))
    else:
        members = _member_list(positions.keys(), "positions")
    if not members:
        raise ValueError(f"rule {rule.kind}: the body has no members")
    strangers = sorted(set(positions) - set(members))
    if strangers:
        raise ValueError(f"positions: {', '.join(map(str, strangers))} not a member of the body")
    return members


def _member_weights(rule: Rule, population: Mapping | None) -> dict[str, Fraction] | None:
    if rule.kind == "weighted":
        if rule.parameters["weights"] is not None:
            return rule.parameters["weights"]
        if population is None:
            raise ValueError("rule weighted: give 'weights' in the rule (or a population)")
        return _weights(population, "population")
    if rule.kind in _NEEDS_POPULATION:
        if population is None:
            raise ValueError(f"rule {rule.kind}: needs the population of every member")
        return _weights(population, "population")
    return None


def _check_weights(weights: Mapping, members: tuple[str, ...], name: str) -> Fraction:
    missing = [m for m in members if m not in weights]
    extra = sorted(set(weights) - set(members))
    if missing:
        raise ValueError(f"{name}: no figure for member {', '.join(missing)}")
    if extra:
        raise ValueError(f"{name}: {', '.join(extra)} not a member of the body")
    total = sum((weights[m] for m in members), Fraction(0))
    if total <= 0:
        raise ValueError(f"{name}: the members' total must be more than 0")
    return total


# --------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------


def _cond(code, actual, comparison, required, total=None, threshold=None, members=()):
    actual, required = Fraction(actual), Fraction(required)
    met = {
        "at_least": actual >= required,
        "more_than": actual > required,
        "at_most": actual <= required,
        "below": actual < required,
    }[comparison]
    return Condition(
        code=code,
        met=met,
        actual=actual,
        comparison=comparison,
        required=required,
        total=None if total is None else Fraction(total),
        threshold=threshold,
        members=tuple(members),
    )


class _Count:
    """The members grouped by position, with the helpers every rule uses."""

    def __init__(self, members, positions, weights):
        self.members = members
        self.n = len(members)
        self.positions = positions
        self.weights = weights

    def having(self, codes) -> tuple[str, ...]:
        return tuple(m for m in self.members if self.positions[m] in codes)

    def weight(self, group) -> Fraction:
        return sum((self.weights[m] for m in group), Fraction(0))

    @property
    def in_favour(self):
        return self.having(IN_FAVOUR)

    @property
    def against(self):
        return self.having(AGAINST)

    @property
    def present(self):
        return tuple(m for m in self.members if self.positions[m] != "absent")

    def opposition(self):
        return _cond("opposition", len(self.against), "at_most", 0, self.n, None, self.against)

    def some_support(self):
        yes = self.in_favour
        return _cond("some_support", len(yes), "at_least", 1, self.n, None, yes)

    def objection(self):
        objectors = self.having({"object"})
        return _cond("objection", len(objectors), "at_most", 0, self.n, None, objectors)


def _unanimity(c: _Count, p: dict):
    return [c.opposition(), c.some_support()], (("opposition",), ("some_support",))


def _unanimity_strict(c: _Count, p: dict):
    others = tuple(m for m in c.members if m not in c.in_favour)
    cond = _cond("not_in_favour", len(others), "at_most", 0, c.n, None, others)
    return [cond], (("not_in_favour",),)


def _constructive_abstention(c: _Count, p: dict):
    declarants = c.having({"constructive_abstention"})
    total = c.weight(c.members)
    tm, tp = p["declarant_member_share"], p["declarant_population_share"]
    conds = [
        c.opposition(),
        c.some_support(),
        _cond("declarant_members", len(declarants), "below", tm * c.n, c.n, tm, declarants),
        _cond(
            "declarant_population", c.weight(declarants), "below", tp * total, total, tp, declarants
        ),
    ]
    return conds, (
        ("opposition",),
        ("some_support",),
        ("declarant_members", "declarant_population"),
    )


def _consensus(c: _Count, p: dict):
    present = c.present
    conds = [
        _cond("someone_present", len(present), "at_least", 1, c.n, None, present),
        c.objection(),
    ]
    return conds, (("someone_present",), ("objection",))


def _silence(c: _Count, p: dict):
    return [c.objection()], (("objection",),)


def _qualified_majority(c: _Count, p: dict):
    yes = c.in_favour
    not_yes = tuple(m for m in c.members if m not in yes)
    total = c.weight(c.members)
    tm, tp, block = p["member_share"], p["population_share"], p["blocking_members"]
    conds = [_cond("member_share", len(yes), "at_least", math.ceil(tm * c.n), c.n, tm, yes)]
    clauses: list[tuple[str, ...]] = [("member_share",)]
    if p["min_members"] is not None:
        conds.append(_cond("min_members", len(yes), "at_least", p["min_members"], c.n, None, yes))
        clauses.append(("min_members",))
    conds.append(_cond("population_share", c.weight(yes), "at_least", tp * total, total, tp, yes))
    conds.append(_cond("blocking_minority", len(not_yes), "below", block, c.n, None, not_yes))
    clauses.append(("population_share", "blocking_minority"))
    return conds, tuple(clauses)


def _simple_majority(c: _Count, p: dict):
    yes, no = c.in_favour, c.against
    cast = len(yes) + len(no)
    conds, clauses = [], []
    if p["quorum"] is not None:
        q, present = p["quorum"], c.present
        conds.append(_cond("quorum", len(present), "at_least", math.ceil(q * c.n), c.n, q, present))
        clauses.append(("quorum",))
    half = Fraction(1, 2)
    conds.append(_cond("majority", len(yes), "more_than", half * cast, cast, half, yes))
    clauses.append(("majority",))
    return conds, tuple(clauses)


def _weighted(c: _Count, p: dict):
    yes = c.in_favour
    total, t = c.weight(c.members), p["threshold"]
    comparison = "more_than" if p["strict"] else "at_least"
    cond = _cond("weight_share", c.weight(yes), comparison, t * total, total, t, yes)
    return [cond], (("weight_share",),)


_RULES = {
    "unanimity": _unanimity,
    "unanimity_strict": _unanimity_strict,
    "constructive_abstention": _constructive_abstention,
    "consensus": _consensus,
    "silence": _silence,
    "qualified_majority": _qualified_majority,
    "simple_majority": _simple_majority,
    "weighted": _weighted,
}


def tally(
    rule: Mapping | Rule,
    positions: Mapping[str, object],
    population: Mapping[str, object] | None = None,
) -> Tally:
    """Compute whether a proposal is adopted under ``rule``, and why.

    Parameters
    ----------
    rule : mapping or Rule
        ``{"kind": ..., parameters...}``, see :func:`parse_rule` and the module docstring. An
        optional ``members`` list names the whole body; without it the members are those of
        the population (kinds that need one), of the weights, or of ``positions``.
    positions : mapping
        Member code -> position code, or -> ``{"position": code, "text": str}`` for a position
        with a statement (a reservation must have one). Members without an entry are absent.
    population : mapping, optional
        Member code -> population (or any non-negative weight); required by
        ``qualified_majority`` and ``constructive_abstention``, used by ``weighted`` when the
        rule has no ``weights``, ignored by the other kinds.

    Returns
    -------
    Tally
        ``adopted`` and the explanation (conditions with their numbers, the deciding ones,
        statements verbatim, who is bound).

    Raises
    ------
    ValueError
        An invalid rule (see :func:`parse_rule`); an unknown position, one the kind does not
        take, a reservation without text, a position from a non-member; a missing, partial or
        negative population; members whose population adds up to 0.

    Examples
    --------
    Unanimity with an abstention and a reservation (Art. 238(4) TFEU):

    >>> r = tally({"kind": "unanimity"},
    ...           {"BJ": "support", "TJ": "abstain",
    ...            "HE": {"position": "reservation", "text": "subject to the provincial budget"}})
    >>> r.adopted, r.reservations[0].member, r.reservations[0].text
    (True, 'HE', 'subject to the provincial budget')
    >>> tally({"kind": "unanimity_strict"}, {"BJ": "support", "TJ": "abstain"}).decisive
    ('not_in_favour',)

    Constructive abstention: one declarant of three members with a third of the population
    is exactly at both thresholds, so the decision fails (Art. 31(1) TEU):

    >>> pop = {"A": 1, "B": 1, "C": 1}
    >>> tally({"kind": "constructive_abstention"},
    ...       {"A": "support", "B": "support", "C": "constructive_abstention"}, pop).adopted
    False
    >>> r = tally({"kind": "constructive_abstention"},
    ...           {"A": "support", "B": "support", "C": "constructive_abstention"},
    ...           {"A": 2, "B": 2, "C": 1})
    >>> r.adopted, r.bound, r.not_bound
    (True, ('A', 'B'), ('C',))

    Qualified majority: 55 % of 4 members is 2.2, so 3 are needed:

    >>> r = tally({"kind": "qualified_majority"},
    ...           {"A": "support", "B": "support", "C": "abstain", "D": "oppose"},
    ...           population={"A": 40, "B": 30, "C": 20, "D": 10})
    >>> r.adopted, r.condition("member_share").required, r.decisive
    (False, Fraction(3, 1), ('member_share',))
    """
    rule = parse_rule(rule)
    if not isinstance(positions, Mapping):
        raise ValueError(
            f"positions: expected a mapping of member code to position, got "
            f"{type(positions).__name__}"
        )
    weights = _member_weights(rule, population)
    members = _universe(rule, positions, weights)
    if weights is not None:
        _check_weights(
            weights, members, "weights" if rule.parameters.get("weights") else "population"
        )
    read = {m: _read_position(m, v, rule.kind) for m, v in positions.items()}
    codes = {m: read[m][0] if m in read else "absent" for m in members}
    conds, requirement = _RULES[rule.kind](_Count(members, codes, weights), rule.parameters)
    met = {c.code: c.met for c in conds}
    adopted = all(any(met[code] for code in clause) for clause in requirement)
    if adopted:
        decisive = tuple(code for clause in requirement for code in clause if met[code])
    else:
        decisive = tuple(
            code for clause in requirement if not any(met[c] for c in clause) for code in clause
        )
    not_bound = tuple(m for m in members if codes[m] == "constructive_abstention")
    return Tally(
        adopted=adopted,
        kind=rule.kind,
        rule=rule,
        members=members,
        positions=codes,
        missing=tuple(m for m in members if m not in positions),
        counts={p: sum(1 for m in members if codes[m] == p) for p in POSITIONS},
        conditions=tuple(conds),
        requirement=requirement,
        decisive=decisive,
        statements=tuple(
            Statement(member=m, position=read[m][0], text=read[m][1])
            for m in members
            if m in read and read[m][1] is not None
        ),
        bound=tuple(m for m in members if m not in not_bound) if adopted else (),
        not_bound=not_bound if adopted else (),
    )
