import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _english_messages(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def users(world):
    return world["users"]


@pytest.fixture
def pairing(world):
    """A bottom-up pairing of Tongzhou school B (lead, supporting) with Langfang school A
    (supported), in the Tongzhou-Wuqing-Langfang area, proposed by school A, 2025-2027."""
    from xietong.partnerships.services import cooperation_propose

    s = world["schools"]
    return cooperation_propose(
        actor=world["users"]["school-a"],
        school=s["A"],
        fields={
            "code": "TWL-2025-001",
            "kind": "pairing",
            "title_zh": "通州一小—安次一小结对",
            "title_en": "Tongzhou No. 1 - Anci No. 1 pairing",
            "area": world["areas"]["tongwulang"],
            "term_start": dt.date(2025, 1, 1),
            "term_end": dt.date(2027, 12, 31),
            "subjects": ["math", "chinese"],
            "content": ["teaching_research", "teacher_training"],
        },
        parties=[
            {"role": "lead", "school": s["B"]},
            {"role": "supported", "school": s["A"]},
        ],
    )


def approve_all(coop, users):
    from xietong.partnerships.services import agreement_approve, current_version

    h = current_version(coop).content_hash
    a, b = (coop.parties.get(school__code__startswith=c) for c in ("131002", "110112"))
    agreement_approve(actor=users["school-a"], cooperation=coop, party=a, content_hash=h)
    agreement_approve(actor=users["tongzhou"], cooperation=coop, party=b, content_hash=h)
    agreement_approve(
        actor=users["langfang"], cooperation=coop, party=a, content_hash=h, as_bureau=True
    )
    agreement_approve(
        actor=users["tongzhou"], cooperation=coop, party=b, content_hash=h, as_bureau=True
    )
    coop.refresh_from_db()
    return a, b


@pytest.fixture
def active(pairing, users):
    a, b = approve_all(pairing, users)
    return pairing, a, b


def client_of(user, lang: str = "en"):
    """A test client logged in as ``user`` (None: logged out), reading pages in ``lang``."""
    from django.test import Client

    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if user is not None:
        c.force_login(user)
    return c


def snapshot() -> tuple[int, ...]:
    """Row counts of everything a partnerships form may write, and of the audit log."""
    from xietong.audit.models import AuditEntry
    from xietong.partnerships.models import (
        Activity,
        AgreementVersion,
        Approval,
        Cooperation,
        Obligation,
        Party,
        SocialPartner,
    )

    models = (Cooperation, Party, AgreementVersion, Approval, Obligation, Activity, SocialPartner)
    return (*(m.objects.count() for m in models), AuditEntry.objects.count())


def audited(action) -> int:
    from xietong.audit.models import AuditEntry

    return AuditEntry.objects.filter(action=str(action)).count()
