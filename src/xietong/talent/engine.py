"""Between the database and the matching engine: a round's market as arrays, the stored result,
its independent re-check, the policy targets and the predicted effect on the balance indicators.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xietong.algorithms import inequality
from xietong.algorithms.matching import (
    Balance,
    Certificate,
    Departure,
    Market,
    Regions,
    certify,
    solve,
)
from xietong.evaluation.inputs import school_table
from xietong.regions.selectors import prefixes_q
from xietong.schools.models import SchoolStatistic

from .models import (
    IR_MODES,
    Application,
    Choice,
    ExchangePost,
    ExchangeRound,
    Placement,
    Teacher,
)

logger = logging.getLogger(__name__)

GATES = {0: "", 1: "departure_cap", 2: "balance"}


@dataclass
class RoundInput:
    teacher_ids: np.ndarray  # per market teacher: Teacher pk
    post_ids: np.ndarray  # per market post: ExchangePost pk
    post_codes: list[str]
    market: Market
    regions: Regions | None
    departure: Departure | None
    balance: Balance | None
    fingerprint: str
    mode: str = "da"
    # individually rational modes: current post per market teacher (a market post index) and
    # the number of real exchange posts; market posts from n_real on are private home posts
    current_post: np.ndarray | None = None
    n_real: int = 0
    # per market teacher: market list position -> position in her application (None = home)
    choice_pos: list | None = None

    def stays(self, t: int, a: int) -> bool:
        """Whether market teacher t, assigned market post a, stays at her current post."""
        if a < 0:
            return True
        return self.current_post is not None and int(self.current_post[t]) == a


@dataclass
class Outcome:
    inp: RoundInput
    assignment: np.ndarray
    admitted: np.ndarray
    gate_reason: np.ndarray
    certificate: Certificate
    certificate_summary: dict

    @property
    def n_teachers(self) -> int:
        return int(self.assignment.size)

    @property
    def placed(self) -> int:
        return int((self.assignment >= 0).sum())


def round_input(rnd: ExchangeRound) -> RoundInput:
    """Read applications, scores and posts into the engine's CSR market and caps.

    In the individually rational modes every applicant also needs her current post in the
    market (see :func:`_with_current_posts`)."""
    posts = list(
        ExchangePost.objects.filter(round=rnd)
        .order_by("pk")
        .values_list(
            "pk", "code", "seats", "host_school_id", "host_school__county_id", "subject", "stage"
        )
    )
    post_ids = np.array([p[0] for p in posts], dtype=np.int64)
    post_index = {pk: i for i, pk in enumerate(post_ids.tolist())}
    caps = np.array([p[2] for p in posts], dtype=np.int64)
    rows = Choice.objects.filter(application__round=rnd).order_by("application__teacher_id", "rank")
    cols = list(zip(*rows.values_list("application__teacher_id", "post_id", "score"), strict=True))
    if cols:
        t_col = np.fromiter(cols[0], dtype=np.int64, count=len(cols[0]))
        p_col = np.fromiter((post_index[p] for p in cols[1]), dtype=np.int64, count=len(cols[1]))
        s_col = np.array([np.nan if s is None else s for s in cols[2]], dtype=np.float64)
    else:
        t_col = p_col = np.zeros(0, dtype=np.int64)
        s_col = np.zeros(0, dtype=np.float64)
    teacher_ids, counts = np.unique(t_col, return_counts=True)
    indptr = np.zeros(teacher_ids.size + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    # home school, subject, county of each applicant
    info = _teacher_info(rnd)
    ir = rnd.mode in IR_MODES
    codes = [p[1] for p in posts]
    current = None
    choice_pos = None
    n_real = len(posts)
    post_members = [p[4][:2] for p in posts]
    if ir:
        indptr, p_col, s_col, caps, current, choice_pos, home_owner = _with_current_posts(
            rnd, teacher_ids, indptr, p_col, s_col, caps, posts, info
        )
        codes = codes + [f"{HOME_LABEL}:{info[t][4]}" for t in home_owner]
        post_members = post_members + [info[t][2][:2] for t in home_owner]
    market = Market.from_csr(
        indptr, p_col, caps, scores=s_col, tie_break=rnd.tie_break, seed=int(rnd.seed)
    )
    # schools of the posts, for school caps (deferred acceptance only)
    host_schools = np.array([p[3] for p in posts], dtype=np.int64)
    regions = None
    member_caps = rnd.member_caps or {}
    if (rnd.school_cap >= 0 or member_caps) and posts and not ir:
        uniq, post_school = np.unique(host_schools, return_inverse=True)
        area_kw = {}
        if member_caps:
            school_area, area_caps = _member_areas(uniq, posts, post_school, member_caps)
            area_kw = {"school_area": school_area, "area_caps": area_caps}
        regions = Regions.build(caps, post_school, np.full(uniq.size, rnd.school_cap), **area_kw)
    departure = None
    if rnd.max_departure_share < 1 and teacher_ids.size:
        keys = [(info[t][0], info[t][1]) for t in teacher_ids.tolist()]
        group_index: dict[tuple[int, str], int] = {}
        groups = np.array([group_index.setdefault(k, len(group_index)) for k in keys])
        staff = _staff_counts({k[0] for k in group_index})
        share = float(rnd.max_departure_share)
        gcaps = [int(math.floor(share * staff.get(k, 0) + 1e-9)) for k in group_index]
        departure = Departure.build(groups, gcaps)
    balance = None
    if rnd.balance_tolerance is not None and teacher_ids.size:
        members: dict[str, int] = {}
        t_member = [members.setdefault(info[t][2][:2], len(members)) for t in teacher_ids.tolist()]
        p_member = [members.setdefault(m, len(members)) for m in post_members]
        balance = Balance.build(t_member, p_member, np.full(len(members), rnd.balance_tolerance))
    h = hashlib.sha256()
    arrays = [teacher_ids, post_ids, caps, indptr, p_col, s_col]
    if ir:
        arrays.append(current)
    for arr in arrays:
        h.update(np.ascontiguousarray(arr).tobytes())
    key = (
        rnd.seed,
        rnd.tie_break,
        rnd.school_cap,
        str(rnd.max_departure_share),
        rnd.balance_tolerance,
    )
    if ir:  # unchanged fingerprints for deferred-acceptance rounds stored before modes existed
        key = (*key, rnd.mode)
    if member_caps:  # likewise for rounds without member caps
        key = (*key, tuple(sorted(member_caps.items())))
    h.update(repr(key).encode())
    return RoundInput(
        teacher_ids=teacher_ids,
        post_ids=post_ids,
        post_codes=codes,
        market=market,
        regions=regions,
        departure=departure,
        balance=balance,
        fingerprint=h.hexdigest(),
        mode=rnd.mode,
        current_post=current,
        n_real=n_real,
        choice_pos=choice_pos,
    )


HOME_LABEL = "home"


def _member_areas(schools, posts, post_school, member_caps: dict) -> tuple[list[int], list[int]]:
    """Each host school's receiving member (the capped jurisdiction containing its county) and
    the cap of each member; schools outside every capped member share one uncapped area."""
    from xietong.regions.models import Jurisdiction

    codes = sorted(member_caps)
    prefix = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "prefix"))
    county_of = {}
    for i, p in enumerate(posts):
        county_of[int(post_school[i])] = p[4]
    area_caps = [int(member_caps[c]) for c in codes]
    rest = len(codes)
    school_area = []
    for s in range(len(schools)):
        county = county_of[s]
        hit = next((i for i, c in enumerate(codes) if county.startswith(prefix.get(c, c))), rest)
        school_area.append(hit)
    if rest in school_area:
        area_caps.append(-1)
    return school_area, area_caps


def _with_current_posts(rnd, teacher_ids, indptr, p_col, s_col, caps, posts, info):
    """Put every applicant's current post into her list (individually rational modes).

    * If the round has a post at her own school in her subject and stage with a seat left for
      her, that post is her current post (her seat, offered for exchange): its seats count
      her, and she is unranked there, so in TO-BE the post trades her for any applicant it
      ranks; in "ir_da" the engine gives her top priority there anyway.  Teachers are served
      in teacher order (primary key).
    * Otherwise she gets a private **home post** (one seat, only she is ranked there).

    The current post goes where she put HOME in her list, else last; posts below it are moves
    she would refuse.  Returns the new CSR arrays, capacities, current post per teacher, the
    list position -> application position map, and the owner of each home post.
    """
    home_rank = dict(
        Application.objects.filter(round=rnd, home_rank__isnull=False).values_list(
            "teacher_id", "home_rank"
        )
    )
    own_posts: dict[tuple, list[int]] = defaultdict(list)
    for i, p in enumerate(posts):
        own_posts[(p[3], p[5], p[6])].append(i)
    free = caps.copy()
    n_real = len(posts)
    n_t = teacher_ids.size
    current = np.empty(n_t, dtype=np.int64)
    home_owner: list[int] = []
    new_posts: list[int] = []
    new_scores: list[float] = []
    new_indptr = np.zeros(n_t + 1, dtype=np.int64)
    choice_pos: list[list[int | None]] = []
    ip = indptr.tolist()
    pc = p_col.tolist()
    sc = s_col.tolist()
    for t, tid in enumerate(teacher_ids.tolist()):
        school, subject, _county, stage, _code = info[tid]
        own = next((i for i in own_posts.get((school, subject, stage), ()) if free[i] > 0), None)
        if own is not None:
            free[own] -= 1
            cur, score = own, float("nan")
        else:
            cur, score = n_real + len(home_owner), 0.0
            home_owner.append(tid)
        current[t] = cur
        lst = pc[ip[t] : ip[t + 1]]
        scs = sc[ip[t] : ip[t + 1]]
        k = home_rank.get(tid)
        k = len(lst) if k is None or k > len(lst) else k
        new_posts.extend(lst[:k] + [cur] + lst[k:])
        new_scores.extend(scs[:k] + [score] + scs[k:])
        choice_pos.append(list(range(k)) + [None] + list(range(k, len(lst))))
        new_indptr[t + 1] = len(new_posts)
    caps = np.concatenate((caps, np.ones(len(home_owner), dtype=np.int64)))
    return (
        new_indptr,
        np.array(new_posts, dtype=np.int64),
        np.array(new_scores, dtype=np.float64),
        caps,
        current,
        choice_pos,
        home_owner,
    )


def _teacher_info(rnd: ExchangeRound) -> dict:
    """Home school, subject and county of every applicant (one scan, no huge IN list)."""
    return {
        pk: (school, subject, county, stage, code)
        for pk, school, subject, county, stage, code in Teacher.objects.filter(
            applications__round=rnd
        )
        .values_list("pk", "school_id", "subject", "school__county_id", "stage", "code")
        .iterator(chunk_size=20000)
    }


def _staff_counts(school_ids: set[int]) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = defaultdict(int)
    ids = sorted(school_ids)
    for i in range(0, len(ids), 5000):
        for school, subject in (
            Teacher.objects.filter(school_id__in=ids[i : i + 5000])
            .values_list("school_id", "subject")
            .iterator(chunk_size=50000)
        ):
            out[(school, subject)] += 1
    return out


def mechanism_code(mode: str, *, regions: bool) -> str:
    """The mechanism that ran and the stability its certificate checks, as one code: deferred
    acceptance with school or area caps is the flexible (Kamada-Kojima) variant. Pages word it
    with :data:`xietong.talent.policy_words.MECHANISMS`; nothing English is stored."""
    return "da_regions" if regions and mode == "da" else mode


def _summary(cert: Certificate, inp: RoundInput, result=None) -> dict:
    out = {
        "ok": bool(cert.ok),
        "mode": cert.mode,
        "mechanism": mechanism_code(cert.mode, regions=inp.regions is not None),
        "blocking_pairs": int(len(cert.blocking_pairs)),
        "invalid_assignments": int(len(cert.invalid_assignments)),
        "capacity_violations": list(cert.capacity_violations),
        "gate_violations": list(cert.gate_violations),
        "fingerprint": inp.fingerprint,
        "teachers": int(inp.market.n_teachers),
        "posts": int(inp.post_ids.size),
        "seats": int(inp.market.capacities[: inp.post_ids.size].sum()),
        "entries": int(inp.market.posts.size),
        "why_not": cert.why_not.reason_counts() if cert.why_not is not None else {},
    }
    if inp.current_post is not None:
        out["ir_violations"] = int(len(cert.ir_violations))
        out["home_posts"] = int(inp.market.n_posts - inp.post_ids.size)
        out["stayed"] = (
            None
            if result is None
            else int(sum(inp.stays(t, a) for t, a in enumerate(result.assignment.tolist())))
        )
    if result is not None:
        out.update(
            rounds=int(result.rounds),
            gate_iterations=int(result.gate_iterations),
            held_back=int((~result.admitted).sum()),
        )
    return out


def run_round(rnd: ExchangeRound, progress=None, inp: RoundInput | None = None) -> Outcome:
    """Read the round's market (unless ``inp`` is given) and solve it; ``progress(stage=...)``
    hears of each step (a background job shows them)."""
    report = progress or (lambda **kw: None)
    if inp is None:
        report(stage="reading")
        inp = round_input(rnd)
    report(stage="solving", done=0, total=int(inp.teacher_ids.size))
    result = solve(
        inp.market,
        mode=inp.mode,
        regions=inp.regions,
        current_post=inp.current_post,
        departure=inp.departure,
        balance=inp.balance,
        check=False,
    )
    return Outcome(
        inp=inp,
        assignment=np.asarray(result.assignment),
        admitted=np.asarray(result.admitted),
        gate_reason=np.asarray(result.gate_reason),
        certificate=result.certificate,
        certificate_summary=_summary(result.certificate, inp, result),
    )


def _why_not_lists(outcome: Outcome) -> list[list[dict]]:
    """Per market teacher, the posts ranked above the one received and why not, as JSON."""
    n = outcome.n_teachers
    wn = outcome.certificate.why_not
    if wn is None:
        return [[] for _i in range(n)]
    codes = outcome.inp.post_codes
    from xietong.algorithms.matching import REASONS

    indptr = wn.indptr.tolist()
    posts = wn.posts.tolist()
    reason = wn.reason.tolist()
    your = wn.your_rank.tolist()
    cut = wn.cutoff_rank.tolist()
    cut_s = wn.cutoff_score.tolist() if wn.cutoff_score is not None else None
    # the teacher's own points at each post, from the market's entries
    m = outcome.inp.market
    scores = m.scores.tolist() if m.scores is not None else None
    m_indptr = m.indptr.tolist()
    m_posts = m.posts.tolist()
    out = []
    for t in range(n):
        own = {}
        if scores is not None:
            for k in range(m_indptr[t], m_indptr[t + 1]):
                own[m_posts[k]] = scores[k]
        items = []
        for k in range(indptr[t], indptr[t + 1]):
            p = posts[k]
            item = {
                "post": codes[p],
                "reason": REASONS[reason[k]],
                "your_rank": your[k],
                "cutoff_rank": cut[k],
            }
            if cut_s is not None:
                v = cut_s[k]
                item["cutoff_points"] = None if v != v else v
                s = own.get(p)
                item["your_points"] = None if s is None or s != s else s
            items.append(item)
        out.append(items)
    return out


def store_outcome(rnd: ExchangeRound, outcome: Outcome, progress=None) -> None:
    """Replace the round's placements by the outcome's; ``progress(done=, total=)`` hears of
    each batch written."""
    report = progress or (lambda **kw: None)
    report(stage="storing", done=0, total=outcome.n_teachers)
    Placement.objects.filter(round=rnd).delete()
    why = _why_not_lists(outcome)
    m = outcome.inp.market
    indptr = m.indptr.tolist()
    m_posts = m.posts.tolist()
    post_ids = outcome.inp.post_ids.tolist()
    teacher_ids = outcome.inp.teacher_ids.tolist()
    assignment = outcome.assignment.tolist()
    gates = outcome.gate_reason.tolist()
    batch = []
    inp = outcome.inp
    for t, tid in enumerate(teacher_ids):
        a = assignment[t]
        rank = None
        if inp.stays(t, a):  # no post, or still at her current post: she stays at home
            a = -1
        else:
            rank = m_posts[indptr[t] : indptr[t + 1]].index(a)
            if inp.choice_pos is not None:
                rank = inp.choice_pos[t][rank]
        batch.append(
            Placement(
                round=rnd,
                teacher_id=tid,
                post_id=post_ids[a] if a >= 0 else None,
                choice_rank=rank,
                gate=gates[t],
                why_not=why[t],
            )
        )
        if len(batch) >= 5000:
            Placement.objects.bulk_create(batch)
            batch = []
            report(done=t + 1)
    Placement.objects.bulk_create(batch)
    report(done=outcome.n_teachers)


def verify_stored(rnd: ExchangeRound) -> dict:
    """Rebuild the market from the database and check the stored placements with the
    independent certificate; also refuse if the inputs changed since the matching ran."""
    inp = round_input(rnd)
    problems = []
    if inp.fingerprint != rnd.certificate.get("fingerprint"):
        problems.append(_("the inputs changed since the matching ran"))
    t_index = {pk: i for i, pk in enumerate(inp.teacher_ids.tolist())}
    p_index = {pk: i for i, pk in enumerate(inp.post_ids.tolist())}
    n = inp.teacher_ids.size
    assignment = np.full(n, -1, dtype=np.int64)
    gate = np.zeros(n, dtype=np.int8)
    seen = 0
    for tid, pid, g in (
        Placement.objects.filter(round=rnd)
        .values_list("teacher_id", "post_id", "gate")
        .iterator(chunk_size=20000)
    ):
        i = t_index.get(tid)
        if i is None:
            problems.append(
                _("a placement of a teacher without an application (%(t)s)") % {"t": tid}
            )
            continue
        seen += 1
        if pid is None:  # stays at home: her current post in the individually rational modes
            assignment[i] = -1 if inp.current_post is None else inp.current_post[i]
        else:
            assignment[i] = p_index[pid]
        gate[i] = g
    if seen != n:
        problems.append(_("%(n)d applicants have no stored result") % {"n": n - seen})
    cert = certify(
        inp.market,
        assignment,
        mode=inp.mode,
        regions=inp.regions,
        current_post=inp.current_post,
        departure=inp.departure,
        balance=inp.balance,
        admitted=gate == 0,
        gate_reason=gate,
        why_not=False,
    )
    if not cert.ok:
        counts = {
            "blocking": len(cert.blocking_pairs),
            "invalid": len(cert.invalid_assignments),
            "capacity": len(cert.capacity_violations),
            "gates": len(cert.gate_violations),
            "ir": sum(
                len(getattr(cert, name, None) if getattr(cert, name, None) is not None else ())
                for name in ("ir_violations", "post_ir_violations", "improving_block_teachers")
            ),
        }
        problems.append(
            _(
                "the certificate fails: %(blocking)d blocking pairs, %(invalid)d invalid "
                "placements, %(capacity)d seats or caps exceeded, %(gates)d floors or balance "
                "limits broken, %(ir)d teachers worse off than at home or in an improving exchange"
            )
            % counts
        )
        logger.warning("stored round %s fails its certificate:\n%s", rnd.pk, cert.summary())
    sep = pgettext("list separator", ", ")
    return {"ok": not problems, "problems": sep.join(problems), "teachers": int(n)}


# ---- policy targets ----------------------------------------------------------------------------
#: Backbone teachers in the sense of the catalogue's ``teachers_backbone`` and of the rotation
#: rule: recognised at county level or above (县级及以上骨干教师); school-level backbones are not.
BACKBONE_LEVELS = ("county", "city", "province")


def _round_members(rnd: ExchangeRound) -> list[tuple[str, str]]:
    """(code, prefix) of the members of the round's own area, or its jurisdiction."""
    from xietong.regions.models import AreaMembership

    if rnd.area_id:
        return sorted(
            AreaMembership.objects.filter(area_id=rnd.area_id).values_list(
                "jurisdiction_id", "jurisdiction__prefix"
            )
        )
    return [(rnd.jurisdiction_id, rnd.jurisdiction.prefix)]


