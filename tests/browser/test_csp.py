"""Every page with a chart, the API docs and the admin, in chromium under the site's real
Content-Security-Policy: no violation (no inline script, no eval, no inline style), no script
error, and every chart drawn."""

from .helpers import login, require_chromium

require_chromium()

# reported to the page before any of its own scripts run (init scripts are not subject to CSP)
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
CHARTS_DRAWN = """() => {
  const all = document.querySelectorAll("[data-figure]");
  return [...all].every((d) => d.querySelector(".main-svg"));
}"""


def _pages():
    from django.urls import reverse

    from xietong.evaluation.models import EvaluationRun
    from xietong.finance.models import Settlement
    from xietong.schools.models import School
    from xietong.talent.models import ExchangeRound

    run = EvaluationRun.objects.order_by("pk").first()
    county = run.counties.order_by("county_id").first().county_id
    school = School.objects.filter(county__code__startswith="1310").order_by("code").first()
    rnd = ExchangeRound.objects.order_by("pk").first()
    pages = [
        "/",
        "/areas/yrd/",
        "/jurisdictions/131000000000/",
        f"/schools/{school.code}/",
        reverse("evaluation_run", args=[run.pk]),
        reverse("evaluation_county", args=[run.pk, county]),
        reverse("gap_dashboard", args=["yrd"]),
        reverse("finance_fund", args=["yrd"]),
        reverse("finance_contributions", args=["yrd"]),
        reverse("talent_round", args=[rnd.pk]),
        reverse("talent_flows", args=[rnd.pk]),
        "/api/docs",
        "/admin/",
        "/admin/accounts/user/add/",
    ]
    settlement = Settlement.objects.order_by("pk").first()
    if settlement is not None:
        pages.append(reverse("finance_settlement", args=["yrd", settlement.pk]))
    return pages


def _visit(page, url):
    errors = []
    page.on("pageerror", lambda exc: errors.append(f"{url}: {exc}"))
    page.on(
        "console",
        lambda m: (
            errors.append(f"{url}: {m.text}")
            if m.type == "error" and ("Content Security Policy" in m.text or "Refused" in m.text)
            else None
        ),
    )
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    page.wait_for_function(CHARTS_DRAWN, timeout=30000)
    charts = page.locator("[data-figure]").count()
    return errors + [f"{url}: {v}" for v in page.evaluate("window.__violations")], charts


def test_pages_work_under_the_content_security_policy(browser, live_server, full_demo):
    page = browser.new_page()
    page.add_init_script(LISTEN)
    login(page, live_server.url, "admin")
    problems, charts = [], 0
    for path in _pages():
        found, n = _visit(page, live_server.url + path)
        problems += found
        charts += n
    assert problems == []
    assert charts >= 15  # the pages above really drew their charts under the policy
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)  # Swagger UI ran
    page.close()


def test_logged_out_pages_and_the_language_switch(browser, live_server, full_demo):
    page = browser.new_page()
    page.add_init_script(LISTEN)
    problems, _ = _visit(page, live_server.url + "/login/")
    with page.expect_navigation():  # the switch is wired up by site.js, not an inline handler
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    found, charts = _visit(page, live_server.url + "/areas/tongwulang/")
    assert problems + found == [] and charts >= 2
    page.close()
