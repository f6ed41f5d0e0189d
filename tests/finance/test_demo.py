from decimal import Decimal

from xietong.audit.services import verify_chain
from xietong.finance import ledger
from xietong.finance.demo import finance_demo_load
from xietong.finance.models import Charge, Fund, JournalEntry, Settlement


def test_demo_loads_a_year_once(regions):
    out = finance_demo_load()
    assert out["created"] is True
    fund = Fund.objects.get(area__slug="yrd")
    tb = ledger.trial_balance(fund)
    assert tb["balanced"] and tb["total_debit"] > 0
    round_charges = Charge.objects.filter(round_id=out["round"])
    assert sum(c.amount for c in round_charges) == Decimal("100000000.00")
    project_charges = Charge.objects.filter(project_id=out["project"])
    assert project_charges.count() == 4
    s = Settlement.objects.get(pk=out["settlement"])
    assert s.status == "settled" and s.transfers.count() >= 1
    for code in ("310000000000", "320000000000", "330000000000", "340000000000"):
        assert ledger.balance(fund, f"clear:{code}") == 0  # every netted transfer paid
    assert ledger.balance(fund, "recv:340000000000") > 0  # Anhui in arrears
    n = JournalEntry.objects.count()
    assert finance_demo_load() == {"created": False}
    assert JournalEntry.objects.count() == n
    assert verify_chain().ok