def policy_check(rnd: ExchangeRound, outcome: Outcome | None = None) -> dict:
    """The rotation targets of 教师〔2014〕4号 and 教督〔2017〕6号 (government guarantee, item 10),
    per county: at least ``min_rotation_share`` (10%) of the eligible teachers of the county's urban
    and high-quality schools rotate to rural or weaker schools, and county-level-and-above
    backbone teachers are at least ``min_backbone_share`` (20%) of those who rotate.

    Eligible: ``eligible``, not exempt, at least ``min_years_at_school`` (6) years at the school.
    Only moves *towards* rural or weaker schools count (a rural-to-urban move does not); "urban",
    "rural", "high-quality" and "weaker" are defined in :mod:`xietong.evaluation.standing`. The
    result is structured (no sentences) and totalled per member of the round's own area.
    """
    from xietong.evaluation.standing import school_standing

    from .selectors import round_prefixes

    prefixes = round_prefixes(rnd)
    year = _latest_year(prefixes, rnd)
    standing = school_standing(prefixes=prefixes, year=year) if year is not None else {}

    def sending(pk: int) -> bool:
        st = standing.get(pk)
        return st is not None and (not st.rural or st.high_quality)

    def receiving(pk: int) -> bool:
        st = standing.get(pk)
        return st is not None and (st.rural or st.weaker)

    counties: dict[str, dict] = defaultdict(
        lambda: {"eligible": 0, "placed": 0, "backbone": 0, "not_counted": 0}
    )
    eligible_q = Teacher.objects.filter(
        prefixes_q(prefixes, "school__county__code"),
        eligible=True,
        exemption="none",
        years_at_school__gte=rnd.min_years_at_school,
        position="teacher",
    )
    for school_id, county, n in _count_by(eligible_q, "school_id", "school__county_id"):
        if sending(school_id):
            counties[county]["eligible"] += n
    moves = Placement.objects.filter(round=rnd, post__isnull=False).values_list(
        "teacher__school_id",
        "teacher__school__county_id",
        "post__host_school_id",
        "teacher__backbone",
        "post__kind",
    )
    principals = 0
    for home, county, host, backbone, kind in moves.iterator(chunk_size=20000):
        if kind == "principal":  # 校长交流 has its own rule: not in the teachers' 10% / 20%
            principals += 1
            continue
        if sending(home) and receiving(host):
            counties[county]["placed"] += 1
            counties[county]["backbone"] += backbone in BACKBONE_LEVELS
        else:
            counties[county]["not_counted"] += 1
    members = _round_members(rnd)
    by_member: dict[str, dict] = {
        code: {"eligible": 0, "placed": 0, "backbone": 0, "counties": 0, "counties_met": 0}
        for code, _p in members
    }
    missed = []
    for county, c in sorted(counties.items()):
        c["required_rotating"] = math.ceil(float(rnd.min_rotation_share) * c["eligible"] - 1e-9)
        c["required_backbone"] = math.ceil(float(rnd.min_backbone_share) * c["placed"] - 1e-9)
        c["met"] = c["placed"] >= c["required_rotating"] and c["backbone"] >= c["required_backbone"]
        if c["placed"] < c["required_rotating"]:
            missed.append(
                {
                    "county": county,
                    "target": "rotation",
                    "have": c["placed"],
                    "need": c["required_rotating"],
                }
            )
        if c["backbone"] < c["required_backbone"]:
            missed.append(
                {
                    "county": county,
                    "target": "backbone",
                    "have": c["backbone"],
                    "need": c["required_backbone"],
                }
            )
        member = next((code for code, p in members if county.startswith(p)), None)
        c["member"] = member
        if member is not None:
            m = by_member[member]
            for k in ("eligible", "placed", "backbone"):
                m[k] += c[k]
            m["counties"] += 1
            m["counties_met"] += c["met"]
    total = {k: sum(c[k] for c in counties.values()) for k in ("eligible", "placed", "backbone")}
    return {
        **total,
        "year": year,
        "not_counted": sum(c["not_counted"] for c in counties.values()),
        "principals_rotating": principals,
        "rotation_share": total["placed"] / total["eligible"] if total["eligible"] else None,
        "backbone_share": total["backbone"] / total["placed"] if total["placed"] else None,
        "min_rotation_share": float(rnd.min_rotation_share),
        "min_backbone_share": float(rnd.min_backbone_share),
        "min_years_at_school": rnd.min_years_at_school,
        "required_rotating": sum(c["required_rotating"] for c in counties.values()),
        "required_backbone": sum(c["required_backbone"] for c in counties.values()),
        "met": not missed,
        "missed": missed,
        "counties": dict(counties),
        "members": by_member,
    }


