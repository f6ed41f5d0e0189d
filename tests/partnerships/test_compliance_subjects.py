"""``min_subjects`` enforced by ``compliance_compute`` and shown on the cooperation page."""

import datetime as dt
from decimal import Decimal

from xietong.partnerships.services import (
    activity_confirm,
    activity_record,
    compliance_compute,
    obligation_set,
)

from .conftest import client_of


def _lessons(coop, users, a, b, ob, subjects):
    for i, subject in enumerate(subjects):
        act = activity_record(
            actor=users["tongzhou"],
            cooperation=coop,
            kind="sync_lesson",
            date=dt.date(2025, 3 + i, 10),
            amount=10,
            obligation=ob,
            provider=b,
            recipient=a,
            subject=subject,
        )
        activity_confirm(actor=users["school-a"], activity=act)


def test_twenty_lessons_in_one_subject_are_unmet_then_met_in_two(active, users):
    coop, a, b = active
    ob = obligation_set(
        actor=users["twl-sec"],
        cooperation=coop,
        code="sync",
        measure="lessons",
        quota=20,
        activity_kinds=["sync_lesson"],
        min_subjects=2,
    )
    _lessons(coop, users, a, b, ob, ["maths", "maths"])
    [r] = compliance_compute(actor=users["twl-sec"], cooperation=coop, period="2025")
    assert r.counted == Decimal(20) and r.quota_met
    assert (r.subjects, r.min_subjects, r.subjects_met, r.met) == (["maths"], 2, False, False)
    page = client_of(users["twl-sec"]).get(f"/partnerships/{coop.pk}/?period=2025")
    html = page.content.decode()
    row = html.split('<table id="compliance">')[1].split("</table>")[0]
    assert 'class="unmet"' in row
    assert '<td class="quota-met">yes</td>' in row
    assert '<td class="subjects-met">no</td>' in row
    assert "1 / ≥ 2" in row and "Mathematics" in row
    api = client_of(users["twl-sec"]).get(f"/api/partnerships/{coop.pk}?period=2025").json()
    [c] = api["compliance"]
    assert (c["quota_met"], c["subjects"], c["subjects_met"], c["met"]) == (
        True,
        ["maths"],
        False,
        False,
    )
    _lessons(coop, users, a, b, ob, ["chinese"])
    [r] = compliance_compute(actor=users["twl-sec"], cooperation=coop, period="2025")
    assert (r.subjects, r.subjects_met, r.met) == (["chinese", "maths"], True, True)
    html = client_of(users["twl-sec"], "zh-hans").get(f"/partnerships/{coop.pk}/?period=2025")
    row = html.content.decode().split('<table id="compliance">')[1].split("</table>")[0]
    assert 'class="unmet"' not in row and "2 / ≥ 2" in row
