"""Synthetic demo data for talent circulation: teachers at the demo schools of
Beijing-Tianjin-Hebei, exchange posts, and one full round from applications to published results.

Everything is generated with numpy from one seed and written in bulk; the round's steps run
through the same services as the pages (``actor=None``, the operator).
"""

from __future__ import annotations

import time

import numpy as np
from django.db import connection, transaction

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.regions.models import CooperationArea
from xietong.regions.selectors import area_member_prefixes, prefixes_q
from xietong.schools.models import School, SchoolStatistic

from . import services
from .models import Application, Choice, ExchangePost, ExchangeRound, RoundStatus, Teacher

SUBJECTS = np.array(
    ["chinese", "maths", "english", "science", "pe", "music", "art", "it", "physics", "chemistry"]
)
SUBJECT_P = np.array([0.24, 0.22, 0.15, 0.08, 0.07, 0.05, 0.05, 0.04, 0.05, 0.05])
TITLES = np.array(["none", "third", "second", "first", "senior", "professor"])
TITLE_P = np.array([0.08, 0.07, 0.35, 0.35, 0.14, 0.01])
BACKBONES = np.array(["none", "school", "county", "city", "province"])
BACKBONE_P = np.array([0.8, 0.09, 0.06, 0.04, 0.01])
TITLE_PTS = np.array([0, 1, 2, 4, 6, 8])
BACKBONE_PTS = np.array([0, 2, 4, 6, 8])
ROUND_NAME = "京津冀教师交流轮岗（示例）"


def _stage_of(school_stage: np.ndarray, rng) -> np.ndarray:
    out = np.where(np.isin(school_stage, ["junior"]), "junior", "primary").astype(object)
    out[np.isin(school_stage, ["senior"])] = "senior"
    mixed = np.isin(school_stage, ["nine_year", "twelve_year", "complete_secondary"])
    out[mixed] = np.where(rng.random(mixed.sum()) < 0.5, "primary", "junior")
    cs = school_stage == "complete_secondary"
    out[cs] = np.where(rng.random(cs.sum()) < 0.5, "junior", "senior")
    return out


def _bulk_insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Fast insert of plain rows: COPY on PostgreSQL, executemany on SQLite."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        for i in range(0, len(rows), 50000):
            cur.executemany(sql, rows[i : i + 50000])


def _schools(prefixes: list[str]):
    rows = list(
        School.objects.filter(prefixes_q(prefixes, "county__code"), is_synthetic=True, is_open=True)
        .order_by("pk")
        .values_list("pk", "stage", "location", "longitude", "latitude", "county_id")
    )
    staff = dict(
        SchoolStatistic.objects.filter(school_id__in=[r[0] for r in rows], indicator_id="teachers")
        .order_by("school_id", "-year")
        .values_list("school_id", "value")
    )
    return rows, staff


