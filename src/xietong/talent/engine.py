"""Between the database and the matching engine: a round's market as arrays, the stored result
and its independent re-check. What the outcome means (the policy targets, the predicted effect on
the balance indicators, the flows between members) is in :mod:`xietong.talent.outcome`; its names
are re-exported here.
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

from xietong.algorithms.matching import (
    Balance,
    Certificate,
    Departure,
    Market,
    Regions,
    certify,
    solve,
)

from .models import (
    IR_MODES,
    Application,
    Choice,
    ExchangePost,
    ExchangeRound,
    Placement,
    Teacher,
)
from .outcome import (  # re-exported: callers read the outcome through the engine
    BACKBONE_LEVELS,
    EFFECT_INDICATORS,
    LEVEL_DIGITS,
    flows,
    policy_check,
    predicted_effect,
)

logger = logging.getLogger(__name__)

__all__ = [
    "BACKBONE_LEVELS",
    "EFFECT_INDICATORS",
    "GATES",
    "HOME_LABEL",
    "LEVEL_DIGITS",
    "Outcome",
    "RoundInput",
    "flows",
    "mechanism_code",
    "policy_check",
    "predicted_effect",
    "round_input",
    "run_round",
    "store_outcome",
    "verify_stored",
]

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


def _read_posts(rnd: ExchangeRound) -> list[tuple]:
    """(pk, code, seats, host school, host county, subject, stage) of each post, by pk."""
    return list(
        ExchangePost.objects.filter(round=rnd)
        .order_by("pk")
        .values_list(
            "pk", "code", "seats", "host_school_id", "host_school__county_id", "subject", "stage"
        )
    )


def _read_choices(rnd: ExchangeRound, post_index: dict[int, int]):
    """The ranked lists as CSR: applicant ids, row pointers, post columns and scores (NaN where
    the host gave no points)."""
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
    return teacher_ids, indptr, p_col, s_col


def _school_regions(rnd: ExchangeRound, posts: list[tuple], caps) -> Regions | None:
    """School caps and caps per receiving member (deferred acceptance only)."""
    member_caps = rnd.member_caps or {}
    if not (rnd.school_cap >= 0 or member_caps) or not posts or rnd.mode in IR_MODES:
        return None
    host_schools = np.array([p[3] for p in posts], dtype=np.int64)
    uniq, post_school = np.unique(host_schools, return_inverse=True)
    area_kw = {}
    if member_caps:
        school_area, area_caps = _member_areas(uniq, posts, post_school, member_caps)
        area_kw = {"school_area": school_area, "area_caps": area_caps}
    return Regions.build(caps, post_school, np.full(uniq.size, rnd.school_cap), **area_kw)


def _departure_caps(rnd: ExchangeRound, teacher_ids, info) -> Departure | None:
    """Each (home school, subject) group keeps its staffing floor: at most the round's share of
    its staff leaves."""
    if not (rnd.max_departure_share < 1 and teacher_ids.size):
        return None
    keys = [(info[t][0], info[t][1]) for t in teacher_ids.tolist()]
    group_index: dict[tuple[int, str], int] = {}
    groups = np.array([group_index.setdefault(k, len(group_index)) for k in keys])
    staff = _staff_counts({k[0] for k in group_index})
    share = float(rnd.max_departure_share)
    gcaps = [int(math.floor(share * staff.get(k, 0) + 1e-9)) for k in group_index]
    return Departure.build(groups, gcaps)


def _member_balance(rnd: ExchangeRound, teacher_ids, info, post_members) -> Balance | None:
    """Members (provinces) send and receive within the round's tolerance."""
    if rnd.balance_tolerance is None or not teacher_ids.size:
        return None
    members: dict[str, int] = {}
    t_member = [members.setdefault(info[t][2][:2], len(members)) for t in teacher_ids.tolist()]
    p_member = [members.setdefault(m, len(members)) for m in post_members]
    return Balance.build(t_member, p_member, np.full(len(members), rnd.balance_tolerance))


def _fingerprint(rnd: ExchangeRound, arrays: list) -> str:
    """The digest of the market and the settings it was solved under."""
    h = hashlib.sha256()
    for arr in arrays:
        h.update(np.ascontiguousarray(arr).tobytes())
    key = (
        rnd.seed,
        rnd.tie_break,
        rnd.school_cap,
        str(rnd.max_departure_share),
        rnd.balance_tolerance,
    )
    if rnd.mode in IR_MODES:  # unchanged fingerprints for rounds stored before modes existed
        key = (*key, rnd.mode)
    if rnd.member_caps:  # likewise for rounds without member caps
        key = (*key, tuple(sorted(rnd.member_caps.items())))
    h.update(repr(key).encode())
    return h.hexdigest()


def round_input(rnd: ExchangeRound) -> RoundInput:
    """Read applications, scores and posts into the engine's CSR market and caps.

    In the individually rational modes every applicant also needs her current post in the
    market (see :func:`_with_current_posts`)."""
    posts = _read_posts(rnd)
    post_ids = np.array([p[0] for p in posts], dtype=np.int64)
    post_index = {pk: i for i, pk in enumerate(post_ids.tolist())}
    caps = np.array([p[2] for p in posts], dtype=np.int64)
    teacher_ids, indptr, p_col, s_col = _read_choices(rnd, post_index)
    # home school, subject, county of each applicant
    info = _teacher_info(rnd)
    ir = rnd.mode in IR_MODES
    codes = [p[1] for p in posts]
    current = None
    choice_pos = None
    post_members = [p[4][:2] for p in posts]
    regions = _school_regions(rnd, posts, caps)  # on the real posts' seats
    if ir:
        indptr, p_col, s_col, caps, current, choice_pos, home_owner = _with_current_posts(
            rnd, teacher_ids, indptr, p_col, s_col, caps, posts, info
        )
        codes = codes + [f"{HOME_LABEL}:{info[t][4]}" for t in home_owner]
        post_members = post_members + [info[t][2][:2] for t in home_owner]
    market = Market.from_csr(
        indptr, p_col, caps, scores=s_col, tie_break=rnd.tie_break, seed=int(rnd.seed)
    )
    arrays = [teacher_ids, post_ids, caps, indptr, p_col, s_col]
    if ir:
        arrays.append(current)
    return RoundInput(
        teacher_ids=teacher_ids,
        post_ids=post_ids,
        post_codes=codes,
        market=market,
        regions=regions,
        departure=_departure_caps(rnd, teacher_ids, info),
        balance=_member_balance(rnd, teacher_ids, info, post_members),
        fingerprint=_fingerprint(rnd, arrays),
        mode=rnd.mode,
        current_post=current,
        n_real=len(posts),
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
    codes = dict(
        Teacher.objects.filter(applications__round=rnd).values_list("pk", "code").distinct()
    )
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
                teacher_code=codes.get(tid, ""),
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
