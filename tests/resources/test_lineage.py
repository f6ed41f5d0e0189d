"""The remix lineage page and API: ancestors up to the root and the tree of remixes, as the
reader may read them; a remix or source the reader may not read is counted, never named."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.resources.conftest import make, pdf, publish
from xietong.resources import flows
from xietong.resources.lineage import lineage
from xietong.resources.services import resource_remix


def remix(world, source, title, *, by="school-a", school="A", visibility="public", pub=True):
    r = resource_remix(
        source=source,
        actor=world["users"][by],
        owner_school=world["schools"][school],
        title_zh=title,
        description_zh="改编",
        kind="lesson_design",
        stage="junior",
        grade="g7",
        subject="math",
        edition="pep",
        licence="CC-BY-4.0",
        author_name="李老师",
        upload=pdf(extra=title.encode()),
        visibility=visibility,
    )
    if not pub:
        return r
    reviewer = "tongzhou" if school == "B" else "langfang"
    return publish(world, r, reviewer=reviewer)


@pytest.fixture
def tree(resworld):
    """root (public) -> a (public) -> a1 (school A only) -> a1x (public);
    root -> b (public, school B, Tongzhou); root -> d (a draft, public once published)."""
    w = resworld
    root = publish(w, make(w, title_zh="原始教案", visibility="public"))
    a = remix(w, root, "改编甲")
    a1 = remix(w, a, "校内改编乙", visibility="school")
    a1x = remix(w, a1, "再改编丙")
    b = remix(w, root, "北京改编丁", by="teacher-b", school="B")
    d = remix(w, root, "草稿改编戊", pub=False)
    return {"root": root, "a": a, "a1": a1, "a1x": a1x, "b": b, "d": d}


def test_the_public_sees_the_readable_tree_and_counts_the_rest(tree):
    found = lineage(actor=AnonymousUser(), resource=tree["root"])
    assert [(n.resource, n.depth) for n in found.nodes] == [
        (tree["root"], 0),
        (tree["a"], 1),
        (tree["b"], 1),
    ]
    # a1 (school only) under a, and the draft d under root: counted, a1x never read
    assert found.hidden_remixes == 2 and found.chain == () and not found.cut_off
    by = {n.resource.pk: n.hidden_remixes for n in found.nodes}
    assert by[tree["root"].pk] == 1 and by[tree["a"].pk] == 1


def test_a_teacher_of_the_school_reads_the_school_remix_and_below(tree, resworld):
    found = lineage(actor=resworld["users"]["teacher-a"], resource=tree["root"])
    assert [n.resource.title_zh for n in found.nodes] == [
        "原始教案",
        "改编甲",
        "校内改编乙",
        "再改编丙",
        "北京改编丁",
    ]
    assert [n.depth for n in found.nodes] == [0, 1, 2, 3, 1]
    assert found.hidden_remixes == 1  # the draft


def test_ancestors_keep_a_hidden_source_as_a_gap(tree, resworld):
    public = lineage(actor=AnonymousUser(), resource=tree["a1x"])
    assert public.chain == (tree["root"], tree["a"], None)
    assert public.hidden_ancestors == 1 and public.ancestors == [tree["root"], tree["a"]]
    teacher = lineage(actor=resworld["users"]["teacher-a"], resource=tree["a1x"])
    assert teacher.chain == (tree["root"], tree["a"], tree["a1"])


def test_depth_cut_off(tree, resworld):
    found = lineage(actor=resworld["users"]["teacher-a"], resource=tree["root"], depth=1)
    assert [n.depth for n in found.nodes] == [0, 1, 1] and found.cut_off
    nested = flows.remix_lineage(actor=AnonymousUser(), resource=tree["root"])
    assert nested["hidden"] == 1 and [c["resource"] for c in nested["children"]] == [
        tree["a"],
        tree["b"],
    ]


def test_page_for_the_public_names_no_hidden_remix(tree, client):
    page = client.get(f"/resources/{tree['root'].pk}/lineage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "改编甲" in html and "北京改编丁" in html and 'id="lineage-table"' in html
    assert "校内改编乙" not in html and "草稿改编戊" not in html and "再改编丙" not in html
    assert 'id="hidden-remixes"' in html and "2 more remixes are not visible to you" in html
    assert "Plotly" in html or "plotly" in html  # the sunburst
    leaf = client.get(f"/resources/{tree['a1x'].pk}/lineage/").content.decode()
    assert "原始教案" in leaf and "(a source not visible to you)" in leaf
    assert "校内改编乙" not in leaf


def test_page_for_a_reader_of_the_school(tree, resworld, client):
    client.force_login(resworld["users"]["teacher-a"])
    html = client.get(f"/resources/{tree['root'].pk}/lineage/").content.decode()
    assert "校内改编乙" in html and "再改编丙" in html and "草稿改编戊" not in html


def test_page_and_api_are_404_for_a_resource_out_of_scope(tree, resworld, client):
    assert client.get(f"/resources/{tree['a1'].pk}/lineage/").status_code == 404
    assert client.get(f"/api/resources/{tree['a1'].pk}/lineage").status_code == 404
    client.force_login(resworld["users"]["teacher-b"])  # Tongzhou: not school A
    assert client.get(f"/resources/{tree['a1'].pk}/lineage/").status_code == 404
    assert client.get(f"/api/resources/{tree['a1'].pk}/lineage").status_code == 404
    client.force_login(resworld["users"]["teacher-a"])
    assert client.get(f"/api/resources/{tree['a1'].pk}/lineage").status_code == 200


def test_api_for_the_public(tree, client):
    data = client.get(f"/api/resources/{tree['a'].pk}/lineage").json()
    assert data["resource"] == str(tree["a"].pk)
    assert [x["title"] for x in data["ancestors"]] == ["原始教案"]
    assert data["ancestors"][0]["depth"] == -1 and data["ancestors"][0]["parent"] is None
    assert [x["id"] for x in data["descendants"]] == [str(tree["a"].pk)]
    assert data["descendants"][0]["parent"] == str(tree["root"].pk)
    assert data["hidden_remixes"] == 1 and data["hidden_ancestors"] == 0
    node = data["descendants"][0]
    assert node["owner_member"] == "130000000000" and node["licence"] == "CC-BY-4.0"
    assert node["author_name"] == "李老师" and node["url"].endswith(f"/resources/{tree['a'].pk}/")
    assert "校内改编乙" not in str(data) and str(tree["a1"].pk) not in str(data)
    leaf = client.get(f"/api/resources/{tree['a1x'].pk}/lineage").json()
    assert leaf["hidden_ancestors"] == 1 and [x["depth"] for x in leaf["ancestors"]] == [-3, -2]
    # the hidden source's id is not given as the leaf's parent
    assert leaf["descendants"][0]["parent"] is None and str(tree["a1"].pk) not in str(leaf)


def test_resource_page_links_to_the_lineage_only_with_a_source_or_remixes(tree, resworld, client):
    assert 'id="lineage-link"' in client.get(f"/resources/{tree['root'].pk}/").content.decode()
    assert 'id="lineage-link"' in client.get(f"/resources/{tree['b'].pk}/").content.decode()
    alone = publish(resworld, make(resworld, title_zh="独立资源", visibility="public"))
    assert 'id="lineage-link"' not in client.get(f"/resources/{alone.pk}/").content.decode()


def test_flows_page_shows_remix_flows_and_the_most_remixed(tree, resworld, client):
    # root was remixed three times (a, b, the draft d), a once (a1), a1 once (a1x)
    admin = resworld["users"]["admin"]
    top = flows.most_remixed(actor=admin)
    assert [(t["id"], t["count"]) for t in top][:1] == [(tree["root"].pk, 3)]
    assert {t["id"] for t in top} == {tree["root"].pk, tree["a"].pk, tree["a1"].pk}
    # the public: every resource has fewer than 5 remixes, so none is listed
    assert flows.most_remixed(actor=AnonymousUser()) == []
    html = client.get("/resources/flows/").content.decode()
    assert 'id="remix-matrix"' in html and "suppressed" in html
    assert "改编甲" not in html.split('id="most-remixed"')[1]
    client.force_login(admin)
    html = client.get("/resources/flows/").content.decode()
    remix_part = html.split('id="remix-matrix"')[1]
    assert f"/resources/{tree['root'].pk}/lineage/" in remix_part
    assert "校内改编乙" in remix_part  # a1 was remixed once (a1x), admin reads it
    assert "<title>" in html and "<h2" not in html.split("<title>")[1].split("</title>")[0]


def test_most_remixed_keeps_the_public_rule_and_the_period(tree, resworld):
    from xietong.resources.models import UsageEvent

    for i in range(4):
        remix(resworld, tree["b"], f"北京再改编{i}", by="teacher-b", school="B")
    top = flows.most_remixed(actor=AnonymousUser())
    assert top == []  # 4 remixes of b: below the public's minimum
    UsageEvent.objects.filter(kind="remix").update(period="2025-01")
    remix(resworld, tree["b"], "北京再改编末", by="teacher-b", school="B")
    assert [(t["id"], t["count"]) for t in flows.most_remixed(actor=AnonymousUser())] == [
        (tree["b"].pk, 5)
    ]
    assert flows.most_remixed(actor=AnonymousUser(), period_from="2025-02") == []
    cells = flows.flow_matrix(actor=AnonymousUser(), kinds=["remix"])
    assert {(c["source"], c["consumer"]): c["count"] for c in cells}[("11", "11")] == 5
