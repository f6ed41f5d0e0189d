from django.test import Client


def test_home_lists_areas_with_counts(world):
    c = Client()
    c.force_login(world["users"]["admin"])
    page = c.get("/").content.decode()
    for slug in ("yrd", "jjj", "tongwulang"):
        assert f'data-area="{slug}"' in page


def test_area_page_has_members_chart_and_map(world):
    c = Client()
    c.force_login(world["users"]["jjj-sec"])
    page = c.get("/areas/jjj/").content.decode()
    assert 'id="members"' in page and "110000000000" in page and "130000000000" in page
    assert "plotly-graph-div" in page
    assert "/vendor/plotly.min.js" in page


def test_school_page_has_charts_and_csv(world):
    c = Client()
    c.force_login(world["users"]["langfang"])
    code = world["schools"]["A"].code
    page = c.get(f"/schools/{code}/").content.decode()
    assert page.count("plotly-graph-div") >= 4 and 'id="stats"' in page
    csv = c.get(f"/schools/{code}/?format=csv").content.decode()
    assert csv.startswith("year,students") and "2024" in csv


def test_plotly_is_served_locally():
    r = Client().get("/vendor/plotly.min.js")
    assert r.status_code == 200
    assert b"plotly" in b"".join(r.streaming_content)[:5000].lower()


def test_language_switch(world):
    c = Client()
    zh = c.get("/").content.decode()
    assert "合作区" in zh
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = c.get("/").content.decode()
    assert "Cooperation areas" in en and 'lang="en"' in en
    assert "Beijing-Tianjin-Hebei" in en


def test_import_page_reports_problems_by_row_and_column(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = Client()
    c.force_login(world["users"]["langfang"])
    data = f"school_code,year,students\n{world['schools']['A'].code},2023,-1\n".encode()
    page = c.post(
        "/statistics/import/", {"file": SimpleUploadedFile("bad.csv", data)}
    ).content.decode()
    assert 'id="problems"' in page and "bad.csv" in page and "students" in page
    good = f"school_code,year,students\n{world['schools']['A'].code},2023,100\n".encode()
    page = c.post(
        "/statistics/import/", {"file": SimpleUploadedFile("good.csv", good)}
    ).content.decode()
    assert 'id="result"' in page


def test_import_page_needs_login():
    r = Client().get("/statistics/import/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_template_and_export_downloads(world):
    c = Client()
    c.force_login(world["users"]["langfang"])
    assert c.get("/statistics/template.xlsx").content[:2] == b"PK"
    body = c.get("/statistics/export.csv").content.decode()
    assert world["schools"]["A"].code in body and world["schools"]["C"].code not in body


def test_openapi_schema(db):
    schema = Client().get("/api/openapi.json").json()
    paths = schema["paths"]
    for p in (
        "/api/jurisdictions",
        "/api/areas",
        "/api/schools",
        "/api/statistics",
        "/api/aggregates",
        "/api/statistics/import",
        "/api/indicators",
    ):
        assert p in paths, p
    params = {p["name"] for p in paths["/api/schools"]["get"]["parameters"]}
    assert {"limit", "offset", "within", "stage", "q"} <= params


def test_api_filters_and_pagination(world):
    c = Client()
    c.force_login(world["users"]["admin"])
    r = c.get("/api/schools?within=130000000000&limit=1").json()
    assert r["count"] == 2 and len(r["items"]) == 1
    r = c.get(
        "/api/jurisdictions?level=county&within=131000000000&include_placeholders=false"
    ).json()
    assert r["count"] == 10
    code = world["schools"]["A"].code
    r = c.get(f"/api/statistics?school={code}&indicator=students").json()
    assert r["count"] == 1 and r["items"][0]["value"] == "500.00"