def _count_by(qs, *fields: str):
    from django.db.models import Count

    return qs.values_list(*fields).annotate(n=Count("pk")).order_by()


# ---- predicted effect on balance indicators ----------------------------------------------------
EFFECT_INDICATORS = (("teachers", "teachers_per_100"), ("teachers_backbone", "backbone_per_100"))


def _latest_year(prefixes: list[str], rnd: ExchangeRound) -> int | None:
    years = sorted(
        set(
            SchoolStatistic.objects.filter(
                prefixes_q(prefixes, "school__county__code"), indicator_id="teachers"
            )
            .values_list("year", flat=True)
            .distinct()
        )
    )
    if not years:
        return None
    before = [y for y in years if y <= rnd.year]
    return before[-1] if before else years[-1]


def _cv(values: np.ndarray, weights: np.ndarray) -> float | None:
    if values.size < 2 or weights.sum() <= 0 or values.mean() <= 0:
        return None
    try:
        return float(inequality.cv(values, weights))
    except ValueError:
        return None


def predicted_effect(rnd: ExchangeRound) -> dict:
    """County CVs of teachers (and backbone teachers) per 100 students, weighted by enrolment,
    before and after the round's moves; the moved teachers count at the host school."""
    from .selectors import round_prefixes

    prefixes = round_prefixes(rnd)
    year = _latest_year(prefixes, rnd)
    if year is None:
        return {"year": None, "counties": [], "note": "no_teacher_statistics"}
    table = school_table(
        prefixes=prefixes, year=year, raw_codes=("students", "teachers", "teachers_backbone")
    )
    index = {pk: i for i, pk in enumerate(table["pk"].tolist())}
    delta = {raw: np.zeros(table["pk"].size) for raw, _k in EFFECT_INDICATORS}
    moves = Placement.objects.filter(round=rnd, post__isnull=False).values_list(
        "teacher__school_id", "post__host_school_id", "teacher__backbone"
    )
    moved = 0
    for home, host, bb in moves.iterator(chunk_size=20000):
        moved += 1
        for raw, _k in EFFECT_INDICATORS:
            if raw == "teachers_backbone" and bb not in BACKBONE_LEVELS:
                continue  # the statistic counts county-level-and-above backbones only
            if home in index:
                delta[raw][index[home]] -= 1
            if host in index:
                delta[raw][index[host]] += 1
    students = table["students"]
    counties = table["county"]
    rows = []
    for county in sorted(set(counties.tolist())):
        mask = (counties == county) & (students > 0)
        row = {"county": county, "schools": int(mask.sum())}
        usable = True
        for raw, key in EFFECT_INDICATORS:
            vals = table[raw][mask]
            ok = ~np.isnan(vals)
            if ok.sum() < 2:
                usable = False
                break
            w = students[mask][ok]
            before = 100 * vals[ok] / w
            after = 100 * np.maximum(vals[ok] + delta[raw][mask][ok], 0) / w
            b, a = _cv(before, w), _cv(after, w)
            row[f"{key}_cv_before"] = b
            row[f"{key}_cv_after"] = a
            row[f"{key}_cv_change"] = None if b is None or a is None else a - b
        if usable:
            row["moved_in"] = int(delta["teachers"][mask].clip(min=0).sum())
            row["moved_out"] = int((-delta["teachers"][mask]).clip(min=0).sum())
            rows.append(row)
    rows.sort(key=lambda r: r.get("teachers_per_100_cv_change") or 0)
    shrink = [r for r in rows if (r.get("teachers_per_100_cv_change") or 0) < -1e-12]
    grow = [r for r in rows if (r.get("teachers_per_100_cv_change") or 0) > 1e-12]
    bb = [r.get("backbone_per_100_cv_change") or 0 for r in rows]
    return {
        "year": year,
        "moved": moved,
        "counties": rows,
        "shrinking": len(shrink),
        "growing": len(grow),
        "unchanged": len(rows) - len(shrink) - len(grow),
        "backbone_shrinking": sum(1 for c in bb if c < -1e-12),
        "backbone_growing": sum(1 for c in bb if c > 1e-12),
    }


# ---- flows -------------------------------------------------------------------------------------
LEVEL_DIGITS = {"province": 2, "prefecture": 4, "county": 6}


def flows(rnd: ExchangeRound, level: str = "province") -> list[dict]:
    """Teachers moving from one member (province, prefecture or county) to another."""
    from django.db.models import Count

    from xietong.regions.models import Jurisdiction

    digits = LEVEL_DIGITS[level]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    qs = (
        Placement.objects.filter(round=rnd, post__isnull=False)
        .values_list(
            "teacher__school__county_id", "post__host_school__county_id", "teacher__backbone"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for src, dst, bb, n in qs:
        key = (src[:digits].ljust(12, "0"), dst[:digits].ljust(12, "0"))
        counts[key][0] += n
        if bb != "none":
            counts[key][1] += n
    codes = {c for k in counts for c in k}
    names = {j.code: j.name for j in Jurisdiction.objects.filter(code__in=codes)}
    return [
        {
            "from_code": s,
            "from_name": names.get(s, s),
            "to_code": d,
            "to_name": names.get(d, d),
            "teachers": v[0],
            "backbone": v[1],
        }
        for (s, d), v in sorted(counts.items(), key=lambda kv: -kv[1][0])
    ]