def _create_teachers(rng, schools, staff, n: int) -> None:
    # staff concentrated in about one school per 50 teachers, so that each school's subject
    # groups are large enough for a staffing floor to leave room for some departures
    pks = np.array([s[0] for s in schools])
    weight = np.array([float(staff.get(pk, 30)) for pk in pks]) + 1
    used = rng.choice(
        pks.size, size=min(pks.size, max(20, n // 50)), replace=False, p=weight / weight.sum()
    )
    at = used[rng.choice(used.size, size=n, p=weight[used] / weight[used].sum())]
    stage = _stage_of(np.array([schools[i][1] for i in at], dtype=object), rng)
    subject = rng.choice(SUBJECTS, size=n, p=SUBJECT_P)
    # physics and chemistry only at secondary stages
    sci = np.isin(subject, ["physics", "chemistry"]) & (stage == "primary")
    subject[sci] = "science"
    title = rng.choice(TITLES, size=n, p=TITLE_P)
    backbone = rng.choice(BACKBONES, size=n, p=BACKBONE_P)
    years = np.minimum(rng.geometric(0.12, size=n) - 1, 35)
    exempt = rng.random(n) < 0.05
    exemption = np.where(
        exempt, rng.choice(["near_retirement", "health", "family"], size=n), "none"
    )
    eligible = rng.random(n) < 0.97
    hours = rng.integers(10, 17, size=n)
    start = Teacher.objects.filter(is_synthetic=True).count()
    batch = []
    for i in range(n):
        k = start + i
        batch.append(
            Teacher(
                code=f"DEMO-T{k:07d}",
                name=f"示例教师{k:06d}",
                school_id=int(pks[at[i]]),
                subject=str(subject[i]),
                stage=str(stage[i]),
                title=str(title[i]),
                backbone=str(backbone[i]),
                years_at_school=int(years[i]),
                eligible=bool(eligible[i]),
                exemption=str(exemption[i]),
                weekly_hours=int(hours[i]),
                is_synthetic=True,
            )
        )
    Teacher.objects.bulk_create(batch, batch_size=5000)


def _backbone_deficit(schools, year: int) -> np.ndarray:
    """Per school, the backbone teachers it lacks to reach its county's rate per 100 students
    (latest statistics up to ``year``); 0 at schools at or above the county rate or without
    statistics."""
    pks = [s[0] for s in schools]
    stats = SchoolStatistic.objects.filter(
        school_id__in=pks, indicator_id__in=("students", "teachers_backbone")
    )
    years = sorted(set(stats.values_list("year", flat=True).distinct()))
    if not years:
        return np.zeros(len(schools))
    before = [y for y in years if y <= year]
    use = before[-1] if before else years[-1]
    values: dict[tuple[int, str], float] = {
        (sid, ind): float(v)
        for sid, ind, v in stats.filter(year=use).values_list("school_id", "indicator_id", "value")
    }
    students = np.array([values.get((pk, "students"), np.nan) for pk in pks])
    backbone = np.array([values.get((pk, "teachers_backbone"), np.nan) for pk in pks])
    ok = (students > 0) & ~np.isnan(backbone)
    county = np.array([s[5] for s in schools])
    deficit = np.zeros(len(schools))
    for c in np.unique(county[ok]):
        m = ok & (county == c)
        rate = backbone[m].sum() / students[m].sum()
        deficit[m] = np.maximum(rate * students[m] - backbone[m], 0)
    return deficit


def _create_posts(rng, rnd, schools, n_posts: int) -> None:
    # receiving schools: those furthest below their county's backbone teachers per 100
    # students, in proportion to the backbone teachers they lack, so that the round narrows the
    # backbone gap; without statistics, rural and town schools (and Hebei's) more often
    w = _backbone_deficit(schools, rnd.year)
    if w.sum() <= 0:
        loc = np.array([s[2] for s in schools])
        hebei = np.array([s[5].startswith("13") for s in schools])
        w = np.where(loc == "rural", 4.0, np.where(loc == "town", 2.0, 0.5)) * np.where(hebei, 2, 1)
    at = rng.choice(len(schools), size=n_posts, p=w / w.sum())
    stage = _stage_of(np.array([schools[i][1] for i in at], dtype=object), rng)
    subject = rng.choice(SUBJECTS, size=n_posts, p=SUBJECT_P)
    subject[np.isin(subject, ["physics", "chemistry"]) & (stage == "primary")] = "science"
    kind = rng.choice(["rotation", "secondment", "support"], size=n_posts, p=[0.6, 0.2, 0.2])
    term = rng.choice([1, 2, 3], size=n_posts, p=[0.5, 0.3, 0.2])
    seats = rng.choice([1, 2, 3], size=n_posts, p=[0.5, 0.3, 0.2])
    ExchangePost.objects.bulk_create(
        [
            ExchangePost(
                round=rnd,
                code=f"P{i:05d}",
                host_school_id=int(schools[at[i]][0]),
                subject=str(subject[i]),
                stage=str(stage[i]),
                kind=str(kind[i]),
                term_years=int(term[i]),
                seats=int(seats[i]),
            )
            for i in range(n_posts)
        ],
        batch_size=5000,
    )


def _applications(rng, rnd, choices: int, apply_share: float) -> tuple[int, int]:
    """Vectorised preference lists: within each (subject, stage) group, a teacher ranks posts by
    distance plus Gumbel noise (a random utility model), never at her own school."""
    posts = list(
        ExchangePost.objects.filter(round=rnd).values_list(
            "pk",
            "subject",
            "stage",
            "host_school_id",
            "host_school__longitude",
            "host_school__latitude",
        )
    )
    teachers = list(
        Teacher.objects.filter(
            is_synthetic=True, eligible=True, exemption="none", school__is_synthetic=True
        )
        .filter(prefixes_q(area_member_prefixes(rnd.area), "school__county__code"))
        .order_by("pk")
        .values_list(
            "pk",
            "subject",
            "stage",
            "school_id",
            "school__longitude",
            "school__latitude",
            "years_at_school",
            "title",
            "backbone",
        )
    )
    take = rng.random(len(teachers)) < apply_share
    teachers = [t for t, ok in zip(teachers, take, strict=True) if ok]
    groups: dict[tuple[str, str], list[int]] = {}
    for j, p in enumerate(posts):
        groups.setdefault((p[1], p[2]), []).append(j)
    p_pk = np.array([p[0] for p in posts], dtype=np.int64)
    p_school = np.array([p[3] for p in posts], dtype=np.int64)
    p_xy = np.array([[p[4] or 0.0, p[5] or 0.0] for p in posts])
    by_group: dict[tuple[str, str], list[int]] = {}
    for i, t in enumerate(teachers):
        by_group.setdefault((t[1], t[2]), []).append(i)
    title_idx = {v: i for i, v in enumerate(TITLES)}
    bb_idx = {v: i for i, v in enumerate(BACKBONES)}
    app_teacher: list[int] = []
    lists: list[np.ndarray] = []
    for key, t_idx in by_group.items():
        g = groups.get(key)
        if not g:
            continue
        g = np.array(g)
        t_idx = np.array(t_idx)
        for lo in range(0, t_idx.size, 4000):
            chunk = t_idx[lo : lo + 4000]
            xy = np.array([[teachers[i][4] or 0.0, teachers[i][5] or 0.0] for i in chunk])
            d = np.hypot(
                xy[:, None, 0] - p_xy[None, g, 0], (xy[:, None, 1] - p_xy[None, g, 1]) * 1.3
            )
            util = -d / 0.5 + rng.gumbel(size=d.shape)
            own = np.array([teachers[i][3] for i in chunk])
            util[own[:, None] == p_school[None, g]] = -np.inf
            k = min(choices, g.size)
            top = (
                np.argpartition(-util, k - 1, axis=1)[:, :k]
                if k < g.size
                else np.tile(np.arange(g.size), (chunk.size, 1))
            )
            order = np.argsort(-np.take_along_axis(util, top, axis=1), axis=1)
            top = np.take_along_axis(top, order, axis=1)
            ok = np.isfinite(np.take_along_axis(util, top, axis=1))
            for r, i in enumerate(chunk):
                row = g[top[r][ok[r]]]
                if row.size:
                    app_teacher.append(i)
                    lists.append(row)
    with transaction.atomic():
        Application.objects.bulk_create(
            [Application(round=rnd, teacher_id=teachers[i][0]) for i in app_teacher],
            batch_size=5000,
        )
        app_of = dict(Application.objects.filter(round=rnd).values_list("teacher_id", "pk"))
        rows = []
        for i, lst in zip(app_teacher, lists, strict=True):
            t = teachers[i]
            pts = float(min(t[6], 20) + TITLE_PTS[title_idx[t[7]]] + BACKBONE_PTS[bb_idx[t[8]]])
            a = app_of[t[0]]
            rows.extend((a, int(p_pk[j]), r, pts) for r, j in enumerate(lst.tolist()))
        _bulk_insert(Choice._meta.db_table, ["application_id", "post_id", "rank", "score"], rows)
        audit_record(
            actor=None,
            action=AuditAction.TALENT_APPLICATIONS_DEMO,
            object_type=ObjectType.EXCHANGE_ROUND,
            object_id=rnd.pk,
            after={"applications": len(app_teacher), "choices": len(rows)},
        )
    return len(app_teacher), len(rows)


def talent_demo_load(
    *,
    seed: int = 2024,
    teachers: int = 5000,
    choices: int = 10,
    apply_share: float = 0.9,
    progress=None,
    until: str = "published",
) -> dict:
    """Create demo teachers, posts and one published round in Beijing-Tianjin-Hebei.

    Idempotent: teachers are only added up to ``teachers``; the round is made once. ``until=
    "ranking"`` leaves the round with its applications closed, ready to be matched (the jobs'
    tests match it from the round page). Returns what was done and how long each step took
    (seconds)."""
    say = progress or (lambda msg: None)
    timings: dict[str, float] = {}
    area = CooperationArea.objects.get(slug="jjj")
    prefixes = area_member_prefixes(area)
    schools, staff = _schools(prefixes)
    if not schools:
        return {"skipped": "no synthetic schools in jjj; run the schools demo first"}
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    have = Teacher.objects.filter(is_synthetic=True).count()
    if have < teachers:
        say(f"teachers: creating {teachers - have}")
        with transaction.atomic():
            _create_teachers(rng, schools, staff, teachers - have)
            audit_record(
                actor=None,
                action=AuditAction.TALENT_TEACHERS_DEMO,
                object_type=ObjectType.TEACHERS,
                object_id="demo",
                after={"created": teachers - have, "seed": seed},
            )
    timings["teachers"] = time.perf_counter() - t0
    rnd = ExchangeRound.objects.filter(is_synthetic=True, area=area).first()
    if rnd is not None and rnd.status in (
        *((RoundStatus.RANKING,) if until == "ranking" else ()),
        RoundStatus.PUBLISHED,
        RoundStatus.IN_SERVICE,
        RoundStatus.RETURNED,
    ):
        return _summary(rnd, timings, created=False)
    if rnd is not None:  # an interrupted earlier load: start the round again
        rnd.delete()
    t0 = time.perf_counter()
    n_teachers = Teacher.objects.filter(is_synthetic=True).count()
    rnd = services.round_create(
        name=ROUND_NAME,
        year=2025,
        area=area,
        actor=None,
        seed=seed,
        max_choices=max(choices, 1),
        balance_tolerance=None,
    )
    ExchangeRound.objects.filter(pk=rnd.pk).update(is_synthetic=True)
    n_posts = max(5, n_teachers // 25)
    with transaction.atomic():
        _create_posts(rng, rnd, schools, n_posts)
        audit_record(
            actor=None,
            action=AuditAction.TALENT_POSTS_DEMO,
            object_type=ObjectType.EXCHANGE_ROUND,
            object_id=rnd.pk,
            after={"posts": n_posts},
        )
    services.round_open(rnd=rnd, actor=None)
    timings["posts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    say("applications")
    n_apps, n_choices = _applications(rng, rnd, choices, apply_share)
    if _demo_teacher_applies(rnd):
        n_apps += 1
    timings["applications"] = time.perf_counter() - t0
    services.round_close_applications(rnd=rnd, actor=None)
    if until == "ranking":
        return _summary(rnd, timings, created=True, applications=n_apps, choices=n_choices)
    t0 = time.perf_counter()
    say("matching")
    services.round_match(rnd=rnd, actor=None)
    timings["match_and_store"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    say("review")
    services.round_review(rnd=rnd, actor=None, note="demo")
    timings["review"] = time.perf_counter() - t0
    rnd.refresh_from_db()
    services.round_publish(
        rnd=rnd,
        actor=None,
        override_reason="" if rnd.policy.get("met") else "synthetic demo round",
    )
    rnd.refresh_from_db()
    return _summary(rnd, timings, created=True, applications=n_apps, choices=n_choices)


def _demo_teacher_applies(rnd: ExchangeRound) -> bool:
    """The demo's ``teacher`` account gets a teacher record at its school, linked to it, and an
    application in the round, so a person trying the demo can follow a teacher from login to
    their result. Through the services, as a school administrator would do it."""
    from collections import Counter

    from xietong.accounts.models import RoleAssignment, User

    user = User.objects.filter(username="teacher").first()
    grant = RoleAssignment.objects.filter(user=user, role="teacher").select_related("school")
    if user is None or not grant.exists() or Teacher.objects.filter(user=user).exists():
        return False
    school = grant.first().school
    posts = list(rnd.posts.exclude(host_school=school).select_related("host_school"))
    if not posts:
        return False
    (subject, stage), _n = Counter((p.subject, p.stage) for p in posts).most_common(1)[0]
    teacher = services.teacher_create(
        code="DEMO-TEACHER",
        school=school,
        name="示例教师（演示账号）",
        subject=subject,
        stage=stage,
        years_at_school=8,
        title="first",
        actor=None,
    )
    Teacher.objects.filter(pk=teacher.pk).update(is_synthetic=True)
    teacher = services.teacher_link_user(teacher=teacher, user=user, actor=None)
    mine = [p.code for p in posts if (p.subject, p.stage) == (subject, stage)][:5]
    services.application_submit(rnd=rnd, teacher=teacher, post_codes=mine, actor=user)
    return True


def _summary(rnd: ExchangeRound, timings: dict, **extra) -> dict:
    return {
        "round": rnd.pk,
        "status": rnd.status,
        "teachers": Teacher.objects.filter(is_synthetic=True).count(),
        "posts": rnd.posts.count(),
        "placed": rnd.policy.get("placed"),
        "certificate_ok": rnd.certificate.get("ok"),
        "policy_met": rnd.policy.get("met"),
        "timings": {k: round(v, 2) for k, v in timings.items()},
        **extra,
    }
