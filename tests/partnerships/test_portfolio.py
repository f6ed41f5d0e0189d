"""The area portfolio API: counts by kind, origin, member; pooled compliance; scope."""

from __future__ import annotations

from xietong.partnerships.models import ComplianceResult, Obligation


def test_portfolio_counts_and_compliance(active, users, client):
    """One pairing in 通武廊 (Tongzhou B with Langfang A), proposed by A (bottom-up). Two of its
    obligations have 2025 results, one met: compliance 1/2."""
    coop, _, _ = active
    for code, met in (("lessons", True), ("sessions", False)):
        ob = Obligation.objects.create(cooperation=coop, code=code, measure="lessons", quota=4)
        ComplianceResult.objects.create(obligation=ob, period="2025", quota=4, counted=3, met=met)
    client.force_login(users["twl-sec"])
    body = client.get("/api/partnerships/portfolio/tongwulang").json()
    assert body["cooperations"] == 1
    assert body["by_kind"] == {"pairing": 1}
    assert body["by_origin"] == {coop.origin: 1}
    assert body["by_member"] == {"110000000000": 1, "130000000000": 1}
    assert body["compliance"]["2025"] == {"assessed": 2, "met": 1, "unmet": 1, "share": "1/2"}
    client.force_login(users["yrd-sec"])  # another area's secretariat sees none of it
    assert client.get("/api/partnerships/portfolio/tongwulang").json()["cooperations"] == 0
    assert client.get("/api/partnerships/portfolio/nowhere").status_code == 404


def test_portfolio_page_chart_and_tables(active, users, client):
    client.force_login(users["twl-sec"])
    page = client.get("/partnerships/portfolio/tongwulang/").content.decode()
    assert 'class="chart"' in page
    assert 'id="by-kind"' in page and "Pairing" in page
    assert "Beijing" in page or "北京" in page
    assert client.get("/partnerships/portfolio/nowhere/").status_code == 404
