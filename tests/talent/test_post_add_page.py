"""POST /talent/rounds/<id>/posts/: a post offered on a round (its managers, or a host)."""

from xietong.talent import services

from .pages import audit_rows, client, said


def _form(tw, school="D", **extra):
    form = {"code": "PX", "subject": "maths", "stage": "primary", "kind": "rotation"}
    return form | {"term_years": 1, "seats": 2, "school": tw["schools"][school].code} | extra


def test_the_manager_adds_a_post(tw):
    rnd = tw["round"]
    r = client(tw, "jjj-sec").post(f"/talent/rounds/{rnd.pk}/posts/", _form(tw))
    assert r.status_code == 302 and said(r) == ["Post PX added."]
    post = rnd.posts.get(code="PX")
    assert (post.host_school, post.seats) == (tw["schools"]["D"], 2)


def test_a_host_offers_posts_at_its_own_schools_only(tw):
    rnd = services.round_open(rnd=tw["round"], actor=None)
    url = f"/talent/rounds/{rnd.pk}/posts/"
    before = audit_rows()
    r = client(tw, "langfang").post(url, _form(tw, "D"))  # Wuqing's school, not Langfang's
    assert any("is not a school of this round where you may offer posts" in m for m in said(r))
    assert client(tw, "jiangsu").post(url, _form(tw, "C")).status_code == 404  # not its round
    assert not rnd.posts.filter(code="PX").exists() and audit_rows() == before
    client(tw, "langfang").post(url, _form(tw, "A"))
    assert rnd.posts.get(code="PX").host_school == tw["schools"]["A"]


def test_bad_input_is_a_form_error(tw):
    url = f"/talent/rounds/{tw['round'].pk}/posts/"
    before = audit_rows()
    c = client(tw, "jjj-sec")
    for extra, field in (({"seats": 0}, "Seats"), ({"term_years": "two"}, "Term (years)")):
        r = c.post(url, _form(tw, **extra))
        assert r.status_code == 302 and any(m.startswith(f"{field}:") for m in said(r))
    r = c.post(url, _form(tw, code="PA"))  # already used: the service refuses it
    assert any("already used in this round" in m for m in said(r)), said(r)
    assert not tw["round"].posts.filter(code="PX").exists() and audit_rows() == before
