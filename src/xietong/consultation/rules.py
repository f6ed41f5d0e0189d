"""The decision rule of a proposal: checked when drafted, frozen when circulated, applied by the
pure :mod:`xietong.algorithms.decision_rules` when a positions window closes.

A rule is a JSON mapping as ``decision_rules.tally`` takes it (``kind`` and its parameters), plus
two keys this app reads itself:

``population``
    where the weights come from when the rule needs them (``qualified_majority``,
    ``constructive_abstention``): ``{"basis": "students", "year": 2024}`` takes each member's
    enrolment from the registry's county totals of that year; ``{"basis": "given", "weights":
    {code: number}}`` takes them as written. Either way they are frozen on the ballot.
``escalation``
    ``{"days": N, "fallback": {rule}}``: when a ballot fails, the next level up considers the
    same text for ``N`` working days under the same rule; when the decision level fails too, the
    fallback rule is applied there for ``N`` more days (docs/consultation.md, "Escalation").
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from xietong.algorithms import decision_rules

NEEDS_POPULATION = {"qualified_majority", "constructive_abstention"}
MAX_ESCALATION_DAYS = 60


def clean(rule: dict) -> dict:
    """The rule, checked: the algorithm accepts it, and the app's own keys are well formed."""
    if not isinstance(rule, dict) or not isinstance(rule.get("kind"), str):
        raise ValueError(_("A decision rule needs a kind."))
    rule = dict(rule)
    population = rule.get("population")
    if rule["kind"] in NEEDS_POPULATION and population is None:
        rule["population"] = population = {"basis": "students"}
    if population is not None:
        _check_population(population)
    escalation = rule.get("escalation")
    if escalation is not None:
        _check_escalation(escalation)
    try:
        decision_rules.parse_rule(algorithm_rule(rule))
    except ValueError as exc:
        raise ValueError(_("The decision rule is not valid: %(e)s") % {"e": exc}) from exc
    return rule


def _check_population(population) -> None:
    basis = population.get("basis") if isinstance(population, dict) else None
    if basis == "students":
        year = population.get("year")
        if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
            raise ValueError(_("The population year must be a year."))
        return
    if basis == "given":
        weights = population.get("weights")
        if not isinstance(weights, dict) or not weights:
            raise ValueError(_("Given weights must map member codes to numbers."))
        for code, w in weights.items():
            if not isinstance(w, int | float) or isinstance(w, bool) or w < 0:
                raise ValueError(_("The weight of %(c)s must be a number ≥ 0.") % {"c": code})
        return
    raise ValueError(_("The population basis must be students or given weights."))


def _check_escalation(escalation) -> None:
    if not isinstance(escalation, dict):
        raise ValueError(_("The escalation must say its days and fallback rule."))
    days = escalation.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_ESCALATION_DAYS:
        raise ValueError(
            _("Escalation days must be between 1 and %(m)s.") % {"m": MAX_ESCALATION_DAYS}
        )
    fallback = escalation.get("fallback")
    if fallback is not None:
        if not isinstance(fallback, dict) or "escalation" in fallback:
            raise ValueError(_("The fallback rule cannot escalate again."))
        clean(fallback)


def population_for(rule: dict, members: list[str]) -> dict[str, float] | None:
    """The weights the rule needs, read now (at circulation) to be frozen on the ballot."""
    population = rule.get("population")
    if population is None and rule.get("kind") not in NEEDS_POPULATION:
        return None
    population = population or {"basis": "students"}
    if population["basis"] == "given":
        weights = population["weights"]
        missing = [m for m in members if m not in weights]
        if missing:
            raise ValueError(_("The given weights lack members: %(m)s") % {"m": ", ".join(missing)})
        return {m: float(weights[m]) for m in members}
    from xietong.schools.selectors import students_by_member

    year, totals = students_by_member(members, year=population.get("year"))
    if not totals or not any(totals.values()):
        raise ValueError(
            _("The registry has no enrolment for the members; give the weights instead.")
        )
    return {m: float(totals.get(m, 0)) for m in members} | {"_year": year}


def escalation_step(rule: dict, level: str, next_level) -> tuple[str, dict, int] | None:
    """Where a failed ballot goes: (level, rule, working days), or None when it simply fails."""
    escalation = rule.get("escalation")
    if not escalation:
        return None
    up = next_level(level)
    if up is not None:
        return up, rule, escalation["days"]
    fallback = escalation.get("fallback")
    if fallback:
        return level, {**fallback, "is_fallback": True}, escalation["days"]
    return None


APP_KEYS = ("population", "escalation", "is_fallback")


def algorithm_rule(rule: dict) -> dict:
    """The rule as ``decision_rules`` takes it: without the keys this app reads itself."""
    return {k: v for k, v in rule.items() if k not in APP_KEYS}


def accepts(rule: dict, position: str) -> bool:
    """Whether the rule's kind takes this position (consensus and silence take no votes: a
    member that disagrees formally objects)."""
    return position in decision_rules.ALLOWED[rule["kind"]]


def tally(
    rule: dict,
    members: list[str],
    positions: dict[str, str],
    population: dict | None,
    texts: dict[str, str],
) -> dict:
    """Apply the frozen rule to the latest positions of the entitled members (a member without
    one is absent). Returns the algorithm's explanation as JSON: codes and exact numbers."""
    body_rule = {**algorithm_rule(rule), "members": list(members)}
    given = {
        m: {"position": kind, "text": texts[m]} if texts.get(m) else kind
        for m, kind in positions.items()
        if m in members
    }
    weights = None
    if population:
        weights = {m: population[m] for m in members}
    return decision_rules.tally(body_rule, given, weights).as_dict()
