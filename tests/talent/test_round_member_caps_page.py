"""POST /talent/rounds/<id>/member-caps/: the most teachers each member receives (a draft)."""

from xietong.talent.models import ExchangeRound

from .pages import audit_rows, client, said

TIANJIN, HEBEI = "120000000000", "130000000000"


def _url(tw):
    return f"/talent/rounds/{tw['round'].pk}/member-caps/"


def _caps(tw) -> dict:
    return ExchangeRound.objects.get(pk=tw["round"].pk).member_caps


def test_the_manager_sets_caps_and_empty_means_none(tw):
    r = client(tw, "jjj-sec").post(_url(tw), {f"cap_{TIANJIN}": "3", f"cap_{HEBEI}": ""})
    assert r.status_code == 302 and said(r) == ["Settings saved."]
    assert _caps(tw) == {TIANJIN: 3}


def test_other_roles_change_nothing(tw):
    before = audit_rows()
    for who in ("langfang", "twl-sec", "jiangsu", "public"):
        assert client(tw, who).post(_url(tw), {f"cap_{TIANJIN}": "1"}).status_code == 404, who
    assert _caps(tw) == {} and audit_rows() == before


def test_a_cap_that_is_not_a_whole_number_is_a_form_error(tw):
    before = audit_rows()
    c = client(tw, "jjj-sec")
    for value, error in (("three", "Enter a whole number."), ("-1", "greater than or equal to 0")):
        r = c.post(_url(tw), {f"cap_{TIANJIN}": value})
        assert r.status_code == 302
        assert any(m.startswith("Tianjin:") and error in m for m in said(r)), said(r)
    assert _caps(tw) == {} and audit_rows() == before
