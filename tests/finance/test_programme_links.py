"""Disbursements linked to the talent module: exchange rounds and training programmes of the area."""

import datetime as dt
import json

import pytest
from django.test import Client

from xietong.finance import services
from xietong.finance.models import Disbursement, JournalEntry

from .conftest import SH, D


@pytest.fixture
def cash(called_round):
    """1,000.00 yuan of public money in the YRD fund."""
    services.payment_record(
        charge=called_round.charges.get(member_id=SH), amount="1000.00", date=D, actor=None
    )
    return called_round.fund


@pytest.fixture
def talent(world):
    from xietong.regions.models import Jurisdiction
    from xietong.talent.models import ExchangeRound, TrainingProgramme

    areas = world["areas"]
    j = Jurisdiction.objects.get
    return {
        "yrd_round": ExchangeRound.objects.create(name="YRD 2024", year=2024, area=areas["yrd"]),
        # run by Nanjing's bureau: inside Jiangsu, a member of the YRD
        "nanjing_round": ExchangeRound.objects.create(
            name="Nanjing 2024", year=2024, jurisdiction=j(code="320100000000")
        ),
        "jjj_round": ExchangeRound.objects.create(name="JJJ 2024", year=2024, area=areas["jjj"]),
        "langfang_round": ExchangeRound.objects.create(
            name="Langfang 2024", year=2024, jurisdiction=j(code="131000000000")
        ),
        "yrd_training": TrainingProgramme.objects.create(
            area=areas["yrd"],
            code="YRD-T1",
            title="YRD backbone teachers",
            credit_hours=24,
            starts=dt.date(2024, 7, 1),
            ends=dt.date(2024, 7, 10),
        ),
        "jjj_training": TrainingProgramme.objects.create(
            area=areas["jjj"],
            code="JJJ-T1",
            title="JJJ training",
            credit_hours=12,
            starts=dt.date(2024, 7, 1),
            ends=dt.date(2024, 7, 10),
        ),
    }


def _pay(fund, programme, **links):
    return services.disbursement_record(
        fund=fund,
        programme=programme,
        function_code="2050801",
        label="linked",
        amount="100.00",
        date=D,
        actor=None,
        **links,
    )


def test_links_within_the_area_are_accepted(cash, talent):
    x = _pay(cash, "teacher_exchange", exchange_round=talent["yrd_round"])
    assert x.exchange_round == talent["yrd_round"]
    y = _pay(cash, "teacher_exchange", exchange_round=talent["nanjing_round"])
    assert y.exchange_round == talent["nanjing_round"]
    z = _pay(cash, "training", training_programme=talent["yrd_training"])
    assert z.training_programme == talent["yrd_training"]


@pytest.mark.parametrize(
    "programme,links,message",
    [
        ("teacher_exchange", {"exchange_round": "jjj_round"}, "is not run in"),
        ("teacher_exchange", {"exchange_round": "langfang_round"}, "is not run in"),
        ("training", {"training_programme": "jjj_training"}, "another cooperation area"),
        ("training", {"exchange_round": "yrd_round"}, "Only a teacher exchange"),
        ("teacher_exchange", {"training_programme": "yrd_training"}, "Only a training"),
        (
            "training",
            {"exchange_round": "yrd_round", "training_programme": "yrd_training"},
            "not both",
        ),
    ],
)
def test_links_outside_the_area_or_programme_are_refused(cash, talent, programme, links, message):
    n = JournalEntry.objects.count()
    with pytest.raises(ValueError, match=message):
        _pay(cash, programme, **{k: talent[v] for k, v in links.items()})
    assert JournalEntry.objects.count() == n and not Disbursement.objects.exists()


def test_link_shown_on_fund_page_and_in_api(world, cash, talent):
    _pay(cash, "teacher_exchange", exchange_round=talent["nanjing_round"])
    c = Client()
    c.force_login(world["users"]["yrd-sec"])
    html = c.get("/finance/yrd/").content.decode()
    assert "Nanjing 2024" in html and f"/talent/rounds/{talent['nanjing_round'].pk}/" in html
    # the API records and shows the link
    resp = c.post(
        "/api/finance/funds/yrd/disbursements",
        json.dumps(
            {
                "programme": "training",
                "function_code": "2050801",
                "label": "summer",
                "amount": "50.00",
                "date": "2024-07-01",
                "training_programme": talent["yrd_training"].pk,
            }
        ),
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["training_programme"] == talent["yrd_training"].pk
    assert resp.json()["training_programme_title"] == "YRD backbone teachers"
    resp = c.post(
        "/api/finance/funds/yrd/disbursements",
        json.dumps(
            {
                "programme": "teacher_exchange",
                "function_code": "2050801",
                "label": "x",
                "amount": "50.00",
                "date": "2024-07-01",
                "exchange_round": talent["jjj_round"].pk,
            }
        ),
        content_type="application/json",
    )
    assert resp.status_code == 422 and Disbursement.objects.count() == 2
    items = c.get("/api/finance/funds/yrd/disbursements?limit=10").json()["items"]
    by_label = {i["label"]: i for i in items}
    assert by_label["linked"]["exchange_round"] == talent["nanjing_round"].pk
    assert by_label["linked"]["exchange_round_name"] == "Nanjing 2024"
    assert by_label["summer"]["exchange_round"] is None


def test_disbursement_form_offers_only_the_areas_rounds(world, cash, talent):
    c = Client()
    c.force_login(world["users"]["yrd-sec"])
    html = c.get("/finance/yrd/disbursements/new/").content.decode()
    assert "YRD 2024" in html and "Nanjing 2024" in html and "YRD backbone teachers" in html
    assert "JJJ 2024" not in html and "Langfang 2024" not in html and "JJJ training" not in html
    resp = c.post(
        "/finance/yrd/disbursements/new/",
        {
            "programme": "teacher_exchange",
            "function_code": "2050801",
            "label": "exchange",
            "amount": "10.00",
            "date": "2024-06-01",
            "exchange_round": talent["yrd_round"].pk,
        },
    )
    assert resp.status_code == 302
    assert Disbursement.objects.get().exchange_round == talent["yrd_round"]
    # another area's round is refused by the form (and would be by the service)
    resp = c.post(
        "/finance/yrd/disbursements/new/",
        {
            "programme": "teacher_exchange",
            "function_code": "2050801",
            "label": "exchange",
            "amount": "10.00",
            "date": "2024-06-01",
            "exchange_round": talent["jjj_round"].pk,
        },
    )
    assert resp.status_code == 400 and Disbursement.objects.count() == 1
