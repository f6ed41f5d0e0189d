"""Existing rows into fund accounting.

* Explanations stored as English sentences become records (codes and numbers), recomputed from
  what was frozen: a round's ``frozen_rule`` snapshot, a project's rule and inputs. The shares
  themselves are not touched.
* Disbursements get the functional classification usually given to their programme
  (``finance.classification.PROGRAMME_DEFAULT``); the secretariat may reverse and re-post one
  that belongs elsewhere.
* Restricted funds brought forward: for every fund, one entry (kind ``opening``, dated on the
  fund's last entry) moves from unrestricted net assets to each restricted fund what it would hold
  had the fund been kept so from the start: for a joint project its receipts less what was
  disbursed for it, for an earmark of donations the earmarked donations less what society's money
  paid to that programme (never below zero: where more was spent than received, the difference
  came from unrestricted money). The entry is recorded in the audit chain like any posting.
"""

from decimal import Decimal
from fractions import Fraction

from django.db import migrations
from django.db.models import Max, Sum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _fen(amount) -> int:
    return int((Decimal(amount) * 100).to_integral_exact())


def _sum(qs) -> Decimal:
    return Decimal(qs.aggregate(s=Sum("amount"))["s"] or 0).quantize(CENT)


def explanations(apps, schema_editor):
    from xietong.algorithms import cost_sharing
    from xietong.finance.services import project_compute

    ContributionRound = apps.get_model("finance", "ContributionRound")
    JointProject = apps.get_model("finance", "JointProject")
    Charge = apps.get_model("finance", "Charge")
    for r in ContributionRound.objects.exclude(frozen_rule=None):
        snap = r.frozen_rule
        members = snap["members"]
        order = ["students", "population", "gdp", "fiscal_revenue", "equal"]  # Criterion
        keys = sorted(snap["mix"], key=lambda c: order.index(c) if c in order else len(order))
        mix = {k: Fraction(snap["mix"][k]) for k in keys}
        floors = [_fen(snap["floors"].get(m, "0")) for m in members]
        caps = [_fen(snap["caps"][m]) if m in snap["caps"] else None for m in members]
        weights = {k: [Decimal(x) for x in v] for k, v in snap["weights"].items()}
        try:
            if weights:
                alloc = cost_sharing.proportional_shares(
                    _fen(snap["total"]), weights, mix=mix, floors=floors, caps=caps, labels=members
                )
            else:
                alloc = cost_sharing.proportional_shares(
                    _fen(snap["total"]),
                    [1] * len(members),
                    floors=floors,
                    caps=caps,
                    labels=members,
                )
        except ValueError:
            continue
        r.explanation_record = alloc.record()
        r.save(update_fields=["explanation_record"])
        by_member = {s.label: s for s in alloc.shares}
        for c in Charge.objects.filter(round=r):
            share = by_member.get(c.member_id)
            if share is not None:
                c.explanation_record = {"rule": "share", **share.record()}
                c.save(update_fields=["explanation_record"])
    for p in JointProject.objects.exclude(status__in=["draft", "withdrawn"]):
        try:
            _total, _amounts, record = project_compute(
                rule=p.rule, participants=p.participants, inputs=p.inputs, total=p.total
            )
        except ValueError:
            record = {}
        p.explanation_record = record
        p.save(update_fields=["explanation_record"])
        for c in Charge.objects.filter(project=p):
            c.explanation_record = {
                "rule": "project_share",
                "member": c.member_id,
                "amount": _fen(c.amount),
            }
            c.save(update_fields=["explanation_record"])


DEFAULT_CODE = {
    "teacher_exchange": "2050801",
    "training": "2050801",
    "shared_resources": "2050299",
    "joint_project": "2050299",
    "other": "2059999",
}


def function_codes(apps, schema_editor):
    Disbursement = apps.get_model("finance", "Disbursement")
    for programme, code in DEFAULT_CODE.items():
        Disbursement.objects.filter(programme=programme).update(function_code=code)


