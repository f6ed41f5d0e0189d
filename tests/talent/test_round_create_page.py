"""POST /talent/rounds/new/: a secretariat or bureau starts an exchange round."""

from xietong.talent.models import ExchangeRound

from .pages import audit_rows, client, said

URL = "/talent/rounds/new/"


def test_a_secretariat_creates_a_round_of_its_area(tw):
    r = client(tw, "jjj-sec").post(URL, {"name": "京津冀 2026", "year": 2026, "scope": "area:jjj"})
    rnd = ExchangeRound.objects.get(name="京津冀 2026")
    assert r.status_code == 302 and r["Location"] == f"/talent/rounds/{rnd.pk}/"
    assert rnd.area == tw["areas"]["jjj"] and rnd.year == 2026


def test_a_bureau_creates_a_round_of_its_own(tw):
    client(tw, "langfang").post(URL, {"name": "廊坊 2026", "year": 2026, "scope": "j:131000000000"})
    assert ExchangeRound.objects.get(name="廊坊 2026").jurisdiction_id == "131000000000"


def test_another_area_or_bureau_is_refused(tw):
    before, n = audit_rows(), ExchangeRound.objects.count()
    for who, target in (
        ("jjj-sec", "area:yrd"),
        ("langfang", "j:110112000000"),
        ("teacher-a", "area:jjj"),
    ):
        r = client(tw, who).post(URL, {"name": "x", "year": 2026, "scope": target})
        assert r.status_code == 302 and r["Location"] == "/talent/"
        assert any(m.startswith("Scope:") for m in said(r)), (who, said(r))
    assert (
        client(tw, None)
        .post(URL, {"name": "x", "year": 2026, "scope": "area:jjj"})["Location"]
        .startswith("/login/")
    )
    assert ExchangeRound.objects.count() == n and audit_rows() == before


def test_bad_input_names_the_field_and_writes_nothing(tw):
    before, n = audit_rows(), ExchangeRound.objects.count()
    c = client(tw, "jjj-sec")
    for data, field in (
        ({"name": "x", "year": "twenty", "scope": "area:jjj"}, "Year"),
        ({"name": "x", "year": 1850, "scope": "area:jjj"}, "Year"),
        ({"name": "", "year": 2026, "scope": "area:jjj"}, "Name"),
        ({"name": "x", "year": 2026}, "Scope"),
    ):
        r = c.post(URL, data)
        assert r.status_code == 302 and r["Location"] == "/talent/"
        assert any(m.startswith(f"{field}:") for m in said(r)), (data, said(r))
    assert ExchangeRound.objects.count() == n and audit_rows() == before
