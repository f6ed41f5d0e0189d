"""Each public service that writes leaves exactly its entries in the audit log: the action, the
object type and the object's id, in order, no more and no fewer.

A case prepares what its service needs (those writes are not counted), then names the call and
the entries it must write, worked out from the result (a new row's id is only known after)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.regions.test_boundaries import good_file
from tests.talent.conftest import apply_all, run_to, talent_world
from xietong.accounts import services as accounts
from xietong.accounts.models import Role, RoleAssignment
from xietong.audit.models import AuditEntry
from xietong.audit.vocabulary import AuditAction as A
from xietong.audit.vocabulary import ObjectType as T
from xietong.evaluation import services as evaluation
from xietong.finance import closing
from xietong.finance import services as finance
from xietong.jobs import kinds
from xietong.jobs import services as jobs
from xietong.jobs.models import Job
from xietong.regions import services as regions
from xietong.regions.models import Jurisdiction
from xietong.schools import services as schools
from xietong.schools.tabular import write_csv
from xietong.talent import services as talent

SH, JS, ZJ, AH = "310000000000", "320000000000", "330000000000", "340000000000"
D = dt.date(2024, 3, 1)

Entry = tuple[str, str, str]
Case = tuple[Callable[[], Any], Callable[[Any], list[Entry]]]
CASES: dict[str, Callable[[dict], Case]] = {}


def case(name: str):
    def register(prepare: Callable[[dict], Case]):
        CASES[name] = prepare
        return prepare

    return register


def _noop(job, ctx):
    return {}


kinds.register(kinds.JobKind(name="tests.audit_noop", run=_noop, display_params=lambda p: p))


# ---- helpers that prepare (their entries are not counted) ----------------------------------


def _j(code: str) -> Jurisdiction:
    return Jurisdiction.objects.get(code=code)


def _fund(w):
    return finance.fund_open(area=w["areas"]["yrd"], actor=None)


def _round(w, upto: str):
    """A 1,000.00 yuan round of the YRD fund, taken as far as ``upto``."""
    r = finance.round_create(
        fund=_fund(w), title="2024", year=2024, total="1000.00", mix={"students": 100}, actor=None
    )
    if upto == "draft":
        return r
    for code, n in ((SH, 1), (JS, 2), (ZJ, 3), (AH, 4)):
        finance.round_weights_set(round=r, member=_j(code), values={"students": n}, actor=None)
    if upto == "weighted":
        return r
    r = finance.round_freeze(round=r, actor=None)
    if upto == "frozen":
        return r
    for c in r.charges.all():
        finance.charge_approve(charge=c, actor=None)
    if upto == "approved":
        return r
    return finance.round_call(round=r, actor=None, date=D)


def _project(w, upto: str):
    """A 1,000.00 yuan proportional project of Shanghai and Jiangsu, taken as far as ``upto``."""
    p = finance.project_create(
        fund=_fund(w),
        title="platform",
        programme="shared_resources",
        rule="proportional",
        participants=[SH, JS],
        inputs={"weights": {SH: 1, JS: 3}},
        total="1000.00",
        actor=None,
    )
    if upto == "draft":
        return p
    p = finance.project_freeze(project=p, actor=None)
    if upto == "frozen":
        return p
    for c in p.charges.all():
        finance.charge_approve(charge=c, actor=None)
    if upto == "approved":
        return p
    p = finance.project_call(project=p, actor=None, date=D)
    if upto == "called":
        return p
    for c in p.charges.all():
        finance.payment_record(charge=c, amount=c.amount, date=D, actor=None)
    return p


def _agreement(w, approved: bool = True):
    a = finance.agreement_create(
        fund=_fund(w),
        kind="tuition",
        title="tuition",
        payer=_j(AH),
        payee=_j(ZJ),
        rates={"junior": "100.00"},
        actor=None,
    )
    return finance.agreement_approve(agreement=a, actor=None) if approved else a


def _settlement(w, approved: bool):
    a = _agreement(w)
    finance.flow_record(agreement=a, period="2024", stage="junior", count=3, actor=None)
    s = finance.settlement_propose(fund=a.fund, period="2024", actor=None)
    return finance.settlement_approve(settlement=s, actor=None, date=D) if approved else s


def _entry_id(entry) -> str:
    return f"{entry.fund.area.slug}#{entry.number}"


def _posted(fund, after: int, n: int = 1) -> list[Entry]:
    """The ``n`` journal entries the call posted to ``fund`` (numbered past ``after``), as the
    audit entries each must have."""
    entries = list(fund.entries.filter(number__gt=after).order_by("number"))
    assert len(entries) == n
    return [(A.FINANCE_ENTRY_POST, T.FINANCE_JOURNAL_ENTRY, _entry_id(e)) for e in entries]


# ---- finance ------------------------------------------------------------------------------


@case("finance.fund_open")
def _(w):
    return (
        lambda: finance.fund_open(area=w["areas"]["yrd"], actor=None),
        lambda f: [(A.FINANCE_FUND_OPEN, T.FINANCE_FUND, "yrd")],
    )


@case("finance.fund_publish_totals")
def _(w):
    fund = _fund(w)
    return (
        lambda: finance.fund_publish_totals(fund=fund, published=True, actor=None),
        lambda f: [(A.FINANCE_FUND_PUBLISH_TOTALS, T.FINANCE_FUND, "yrd")],
    )


@case("finance.entry_post_manual")
def _(w):
    fund = _fund(w)
    lines = [
        {"account": "cash:public", "debit": "10.00"},
        {"account": "income:contributions", "credit": "10.00"},
    ]
    return (
        lambda: finance.entry_post_manual(
            fund=fund, date=D, memo="adjust", lines=lines, actor=None
        ),
        lambda e: [(A.FINANCE_ENTRY_POST, T.FINANCE_JOURNAL_ENTRY, f"yrd#{e.number}")],
    )


@case("finance.entry_reverse")
def _(w):
    fund = _fund(w)
    lines = [
        {"account": "cash:public", "debit": "10.00"},
        {"account": "income:contributions", "credit": "10.00"},
    ]
    entry = finance.entry_post_manual(fund=fund, date=D, memo="adjust", lines=lines, actor=None)
    return (
        lambda: finance.entry_reverse(entry=entry, actor=None, memo="wrong"),
        lambda e: [(A.FINANCE_ENTRY_POST, T.FINANCE_JOURNAL_ENTRY, f"yrd#{entry.number + 1}")],
    )


@case("finance.round_create")
def _(w):
    fund = _fund(w)
    return (
        lambda: finance.round_create(
            fund=fund, title="t", year=2024, total="1.00", mix={"students": 100}, actor=None
        ),
        lambda r: [(A.FINANCE_ROUND_CREATE, T.FINANCE_CONTRIBUTION_ROUND, str(r.pk))],
    )


@case("finance.round_weights_set")
def _(w):
    r = _round(w, "draft")
    return (
        lambda: finance.round_weights_set(
            round=r, member=_j(JS), values={"students": 5}, actor=w["users"]["jiangsu"]
        ),
        lambda _r: [(A.FINANCE_ROUND_WEIGHTS_SET, T.FINANCE_CONTRIBUTION_ROUND, str(r.pk))],
    )


@case("finance.round_freeze")
def _(w):
    r = _round(w, "weighted")
    return (
        lambda: finance.round_freeze(round=r, actor=None),
        lambda _r: [(A.FINANCE_ROUND_FREEZE, T.FINANCE_CONTRIBUTION_ROUND, str(r.pk))],
    )


@case("finance.charge_approve")
def _(w):
    charge = _round(w, "frozen").charges.get(member_id=JS)
    return (
        lambda: finance.charge_approve(charge=charge, actor=w["users"]["jiangsu"]),
        lambda c: [(A.FINANCE_CHARGE_APPROVE, T.FINANCE_CHARGE, str(charge.pk))],
    )


@case("finance.round_call")
def _(w):
    r = _round(w, "approved")
    last = r.fund.last_number
    return (
        lambda: finance.round_call(round=r, actor=None, date=D),
        lambda _r: [
            *_posted(r.fund, last),
            (A.FINANCE_ROUND_CALL, T.FINANCE_CONTRIBUTION_ROUND, str(r.pk)),
        ],
    )


@case("finance.payment_record")
def _(w):
    charge = _round(w, "called").charges.get(member_id=JS)
    fund = charge.round.fund
    last = type(fund).objects.get(pk=fund.pk).last_number
    return (
        lambda: finance.payment_record(charge=charge, amount="1.00", date=D, actor=None),
        lambda p: [*_posted(fund, last), (A.FINANCE_PAYMENT_RECORD, T.FINANCE_PAYMENT, str(p.pk))],
    )


@case("finance.project_create")
def _(w):
    fund = _fund(w)
    return (
        lambda: finance.project_create(
            fund=fund,
            title="p",
            programme="shared_resources",
            rule="proportional",
            participants=[SH, JS],
            inputs={"weights": {SH: 1, JS: 1}},
            total="10.00",
            actor=None,
        ),
        lambda p: [(A.FINANCE_PROJECT_CREATE, T.FINANCE_JOINT_PROJECT, str(p.pk))],
    )


@case("finance.project_freeze")
def _(w):
    p = _project(w, "draft")
    return (
        lambda: finance.project_freeze(project=p, actor=None),
        lambda _p: [(A.FINANCE_PROJECT_FREEZE, T.FINANCE_JOINT_PROJECT, str(p.pk))],
    )


@case("finance.project_call")
def _(w):
    p = _project(w, "approved")
    last = p.fund.last_number
    return (
        lambda: finance.project_call(project=p, actor=None, date=D),
        lambda _p: [
            *_posted(p.fund, last),
            (A.FINANCE_PROJECT_CALL, T.FINANCE_JOINT_PROJECT, str(p.pk)),
        ],
    )


@case("finance.draft_withdraw.round")
def _(w):
    r = _round(w, "draft")
    return (
        lambda: finance.draft_withdraw(source=r, actor=None, reason="duplicate"),
        lambda _r: [(A.FINANCE_ROUND_WITHDRAW, T.FINANCE_CONTRIBUTION_ROUND, str(r.pk))],
    )


@case("finance.draft_withdraw.project")
def _(w):
    p = _project(w, "draft")
    return (
        lambda: finance.draft_withdraw(source=p, actor=None, reason="duplicate"),
        lambda _p: [(A.FINANCE_PROJECT_WITHDRAW, T.FINANCE_JOINT_PROJECT, str(p.pk))],
    )


@case("finance.call_cancel.round")
def _(w):
    r = _round(w, "called")
    last = type(r.fund).objects.get(pk=r.fund_id).last_number
    return (
        lambda: finance.call_cancel(source=r, actor=None, reason="wrong date"),
        lambda _r: [
            *_posted(r.fund, last),
            (A.FINANCE_ROUND_CALL_CANCEL, T.FINANCE_CONTRIBUTION_ROUND, str(r.pk)),
        ],
    )


@case("finance.call_cancel.project")
def _(w):
    p = _project(w, "called")
    last = type(p.fund).objects.get(pk=p.fund_id).last_number
    return (
        lambda: finance.call_cancel(source=p, actor=None, reason="wrong date"),
        lambda _p: [
            *_posted(p.fund, last),
            (A.FINANCE_PROJECT_CALL_CANCEL, T.FINANCE_JOINT_PROJECT, str(p.pk)),
        ],
    )


@case("finance.agreement_create")
def _(w):
    fund = _fund(w)
    return (
        lambda: finance.agreement_create(
            fund=fund,
            kind="tuition",
            title="t",
            payer=_j(AH),
            payee=_j(ZJ),
            rates={"junior": "1.00"},
            actor=None,
        ),
        lambda a: [(A.FINANCE_AGREEMENT_CREATE, T.FINANCE_AGREEMENT, str(a.pk))],
    )


@case("finance.agreement_approve")
def _(w):
    a = _agreement(w, approved=False)
    return (
        lambda: finance.agreement_approve(agreement=a, actor=None),
        lambda _a: [(A.FINANCE_AGREEMENT_APPROVE, T.FINANCE_AGREEMENT, str(a.pk))],
    )


@case("finance.flow_record")
def _(w):
    a = _agreement(w)
    return (
        lambda: finance.flow_record(
            agreement=a, period="2024", stage="junior", count=2, actor=None
        ),
        lambda f: [(A.FINANCE_FLOW_RECORD, T.FINANCE_FLOW_RECORD, str(f.pk))],
    )


@case("finance.settlement_propose")
def _(w):
    a = _agreement(w)
    finance.flow_record(agreement=a, period="2024", stage="junior", count=2, actor=None)
    return (
        lambda: finance.settlement_propose(fund=a.fund, period="2024", actor=None),
        lambda s: [(A.FINANCE_SETTLEMENT_PROPOSE, T.FINANCE_SETTLEMENT, str(s.pk))],
    )


@case("finance.settlement_approve")
def _(w):
    s = _settlement(w, approved=False)
    last = type(s.fund).objects.get(pk=s.fund_id).last_number
    return (
        lambda: finance.settlement_approve(settlement=s, actor=None, date=D),
        lambda _s: [
            *_posted(s.fund, last),
            (A.FINANCE_SETTLEMENT_APPROVE, T.FINANCE_SETTLEMENT, str(s.pk)),
        ],
    )


@case("finance.transfer_paid")
def _(w):
    s = _settlement(w, approved=True)
    t = s.transfers.get()
    last = type(s.fund).objects.get(pk=s.fund_id).last_number
    return (
        lambda: finance.transfer_paid(transfer=t, actor=None, date=D),
        lambda _t: [
            *_posted(s.fund, last),
            (A.FINANCE_TRANSFER_PAID, T.FINANCE_SETTLEMENT_TRANSFER, str(t.pk)),
        ],
    )


@case("finance.donor_create")
def _(w):
    fund = _fund(w)
    return (
        lambda: finance.donor_create(fund=fund, name="基金会", kind="foundation", actor=None),
        lambda d: [(A.FINANCE_DONOR_CREATE, T.FINANCE_DONOR, str(d.pk))],
    )


@case("finance.donation_record")
def _(w):
    donor = finance.donor_create(fund=_fund(w), name="基金会", kind="foundation", actor=None)
    return (
        lambda: finance.donation_record(
            donor=donor, amount="100.00", date=D, earmark="training", actor=None
        ),
        lambda d: [
            *_posted(donor.fund, 0),
            (A.FINANCE_DONATION_RECORD, T.FINANCE_DONATION, str(d.pk)),
        ],
    )


@case("finance.disbursement_record")
def _(w):
    p = _project(w, "paid")
    last = type(p.fund).objects.get(pk=p.fund_id).last_number
    return (
        lambda: finance.disbursement_record(
            fund=p.fund,
            programme="shared_resources",
            function_code="2050299",
            label="platform",
            amount="100.00",
            date=D,
            project=p,
            actor=None,
        ),
        lambda x: [
            *_posted(p.fund, last),
            (A.FINANCE_DISBURSEMENT_RECORD, T.FINANCE_DISBURSEMENT, str(x.pk)),
        ],
    )


@case("finance.period_close")
def _(w):
    p = _project(w, "paid")
    last = type(p.fund).objects.get(pk=p.fund_id).last_number
    return (
        lambda: closing.period_close(fund=p.fund, period="2024-Q1", actor=None),
        lambda period: [
            *_posted(p.fund, last),
            (A.FINANCE_PERIOD_CLOSE, T.FINANCE_ACCOUNTING_PERIOD, "yrd:2024-Q1"),
        ],
    )


@case("finance.project_close")
def _(w):
    p = _project(w, "paid")
    last = type(p.fund).objects.get(pk=p.fund_id).last_number
    return (
        lambda: closing.project_close(project=p, actor=None, reason="done", date=D),
        lambda _p: [
            *_posted(p.fund, last),
            (A.FINANCE_PROJECT_CLOSE, T.FINANCE_JOINT_PROJECT, str(p.pk)),
        ],
    )


@case("finance.earmark_release")
def _(w):
    donor = finance.donor_create(fund=_fund(w), name="基金会", kind="foundation", actor=None)
    finance.donation_record(donor=donor, amount="100.00", date=D, earmark="training", actor=None)
    fund = donor.fund
    last = type(fund).objects.get(pk=fund.pk).last_number
    return (
        lambda: closing.earmark_release(
            fund=fund, programme="training", actor=None, reason="donor's consent", date=D
        ),
        lambda _r: [*_posted(fund, last), (A.FINANCE_EARMARK_RELEASE, T.FINANCE_FUND, "yrd")],
    )


# ---- accounts -----------------------------------------------------------------------------


@case("accounts.user_create")
def _(w):
    return (
        lambda: accounts.user_create(username="new", password="kestrel-harbour-42", actor=None),
        lambda u: [(A.USER_CREATE, T.USER, str(u.pk))],
    )


@case("accounts.user_invite")
def _(w):
    school = w["schools"]["A"]
    return (
        lambda: accounts.user_invite(
            username="invited", role=Role.TEACHER, school=school, actor=w["users"]["school-a"]
        ),
        lambda r: [
            (A.USER_INVITE, T.USER, str(r[0].pk)),
            (A.ROLE_GRANT, T.ROLE_ASSIGNMENT, str(RoleAssignment.objects.get(user=r[0]).pk)),
        ],
    )


@case("accounts.role_grant")
def _(w):
    user = accounts.user_create(username="new", password=None, actor=None)
    return (
        lambda: accounts.role_grant(
            user=user, role=Role.SECRETARIAT, area=w["areas"]["yrd"], actor=None
        ),
        lambda ra: [(A.ROLE_GRANT, T.ROLE_ASSIGNMENT, str(ra.pk))],
    )


@case("accounts.role_grant.again")
def _(w):
    user = w["users"]["yrd-sec"]
    return (  # the role is held already: nothing changes, nothing is written
        lambda: accounts.role_grant(
            user=user, role=Role.SECRETARIAT, area=w["areas"]["yrd"], actor=None
        ),
        lambda ra: [],
    )


@case("accounts.role_revoke")
def _(w):
    ra = RoleAssignment.objects.get(user=w["users"]["tongzhou"])
    pk = ra.pk
    return (
        lambda: accounts.role_revoke(assignment=ra, actor=None),
        lambda _r: [(A.ROLE_REVOKE, T.ROLE_ASSIGNMENT, str(pk))],
    )


@case("accounts.token_create")
def _(w):
    return (
        lambda: accounts.token_create(
            user=w["users"]["jiangsu"], name="script", actor=w["users"]["jiangsu"]
        ),
        lambda r: [(A.TOKEN_CREATE, T.API_TOKEN, str(r[0].pk))],
    )


@case("accounts.token_revoke")
def _(w):
    token, _secret = accounts.token_create(
        user=w["users"]["jiangsu"], name="s", actor=w["users"]["jiangsu"]
    )
    return (
        lambda: accounts.token_revoke(token=token, actor=w["users"]["jiangsu"]),
        lambda t: [(A.TOKEN_REVOKE, T.API_TOKEN, str(token.pk))],
    )


# ---- regions ------------------------------------------------------------------------------


@case("regions.jurisdictions_load.unchanged")
def _(w):
    return (  # the tree is loaded already: nothing changes, nothing is written
        lambda: regions.jurisdictions_load(actor=None),
        lambda r: [],
    )


@case("regions.boundaries_load")
def _(w):
    data = good_file()
    return (  # the file is named by the SHA-256 of its bytes
        lambda: regions.boundaries_load(data=data, filename="c.geojson", actor=None),
        lambda r: [(A.BOUNDARIES_LOAD, T.BOUNDARY_FILE, hashlib.sha256(data).hexdigest())],
    )


@case("regions.area_create")
def _(w):
    return (
        lambda: regions.area_create(
            slug="sh-js",
            name_zh="沪苏",
            name_en="Shanghai-Jiangsu",
            member_codes=[SH, JS],
            actor=None,
        ),
        lambda a: [(A.AREA_CREATE, T.COOPERATION_AREA, "sh-js")],
    )


@case("regions.area_update")
def _(w):
    area = w["areas"]["yrd"]
    return (
        lambda: regions.area_update(area=area, actor=None, description_en="The delta."),
        lambda a: [(A.AREA_UPDATE, T.COOPERATION_AREA, "yrd")],
    )


@case("regions.area_set_members")
def _(w):
    area = w["areas"]["yrd"]
    return (
        lambda: regions.area_set_members(area=area, member_codes=[SH, JS, ZJ], actor=None),
        lambda a: [(A.AREA_MEMBERS, T.COOPERATION_AREA, "yrd")],
    )


# ---- schools ------------------------------------------------------------------------------


@case("schools.school_create")
def _(w):
    return (
        lambda: schools.school_create(
            code="1310029001",
            county_code="131002000000",
            name_zh="新小学",
            stage="primary",
            location="rural",
            actor=w["users"]["langfang"],
        ),
        lambda s: [(A.SCHOOL_CREATE, T.SCHOOL, "1310029001")],
    )


@case("schools.school_update")
def _(w):
    school = w["schools"]["A"]
    return (
        lambda: schools.school_update(school=school, actor=None, name_en="Anci No. 1"),
        lambda s: [(A.SCHOOL_UPDATE, T.SCHOOL, school.code)],
    )


@case("schools.schools_move_county")
def _(w):
    a, e = w["schools"]["A"], w["schools"]["E"]
    return (  # one entry per school moved
        lambda: schools.schools_move_county(
            schools=[a, e], county_code="131003000000", actor=None, reason="test"
        ),
        lambda moved: [(A.SCHOOL_MOVE, T.SCHOOL, a.code), (A.SCHOOL_MOVE, T.SCHOOL, e.code)],
    )


@case("schools.statistics_import")
def _(w):
    a = w["schools"]["A"]
    data = write_csv([[a.code, 2023, 480, 28]], ["school_code", "year", "students", "teachers"])
    return (
        lambda: schools.statistics_import(
            data=data, filename="langfang.csv", actor=w["users"]["langfang"]
        ),
        lambda r: [(A.STATISTICS_IMPORT, T.STATISTICS, "langfang.csv")],
    )


@case("schools.statistics_set")
def _(w):
    a = w["schools"]["A"]
    return (
        lambda: schools.statistics_set(
            school=a, year=2023, values={"students": Decimal(480)}, actor=None
        ),
        lambda r: [(A.STATISTICS_IMPORT, T.STATISTICS, f"api:{a.code}:2023")],
    )


@case("schools.release_publish")
def _(w):
    return (
        lambda: schools.release_publish(
            jurisdiction=_j("131000000000"), year=2024, actor=w["users"]["langfang"]
        ),
        lambda r: [(A.STATISTICS_PUBLISH, T.STATISTICS_RELEASE, "131000000000:2024")],
    )


# ---- evaluation ---------------------------------------------------------------------------


def _evaluate(w):
    return evaluation.evaluation_run(
        standard="basic-balance-2012",
        stage="primary",
        year=2024,
        jurisdiction=_j("131000000000"),
        actor=w["users"]["langfang"],
    )


@case("evaluation.evaluation_run")
def _(w):
    return (lambda: _evaluate(w), lambda run: [(A.EVALUATION_RUN, T.EVALUATION, str(run.pk))])


@case("evaluation.evaluation_publish")
def _(w):
    run = _evaluate(w)
    return (
        lambda: evaluation.evaluation_publish(run=run, actor=w["users"]["langfang"]),
        lambda r: [(A.EVALUATION_PUBLISH, T.EVALUATION, str(run.pk))],
    )


# ---- jobs ---------------------------------------------------------------------------------


def _job(w, key="k"):
    job, _created = jobs.job_submit(kind="tests.audit_noop", key=key, actor=None)
    return job


@case("jobs.job_submit")
def _(w):
    return (
        lambda: jobs.job_submit(kind="tests.audit_noop", key="k", actor=None),
        lambda r: [(A.JOB_SUBMIT, T.JOB, str(r[0].pk))],
    )


@case("jobs.job_submit.again")
def _(w):
    _job(w)
    return (  # the same job queued twice is one job: the second submit writes nothing
        lambda: jobs.job_submit(kind="tests.audit_noop", key="k", actor=None),
        lambda r: [],
    )


@case("jobs.job_start")
def _(w):
    job = _job(w)
    return (
        lambda: jobs.job_start(job_id=job.pk),
        lambda r: [(A.JOB_START, T.JOB, str(job.pk))],
    )


@case("jobs.job_succeed")
def _(w):
    job, token = jobs.job_start(job_id=_job(w).pk)
    return (
        lambda: jobs.job_succeed(job=job, token=token, result={"ok": True}),
        lambda r: [(A.JOB_SUCCEEDED, T.JOB, str(job.pk))],
    )


@case("jobs.job_fail")
def _(w):
    job, token = jobs.job_start(job_id=_job(w).pk)
    return (
        lambda: jobs.job_fail(job=job, token=token, code="wrong_state"),
        lambda r: [(A.JOB_FAILED, T.JOB, str(job.pk))],
    )


@case("jobs.jobs_reap")
def _(w):
    job, _token = jobs.job_start(job_id=_job(w).pk)
    long_ago = timezone.now() - timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    return (  # the lost worker's job goes back to the queue
        lambda: jobs.jobs_reap(),
        lambda r: [(A.JOB_REQUEUE, T.JOB, str(job.pk))],
    )


# ---- talent (driven through its services; the talent app's own tests own their details) ----


def _round_step(status: str, step: Callable, action: str):
    def prepare(w):
        tw = talent_world(w)
        rnd = apply_all(tw) if status == "open" else run_to(tw, status)
        return (
            lambda: step(rnd=rnd, actor=w["users"]["jjj-sec"]),
            lambda r: [(action, T.EXCHANGE_ROUND, str(rnd.pk))],
        )

    return prepare


case("talent.round_close_applications")(
    _round_step("open", talent.round_close_applications, A.TALENT_ROUND_RANKING)
)
case("talent.round_review")(_round_step("matched", talent.round_review, A.TALENT_ROUND_REVIEWED))
case("talent.round_start_service")(
    _round_step("published", talent.round_start_service, A.TALENT_ROUND_IN_SERVICE)
)
case("talent.round_return")(_round_step("in_service", talent.round_return, A.TALENT_ROUND_RETURNED))


@case("partnerships.portfolio_publish")
def _(w):
    from xietong.partnerships.models import ComplianceResult, Obligation
    from xietong.partnerships.services import cooperation_propose, portfolio_publish

    s = w["schools"]
    coop = cooperation_propose(
        actor=w["users"]["school-a"],
        school=s["A"],
        fields={
            "code": "TWL-AUD-1",
            "kind": "pairing",
            "title_zh": "结对",
            "area": w["areas"]["tongwulang"],
            "term_start": D,
            "term_end": D + timedelta(days=700),
        },
        parties=[{"role": "lead", "school": s["B"]}, {"role": "supported", "school": s["A"]}],
    )
    ob = Obligation.objects.create(cooperation=coop, code="L", measure="lessons", quota=1)
    ComplianceResult.objects.create(obligation=ob, period="2024", quota=1, counted=1, met=True)
    return (
        lambda: portfolio_publish(actor=None, area=w["areas"]["tongwulang"], period="2024"),
        lambda p: [(A.PARTNERSHIPS_PORTFOLIO_PUBLISH, T.PORTFOLIO_PUBLICATION, "tongwulang:2024")],
    )


# ---- partnerships ---------------------------------------------------------------------------


@case("partnerships.social_partner_create")
def _(w):
    from xietong.partnerships.services import social_partner_create

    return (
        lambda: social_partner_create(
            actor=w["users"]["twl-sec"], name_zh="某基金会", kind="foundation"
        ),
        lambda r: [(A.PARTNERSHIPS_SOCIAL_PARTNER_CREATE, T.SOCIAL_PARTNER, str(r.pk))],
    )


@case("partnerships.satisfaction_survey_record")
def _(w):
    from xietong.partnerships.services import satisfaction_survey_record

    a = w["schools"]["A"]
    return (
        lambda: satisfaction_survey_record(
            actor=w["users"]["langfang"],
            school=a,
            year=2024,
            respondents=100,
            satisfied=90,
            conducted_by="督导室",
            conducted_on=D,
            source="报告",
        ),
        lambda r: [(A.PARTNERSHIPS_SURVEY_RECORD, T.SATISFACTION_SURVEY, f"{a.code}:2024")],
    )


@case("talent.teacher_school_change")
def _(w):
    from xietong.talent.models import Teacher

    s = w["schools"]
    t = Teacher.objects.create(
        code="TMOVE", name="调动教师", school=s["A"], subject="maths", stage="primary"
    )
    return (
        lambda: talent.teacher_school_change(
            teacher=t, to_school=s["D"], on=D, actor=w["users"]["langfang"]
        ),
        lambda r: [(A.TEACHER_SCHOOL_CHANGE, T.TEACHER, "TMOVE")],
    )


# ---- the test -----------------------------------------------------------------------------


def _entries_after(seq: int) -> list[Entry]:
    return list(
        AuditEntry.objects.filter(seq__gt=seq)
        .order_by("seq")
        .values_list("action", "object_type", "object_id")
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_service_writes_exactly_its_entries(name, world):
    call, expected = CASES[name](world)
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    result = call()
    assert _entries_after(last) == [(str(a), str(t), str(i)) for a, t, i in expected(result)]
