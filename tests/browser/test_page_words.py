"""Every demo role, in a browser set to Chinese, on the pages the browser tests visit (and the
pages next to them): no raw code, no bare English enum value, no English sentence in what the page
shows or in its charts, and outside finance no count without thousands separators. Import
problems are read too: a file with errors is uploaded as the school and as the bureau."""

from .helpers import login, require_chromium
from .words import READ_PAGE, chart_words, file_columns, findings

require_chromium()


def _read(page, url: str, *, numbers: bool) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, url
    return _scan(page, url, numbers=numbers)


def _scan(page, url: str, *, numbers: bool) -> list[str]:
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans", url
    seen = page.evaluate(READ_PAGE)
    words = "\n".join([seen["text"], *(w for f in seen["charts"] for w in chart_words(f))])
    return [f"{url}: {f}" for f in findings(words, allowed=file_columns(), numbers=numbers)]


def _as(browser, base, username):
    page = browser.new_page(locale="zh-CN")  # a browser set to Chinese: no language chosen
    if username:
        login(page, base, username)
    return page


def _paths():
    from django.urls import reverse

    from xietong.evaluation.models import EvaluationRun
    from xietong.schools.models import School
    from xietong.talent.models import ExchangeRound

    run = EvaluationRun.objects.order_by("pk").first()
    county = run.counties.order_by("county_id").first().county_id
    langfang_county = (
        run.counties.filter(county__code__startswith="1310").values_list("county_id", flat=True)
        or [county]
    )[0]
    school = School.objects.filter(county__code__startswith="1310").order_by("code").first()
    rnd = ExchangeRound.objects.order_by("pk").first()
    public = [
        "/",
        "/areas/yrd/",
        "/areas/jjj/",
        "/areas/tongwulang/",
        "/jurisdictions/131000000000/",
        "/evaluation/",
        reverse("evaluation_run", args=[run.pk]),
        reverse("evaluation_county", args=[run.pk, county]),
        reverse("gap_dashboard", args=["yrd"]),
        reverse("gap_dashboard", args=["jjj"]) + "?stage=all",
        "/talent/",
        "/talent/training/",
        "/talent/recruitment/",
        "/login/",
    ]
    rounds = [reverse(n, args=[rnd.pk]) for n in ("talent_round", "talent_results")]
    return {
        None: public,
        "langfang-bureau": [
            "/schools/",
            f"/schools/{school.code}/",
            "/evaluation/",
            reverse("evaluation_county", args=[run.pk, langfang_county]),
            "/talent/",
            "/talent/teachers/",
            *rounds,
            reverse("talent_flows", args=[rnd.pk]),
            "/account/",
        ],
        "school-admin": ["/", f"/schools/{school.code}/", "/statistics/import/", "/talent/"],
        "teacher": ["/talent/", *rounds, reverse("talent_apply", args=[rnd.pk])],
        "jjj-secretariat": [*rounds, reverse("talent_flows", args=[rnd.pk]), "/evaluation/"],
        "admin": [
            "/",
            "/areas/yrd/",
            "/jurisdictions/131000000000/",
            f"/schools/{school.code}/",
            reverse("evaluation_run", args=[run.pk]),
            reverse("evaluation_county", args=[run.pk, county]),
            reverse("gap_dashboard", args=["yrd"]),
            *rounds,
            reverse("talent_flows", args=[rnd.pk]),
            "/talent/appointments/",
            "/audit/checkpoints/",
        ],
    }


def _finance_paths():
    from django.urls import reverse

    from xietong.finance.models import Agreement, ContributionRound, JointProject, Settlement

    paths = ["/finance/", "/finance/yrd/", reverse("finance_contributions", args=["yrd"])]
    for model, name in (
        (ContributionRound, "finance_round"),
        (JointProject, "finance_project"),
        (Agreement, "finance_agreement"),
        (Settlement, "finance_settlement"),
    ):
        first = model.objects.order_by("pk").first()
        if first is not None:
            paths.append(reverse(name, args=["yrd", first.pk]))
    paths.append(reverse("finance_statement", args=["yrd", "310000000000"]))
    return paths


def _upload(page, base, path, tmp_path, name, content):
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    page.goto(base + path)
    page.set_input_files("main input[type=file]", str(bad))
    with page.expect_navigation():
        page.click("main form[enctype] button")


def test_every_role_reads_chinese(browser, live_server, full_demo, tmp_path):
    from xietong.accounts.models import User

    base, problems = live_server.url, []
    for username, paths in _paths().items():
        page = _as(browser, base, username)
        for path in paths:
            problems += _read(page, base + path, numbers=True)
        page.close()
    school = User.objects.get(username="school-admin").roles.get().school

    # the school uploads statistics with errors: the problems table is read
    page = _as(browser, base, "school-admin")
    _upload(
        page,
        base,
        "/statistics/import/",
        tmp_path,
        "bad.csv",
        f"school_code,year,students,teachers\n{school.code},2024,lots,①\n9999,2024,1,1\n",
    )
    assert page.locator("#problems tbody tr").count() == 3  # lots, ①, 9999
    problems += _scan(page, base + "/statistics/import/ (problems)", numbers=True)
    page.close()

    # the bureau registers teachers with wrong codes: the messages are read
    page = _as(browser, base, "langfang-bureau")
    _upload(
        page,
        base,
        "/talent/teachers/import/",
        tmp_path,
        "teachers.csv",
        "code,name,school_code,subject,stage,eligible\n"
        f"N1,新教师,{school.code},English,junior high,maybe\n",
    )
    assert page.locator("ul.messages li.error").count() >= 3  # subject, stage, eligible
    problems += _scan(page, base + "/talent/teachers/import/ (problems)", numbers=True)
    page.close()
    assert problems == [], "\n".join(problems)


def test_finance_pages_read_chinese(browser, live_server, full_demo):
    base, problems = live_server.url, []
    for username in ("admin", "yrd-secretariat", "shanghai-bureau"):
        page = _as(browser, base, username)
        for path in _finance_paths():
            response = page.goto(base + path)
            if response.status == 404:  # a member's bureau sees only its own statement
                continue
            assert response.status == 200, path
            problems += _scan(page, base + path, numbers=False)
        page.close()
    assert problems == [], "\n".join(problems)
