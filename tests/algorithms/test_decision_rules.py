"""Decision rules against the treaties' own cases, and strict validation of rules and positions.

EU figures: the Council's population shares for 2025 (Annex III to the Council's Rules of
Procedure as amended for 2025: population on 1 January 2024, 451,028,881), in hundredths of a
per cent as published; they add up to 100.01 % through rounding, and every share below is taken
of their own total, as the rule takes it of the sum over all members.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from xietong.algorithms.decision_rules import POSITIONS, parse_rule, tally

EU_2025 = {
    "DE": 1849, "FR": 1517, "IT": 1323, "ES": 1078, "PL": 833, "RO": 423, "NL": 401,
    "BE": 262, "CZ": 242, "PT": 236, "SE": 234, "EL": 231, "HU": 213, "AT": 202,
    "BG": 143, "DK": 132, "FI": 125, "SK": 121, "IE": 119, "HR": 86, "LT": 64,
    "SI": 47, "LV": 42, "EE": 30, "CY": 21, "LU": 15, "MT": 12,
}  # fmt: skip
BY_SIZE = sorted(EU_2025, key=EU_2025.get, reverse=True)
QMV = {"kind": "qualified_majority"}


def council(against=(), abstain=(), absent=()):
    """Every member state in favour except those named."""
    pos = {m: "support" for m in EU_2025}
    pos.update({m: "oppose" for m in against})
    pos.update({m: "abstain" for m in abstain})
    for m in absent:
        del pos[m]
    return pos


def test_eu_has_27_members_and_55_percent_of_them_is_15():
    r = tally(QMV, council(), EU_2025)
    assert len(r.members) == 27
    assert r.condition("member_share").required == 15  # 0.55 * 27 = 14.85, rounded up
    assert r.adopted


def test_three_largest_states_cannot_block_alone():
    """Germany, France and Italy hold 46.89 % of the population, so the others hold 53.12 %:
    less than 65 %, but a blocking minority needs four members (Art. 16(4) TEU, 2nd subpara)."""
    r = tally(QMV, council(against=BY_SIZE[:3]), EU_2025)
    pop = r.condition("population_share")
    assert pop.actual == 10001 - 4689 and not pop.met
    assert pop.actual / pop.total < Fraction(65, 100)
    block = r.condition("blocking_minority")
    assert block.actual == 3 and block.met and block.members == tuple(sorted(BY_SIZE[:3]))
    assert r.adopted
    assert r.decisive == ("member_share", "blocking_minority")


def test_four_largest_states_block():
    r = tally(QMV, council(against=BY_SIZE[:4]), EU_2025)
    assert not r.adopted
    assert r.decisive == ("population_share", "blocking_minority")
    assert r.condition("member_share").met  # 23 states are in favour


def test_the_smallest_state_completes_a_blocking_minority_of_four():
    """DE, FR, IT and Malta (0.12 %): the others hold 53.0 %; four members: blocked."""
    r = tally(QMV, council(against=[*BY_SIZE[:3], "MT"]), EU_2025)
    assert not r.adopted
    assert r.condition("population_share").actual == 10001 - 4689 - 12


def test_abstention_counts_as_not_in_favour_under_qmv():
    assert not tally(QMV, council(abstain=BY_SIZE[:4]), EU_2025).adopted
    assert not tally(QMV, council(absent=BY_SIZE[:4]), EU_2025).adopted


def test_fifteen_smallest_states_meet_the_member_condition_but_not_the_population():
    small = BY_SIZE[12:]
    r = tally(QMV, council(against=BY_SIZE[:12]), EU_2025)
    assert len(small) == 15
    assert r.condition("member_share").met
    assert r.condition("population_share").actual == sum(EU_2025[m] for m in small) == 1372
    assert not r.adopted


def test_fourteen_largest_states_fail_the_member_condition():
    r = tally(QMV, council(against=BY_SIZE[14:]), EU_2025)
    assert r.condition("population_share").met
    assert not r.condition("member_share").met and r.condition("member_share").actual == 14
    assert not r.adopted and r.decisive == ("member_share",)


def test_reinforced_qualified_majority_needs_20_states():
    """Art. 238(2) TFEU: 72 % of the members when the Council does not act on a proposal of the
    Commission: 0.72 * 27 = 19.44, so 20."""
    rule = {"kind": "qualified_majority", "member_share": "0.72"}
    assert tally(rule, council(), EU_2025).condition("member_share").required == 20
    assert tally(rule, council(against=BY_SIZE[-7:]), EU_2025).adopted  # 20 in favour
    assert not tally(rule, council(against=BY_SIZE[-8:]), EU_2025).adopted  # 19


def test_member_count_is_rounded_up_55_percent_of_4_is_3():
    pop = {"A": 1, "B": 1, "C": 1, "D": 1}
    three = tally(QMV, {"A": "support", "B": "support", "C": "support"}, pop)
    two = tally(QMV, {"A": "support", "B": "support"}, pop)
    assert three.condition("member_share").required == 3
    assert three.adopted and not two.adopted


def test_population_share_at_exactly_65_percent_is_met():
    pop = {"A": 65, "B": 10, "C": 10, "D": 10, "E": 5}
    rule = {"kind": "qualified_majority", "blocking_members": 1}
    yes = {"A": "support", "B": "oppose", "C": "oppose", "D": "oppose", "E": "oppose"}
    r = tally(rule, yes, pop)
    assert r.condition("population_share").met and r.condition("population_share").actual == 65
    pop["A"], pop["E"] = Fraction(649999, 10000), Fraction(50001, 10000)
    assert not tally(rule, yes, pop).condition("population_share").met


def test_min_members_fifteen_of_them():
    rule = {"kind": "qualified_majority", "min_members": 15}
    pop = {f"M{i:02d}": 1 for i in range(20)}
    pos = {m: "support" for m in list(pop)[:14]}
    r = tally(rule, pos, pop)  # 14 of 20 = 70 % >= 55 %, but fewer than 15
    assert r.condition("member_share").met and not r.condition("min_members").met
    assert not r.adopted


def test_unanimity_abstentions_do_not_prevent_adoption_tfeu_238_4():
    pos = council(abstain=["HU"])
    assert tally({"kind": "unanimity"}, pos).adopted
    assert not tally({"kind": "unanimity_strict"}, pos).adopted
    assert not tally({"kind": "unanimity"}, council(against=["HU"])).adopted


def test_unanimity_needs_somebody_in_favour():
    r = tally({"kind": "unanimity"}, {"A": "abstain", "B": "absent"})
    assert not r.adopted and r.decisive == ("some_support",)


def test_unanimity_objection_counts_as_against():
    r = tally({"kind": "unanimity"}, {"A": "support", "B": "object"})
    assert not r.adopted and r.condition("opposition").members == ("B",)


def test_constructive_abstention_exactly_one_third_of_27_fails():
    """Nine declarants are exactly 1/3 of 27 members: with 1/3 of the population too, the
    decision is not adopted (Art. 31(1) TEU, 2nd subpara: "at least one third")."""
    pop = {f"M{i:02d}": 1 for i in range(27)}
    declare = list(pop)[:9]
    pos = {m: ("constructive_abstention" if m in declare else "support") for m in pop}
    r = tally({"kind": "constructive_abstention"}, pos, pop)
    assert r.condition("declarant_members").actual == 9
    assert r.condition("declarant_members").required == 9
    assert r.condition("declarant_population").required == 9
    assert not r.adopted and r.bound == () and r.not_bound == ()
    pos[declare[0]] = "abstain"  # eight declarants: adopted, the plain abstainer is bound
    r = tally({"kind": "constructive_abstention"}, pos, pop)
    assert r.adopted and declare[0] in r.bound and r.not_bound == tuple(sorted(declare[1:]))


def test_constructive_abstention_nine_small_states_are_under_a_third_of_the_population():
    declare = BY_SIZE[-9:]
    pos = {m: ("constructive_abstention" if m in declare else "support") for m in EU_2025}
    r = tally({"kind": "constructive_abstention"}, pos, EU_2025)
    assert not r.condition("declarant_members").met
    assert r.condition("declarant_population").met
    assert r.adopted and r.decisive == ("opposition", "some_support", "declarant_population")
    assert set(r.not_bound) == set(declare) and len(r.bound) == 18
    big = BY_SIZE[:9]
    pos = {m: ("constructive_abstention" if m in big else "support") for m in EU_2025}
    assert not tally({"kind": "constructive_abstention"}, pos, EU_2025).adopted


def test_constructive_abstention_vote_against_prevents_adoption():
    pos = {"A": "support", "B": "oppose", "C": "constructive_abstention"}
    r = tally({"kind": "constructive_abstention"}, pos, {"A": 5, "B": 5, "C": 1})
    assert not r.adopted and r.decisive == ("opposition",)


def test_wto_consensus_only_a_member_present_objecting_blocks():
    members = [f"W{i:03d}" for i in range(166)]
    pos = {m: "support" for m in members[:100]}
    pos.update({m: "abstain" for m in members[100:110]})
    rule = {"kind": "consensus", "members": members}
    r = tally(rule, pos)
    assert r.adopted and len(r.missing) == 56
    pos[members[150]] = {"position": "object", "text": "paragraph 3 is unacceptable"}
    r = tally(rule, pos)
    assert not r.adopted and r.decisive == ("objection",)
    assert r.statements[0].text == "paragraph 3 is unacceptable"


def test_consensus_needs_somebody_present():
    r = tally({"kind": "consensus", "members": ["A", "B"]}, {})
    assert not r.adopted and r.decisive == ("someone_present",)


def test_silence_no_answer_is_consent():
    rule = {"kind": "silence", "members": ["BJ", "TJ", "HE"]}
    assert tally(rule, {}).adopted
    assert not tally(rule, {"HE": "object"}).adopted


def test_simple_majority_of_votes_cast_ignores_abstentions():
    pos = {"A": "support", "B": "support", "C": "oppose", "D": "abstain", "E": "abstain"}
    r = tally({"kind": "simple_majority"}, pos)
    assert r.adopted and r.condition("majority").total == 3
    tie = {"A": "support", "B": "oppose", "C": "abstain"}
    assert not tally({"kind": "simple_majority"}, tie).adopted


def test_simple_majority_quorum_and_the_no_show_paradox():
    """Quorum of half of 6 members: three must take part. Two for, one away who opposes: the
    proposal fails for want of a quorum; if the opponent comes and votes no, it passes."""
    rule = {"kind": "simple_majority", "quorum": "1/2", "members": list("ABCDEF")}
    r = tally(rule, {"A": "support", "B": "support"})
    assert not r.adopted and r.decisive == ("quorum",)
    assert r.condition("quorum").required == 3
    assert tally(rule, {"A": "support", "B": "support", "C": "oppose"}).adopted


def test_weighted_threshold_at_least_or_more_than():
    rule = {"kind": "weighted", "weights": {"A": 2, "B": 1, "C": 1}, "threshold": "1/2"}
    pos = {"A": "support", "B": "oppose", "C": "oppose"}
    assert tally(rule, pos).adopted
    assert not tally({**rule, "strict": True}, pos).adopted
    assert tally({"kind": "weighted", "threshold": "1/2"}, pos, {"A": 2, "B": 1, "C": 1}).adopted


def test_explanation_is_codes_and_exact_numbers():
    pos = {"A": {"position": "reservation", "text": "须经省级财政确认"}, "B": "support"}
    r = tally(QMV, pos, {"A": 3, "B": 1, "C": 1})
    d = r.as_dict()
    assert d["conditions"][0] == {
        "code": "member_share", "met": True, "actual": "2", "comparison": "at_least",
        "required": "2", "total": "3", "threshold": "11/20", "members": ["A", "B"],
    }  # fmt: skip
    assert d["statements"] == [
        {"member": "A", "position": "reservation", "text": "须经省级财政确认"}
    ]
    assert d["rule"] == {
        "kind": "qualified_majority",
        "member_share": "11/20",
        "population_share": "13/20",
        "blocking_members": 4,
    }
    assert parse_rule(d["rule"]) == r.rule
    assert d["positions"]["C"] == "absent" and d["missing"] == ["C"]
    assert d["counts"]["reservation"] == 1 and sum(d["counts"].values()) == 3


def test_shares_read_exactly_from_float_decimal_string_and_fraction():
    rules = [
        {"kind": "qualified_majority", "member_share": v}
        for v in (0.55, "0.55", "11/20", Decimal("0.55"), Fraction(11, 20))
    ]
    assert {parse_rule(r).parameters["member_share"] for r in rules} == {Fraction(11, 20)}


@pytest.mark.parametrize("share", [1, "1", 1.0])
def test_share_of_one_is_allowed(share):
    assert parse_rule({"kind": "simple_majority", "quorum": share}).parameters["quorum"] == 1


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"kind": "majority"}, "unknown kind 'majority'"),
        ({}, "unknown kind None"),
        ({"kind": "qualified_majority", "member_shares": 0.5}, "unknown parameter 'member_shares'"),
        ({"kind": "qualified_majority", "member_share": 0}, "more than 0 and at most 1"),
        ({"kind": "qualified_majority", "member_share": 1.01}, "more than 0 and at most 1"),
        ({"kind": "qualified_majority", "population_share": -0.1}, "more than 0 and at most 1"),
        ({"kind": "qualified_majority", "population_share": "x"}, "is not a number"),
        ({"kind": "qualified_majority", "member_share": float("nan")}, "finite"),
        ({"kind": "qualified_majority", "member_share": True}, "boolean"),
        ({"kind": "qualified_majority", "blocking_members": 0}, "whole number of members"),
        ({"kind": "qualified_majority", "blocking_members": 4.0}, "whole number of members"),
        ({"kind": "simple_majority", "quorum": 0}, "more than 0"),
        ({"kind": "weighted", "weights": {"A": 1}}, "'threshold' is required"),
        ({"kind": "weighted", "threshold": 0.5, "weights": {"A": -1}}, "must not be negative"),
        ({"kind": "weighted", "threshold": 0.5, "strict": "yes"}, "true or false"),
        ({"kind": "consensus", "members": ["A", "A"]}, "repeated member A"),
        ({"kind": "consensus", "members": "AB"}, "list of member codes"),
        ({"kind": "unanimity", "quorum": 0.5}, "known: none"),
    ],
)
def test_invalid_rules_are_refused_with_the_reason(rule, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_rule(rule)


@pytest.mark.parametrize(
    ("rule", "positions", "population", "message"),
    [
        (QMV, {"A": "yes"}, {"A": 1}, "unknown position 'yes'"),
        (QMV, {"A": "support"}, None, "needs the population"),
        ({**QMV, "members": ["A", "B"]}, {"A": "support"}, {"A": 1}, "no figure for member B"),
        (QMV, {"A": "support", "B": "support"}, {"A": 1}, "B not a member"),
        (QMV, {"A": "support"}, {"A": 1, "B": -1}, "must not be negative"),
        (QMV, {"A": "support"}, {"A": 0}, "total must be more than 0"),
        ({"kind": "constructive_abstention"}, {"A": "support"}, None, "needs the population"),
        ({"kind": "consensus"}, {"A": "oppose"}, None, "formally objects"),
        ({"kind": "silence"}, {"A": "oppose"}, None, "formally objects"),
        ({"kind": "unanimity"}, {"A": "constructive_abstention"}, None, "no 'constructive_"),
        ({"kind": "unanimity"}, {"A": "reservation"}, None, "reservation needs its text"),
        ({"kind": "unanimity"}, {"A": {"position": "reservation", "text": "  "}}, None, "text"),
        ({"kind": "unanimity"}, {"A": {"position": "support", "text": 3}}, None, "string"),
        ({"kind": "unanimity"}, {"A": {"position": "support", "why": "x"}}, None, "field why"),
        ({"kind": "unanimity", "members": ["A"]}, {"B": "support"}, None, "B not a member"),
        ({"kind": "unanimity"}, {}, None, "no members"),
        ({"kind": "weighted", "threshold": 1}, {"A": "support"}, None, "give 'weights'"),
    ],
)
def test_invalid_positions_are_refused_with_the_reason(rule, positions, population, message):
    with pytest.raises(ValueError, match=message):
        tally(rule, positions, population)


def test_every_position_code_is_known_to_some_kind():
    used = set()
    for kind in ("constructive_abstention", "unanimity"):
        for p in POSITIONS:
            try:
                tally(
                    {"kind": kind},
                    {"A": p if p != "reservation" else {"position": p, "text": "t"}},
                    {"A": 1},
                )
                used.add(p)
            except ValueError:
                pass
    assert used == set(POSITIONS)
