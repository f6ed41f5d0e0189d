"""The cooperation page: parties, versions (superseded ones marked), approvals still needed,
this period's compliance with the unmet obligation marked, activities with their levels."""

import datetime as dt

from xietong.partnerships.services import (
    activity_record,
    agreement_edit,
    compliance_compute,
    current_version,
    obligation_set,
)


def test_cooperation_page(active, users, read_page):
    coop, a, b = active
    ob = obligation_set(actor=None, cooperation=coop, code="sync", measure="lessons", quota=20)
    activity_record(
        actor=users["tongzhou"],
        cooperation=coop,
        kind="sync_lesson",
        date=dt.date(2025, 3, 1),
        amount=5,
        obligation=ob,
        provider=b,
        recipient=a,
    )
    compliance_compute(actor=None, cooperation=coop, period="2025")
    agreement_edit(
        actor=users["school-a"],
        cooperation=coop,
        content={**current_version(coop).content, "clause": "新增条款"},
    )
    html = read_page(users["twl-sec"], f"/partnerships/{coop.pk}/?period=2025", "en")
    assert "superseded: its approvals no longer count" in html
    assert "Approvals still needed on the current version" in html
    assert '<tr class="unmet"><td>sync</td>' in html and "Self-reported" in html
    listing = read_page(users["school-a"], "/partnerships/?kind=pairing", "en")
    assert "TWL-2025-001" in listing
    assert "TWL-2025-001" not in read_page(users["school-a"], "/partnerships/?kind=alliance", "en")


def test_the_list_pages_by_code_and_keeps_its_filters(
    pairing, users, world, read_page, monkeypatch
):
    from xietong.partnerships import views
    from xietong.partnerships.services import cooperation_propose

    s = world["schools"]
    for code in ("TWL-2025-002", "TWL-2025-003"):
        cooperation_propose(
            actor=users["school-a"],
            school=s["A"],
            fields={
                "code": code,
                "kind": "pairing",
                "title_zh": "结对",
                "area": world["areas"]["tongwulang"],
                "term_start": dt.date(2025, 1, 1),
                "term_end": dt.date(2026, 12, 31),
            },
            parties=[{"role": "lead", "school": s["B"]}, {"role": "supported", "school": s["A"]}],
        )
    monkeypatch.setattr(views, "LIST_PAGE", 2)
    first = read_page(users["twl-sec"], "/partnerships/?kind=pairing", "en")
    assert "TWL-2025-001" in first and "TWL-2025-002" in first and "TWL-2025-003" not in first
    assert 'href="?kind=pairing&amp;after=TWL-2025-002" rel="next"' in first
    second = read_page(users["twl-sec"], "/partnerships/?kind=pairing&after=TWL-2025-002", "en")
    assert "TWL-2025-003" in second and "TWL-2025-001" not in second
    assert 'rel="next"' not in second and 'href="?kind=pairing">« first page' in second