def _account(Account, fund, code, name, **extra):
    acc = Account.objects.filter(fund=fund, code=code).first()
    if acc is None:
        acc = Account.objects.create(fund=fund, code=code, kind="net_assets", name=name, **extra)
    return acc


def restricted_opening(apps, schema_editor):
    from xietong.audit.services import audit_record

    Fund = apps.get_model("finance", "Fund")
    Account = apps.get_model("finance", "Account")
    JournalEntry = apps.get_model("finance", "JournalEntry")
    JournalLine = apps.get_model("finance", "JournalLine")
    JointProject = apps.get_model("finance", "JointProject")
    Payment = apps.get_model("finance", "Payment")
    Donation = apps.get_model("finance", "Donation")
    Disbursement = apps.get_model("finance", "Disbursement")
    for fund in Fund.objects.select_for_update().select_related("area"):
        unrestricted = _account(Account, fund, "net:unrestricted", "Unrestricted net assets")
        held: dict[str, tuple[Decimal, dict]] = {}
        for p in JointProject.objects.filter(fund=fund).exclude(status__in=["draft", "withdrawn"]):
            received = _sum(
                Payment.objects.filter(charge__project=p, entry__reversed_by__isnull=True)
            )
            spent = _sum(Disbursement.objects.filter(project=p, entry__reversed_by__isnull=True))
            held[f"net:restricted:project:{p.pk}"] = (
                max(received - spent, ZERO),
                {
                    "programme": "",
                    "is_society": False,
                    "name": f"Restricted net assets: project {p.pk}",
                },
            )
        earmarks = Donation.objects.filter(fund=fund, entry__reversed_by__isnull=True).exclude(
            earmark=""
        )
        for programme in sorted(set(earmarks.values_list("earmark", flat=True))):
            given = _sum(earmarks.filter(earmark=programme))
            spent = _sum(
                Disbursement.objects.filter(
                    fund=fund,
                    from_society=True,
                    programme=programme,
                    entry__reversed_by__isnull=True,
                )
            )
            held[f"net:restricted:earmark:{programme}"] = (
                max(given - spent, ZERO),
                {
                    "programme": programme,
                    "is_society": True,
                    "name": f"Restricted net assets: earmark {programme}",
                },
            )
        lines = [(code, amount, extra) for code, (amount, extra) in sorted(held.items()) if amount]
        if not lines:
            continue
        total = sum((a for _c, a, _e in lines), ZERO)
        date = JournalEntry.objects.filter(fund=fund).aggregate(d=Max("date"))["d"]
        number = fund.last_number + 1
        Fund.objects.filter(pk=fund.pk).update(last_number=number)
        memo = "restricted funds brought forward"
        entry = JournalEntry.objects.create(
            fund=fund,
            number=number,
            date=date,
            kind="opening",
            memo=memo,
            currency=fund.currency,
            total_debit=total,
            total_credit=total,
        )
        JournalLine.objects.create(
            entry=entry, account=unrestricted, debit=total, credit=ZERO, currency=fund.currency
        )
        for code, amount, extra in lines:
            name = extra.pop("name")
            acc = _account(Account, fund, code, name, **extra)
            JournalLine.objects.create(
                entry=entry, account=acc, debit=ZERO, credit=amount, currency=fund.currency
            )
        audit_record(
            actor=None,
            action="finance.entry_post",
            object_type="finance.JournalEntry",
            object_id=f"{fund.area.slug}#{number}",
            after={
                "date": date.isoformat(),
                "kind": "opening",
                "memo": memo,
                "currency": fund.currency,
                "reverses": None,
                "lines": [["net:unrestricted", str(total), "0.00"]]
                + [[code, "0.00", str(amount)] for code, amount, _e in lines],
            },
        )


def forwards(apps, schema_editor):
    explanations(apps, schema_editor)
    function_codes(apps, schema_editor)
    restricted_opening(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0005_fund_accounting"),
        ("audit", "0004_guard_triggers"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
