"""Renewal: a new term, the round goes up and the parties approve the new version."""

import datetime as dt

from xietong.audit.vocabulary import AuditAction
from xietong.partnerships.services import current_version

from .conftest import audited, client_of, snapshot


def test_the_leads_bureau_renews(active, users):
    coop, _a, _b = active
    c = client_of(users["tongzhou"])  # the bureau above the lead school manages it
    assert f"/partnerships/{coop.pk}/renew/" in c.get(f"/partnerships/{coop.pk}/").content.decode()
    assert c.get(f"/partnerships/{coop.pk}/renew/").status_code == 200
    r = c.post(f"/partnerships/{coop.pk}/renew/", {"term_end": "2030-12-31"}, follow=True)
    assert "Cooperation renewed" in r.content.decode()
    coop.refresh_from_db()
    assert (coop.term_start, coop.term_end) == (dt.date(2028, 1, 1), dt.date(2030, 12, 31))
    assert coop.renewal_round == 1 and coop.status == "proposed"
    assert current_version(coop).content["term"] == ["2028-01-01", "2030-12-31"]
    assert audited(AuditAction.PARTNERSHIPS_RENEW) == 1


def test_the_wrong_user_cannot_renew(active, users):
    coop, _a, _b = active
    url = f"/partnerships/{coop.pk}/renew/"
    before = snapshot()
    assert client_of(users["jiangsu"]).post(url, {"term_end": "2030-12-31"}).status_code == 404
    school = client_of(users["school-a"])
    assert school.get(url).status_code == 403
    assert school.post(url, {"term_end": "2030-12-31"}).status_code == 403
    # the reader's language: Django's own field errors come in zh-Hans
    zh = client_of(users["tongzhou"], "zh-hans").post(
        f"/partnerships/{coop.pk}/renew/", {"term_end": "soon"}
    )
    assert zh.status_code == 400 and "输入一个有效的日期。" in zh.content.decode()
    assert snapshot() == before


def test_a_bad_term_is_shown_and_nothing_is_written(active, users):
    coop, _a, _b = active
    c = client_of(users["tongzhou"])
    before = snapshot()
    r = c.post(f"/partnerships/{coop.pk}/renew/", {"term_end": "soon"})
    assert r.status_code == 400 and "Enter a valid date." in r.content.decode()
    r = c.post(f"/partnerships/{coop.pk}/renew/", {"term_end": "2027-06-30"})
    assert r.status_code == 400
    assert "must be after the current term end 2027-12-31" in r.content.decode()
    # the reader's language: Django's own field errors come in zh-Hans
    zh = client_of(users["tongzhou"], "zh-hans").post(
        f"/partnerships/{coop.pk}/renew/", {"term_end": "soon"}
    )
    assert zh.status_code == 400 and "输入一个有效的日期。" in zh.content.decode()
    assert snapshot() == before
