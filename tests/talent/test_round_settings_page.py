"""POST /talent/rounds/<id>/settings/: the round's mechanism, while it is a draft."""

from xietong.talent.models import ExchangeRound

from .pages import audit_rows, client, said


def _url(tw):
    return f"/talent/rounds/{tw['round'].pk}/settings/"


def _mode(tw) -> str:
    return ExchangeRound.objects.get(pk=tw["round"].pk).mode


def test_the_manager_changes_the_mechanism(tw):
    r = client(tw, "jjj-sec").post(_url(tw), {"mode": "ir_da"})
    assert r.status_code == 302 and said(r) == ["Settings saved."] and _mode(tw) == "ir_da"


def test_other_roles_change_nothing(tw):
    before = audit_rows()
    for who in ("langfang", "jiangsu", "teacher-a", "public"):  # the draft is hidden from them
        assert client(tw, who).post(_url(tw), {"mode": "ir_da"}).status_code == 404, who
    assert client(tw, None).post(_url(tw), {"mode": "ir_da"})["Location"].startswith("/login/")
    assert _mode(tw) == "da" and audit_rows() == before


def test_an_unknown_mechanism_is_a_form_error(tw):
    before = audit_rows()
    r = client(tw, "jjj-sec").post(_url(tw), {"mode": "lottery"})
    assert r.status_code == 302 and any(m.startswith("Mechanism:") for m in said(r)), said(r)
    assert _mode(tw) == "da" and audit_rows() == before
