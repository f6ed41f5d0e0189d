"""The government functional classification of expenditure (支出功能分类) for the fund's spending.

Finance bureaus report spending by the functional classification of the Ministry of Finance's
annual 《政府收支分类科目》 (here the 2024 edition): a class (类, three digits), a section (款, five)
and an item (项, seven). All the fund pays for is education, class 205 教育支出; the items below
are those a regional education fund spends on. A disbursement carries the seven-digit item; the
statement of expenditure adds the items up by section and class, so it reads like a bureau's
决算 table.

The names are the official Chinese names; the English ones are translations (the catalogue
holds the English msgid and the official Chinese as its zh-Hans translation).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Programme


@dataclass(frozen=True)
class Heading:
    code: str
    name: object  # a lazy translation

    @property
    def level(self) -> str:
        return {3: "class", 5: "section", 7: "item"}[len(self.code)]


HEADINGS: dict[str, Heading] = {
    h.code: h
    for h in [
        Heading("205", _("Education expenditure")),
        Heading("20501", _("Education administration")),
        Heading("2050199", _("Other education administration expenditure")),
        Heading("20502", _("General education")),
        Heading("2050201", _("Pre-school education")),
        Heading("2050202", _("Primary education")),
        Heading("2050203", _("Junior secondary education")),
        Heading("2050204", _("Senior secondary education")),
        Heading("2050205", _("Higher education")),
        Heading("2050299", _("Other general education expenditure")),
        Heading("20503", _("Vocational education")),
        Heading("2050302", _("Secondary vocational education")),
        Heading("2050305", _("Higher vocational education")),
        Heading("2050399", _("Other vocational education expenditure")),
        Heading("20507", _("Special education")),
        Heading("2050701", _("Special school education")),
        Heading("2050799", _("Other special education expenditure")),
        Heading("20508", _("Further education and training")),
        Heading("2050801", _("Teachers' further education")),
        Heading("2050803", _("Training expenditure")),
        Heading("2050899", _("Other further education and training expenditure")),
        Heading("20599", _("Other education expenditure")),
        Heading("2059999", _("Other education expenditure (item)")),
    ]
}

ITEMS = [code for code in HEADINGS if len(code) == 7]

# What a programme is usually classified as; the form proposes it, the secretariat decides, and
# the migration that introduced the classification gave existing disbursements these codes.
PROGRAMME_DEFAULT = {
    Programme.TEACHER_EXCHANGE: "2050801",
    Programme.TRAINING: "2050801",
    Programme.SHARED_RESOURCES: "2050299",
    Programme.JOINT_PROJECT: "2050299",
    Programme.OTHER: "2059999",
}


def item_choices() -> list[tuple[str, str]]:
    """Items grouped under their section, for a select box: ``2050202 Primary education``."""
    return [(code, label(code)) for code in ITEMS]


def label(code: str) -> str:
    h = HEADINGS.get(code)
    return f"{code} {h.name}" if h else code


def name(code: str) -> str:
    h = HEADINGS.get(code)
    return str(h.name) if h else ""


def parents(code: str) -> list[str]:
    """The class and section of an item: 2050202 -> ['205', '20502']."""
    return [code[:3], code[:5]]


def check(code: str) -> str:
    code = (code or "").strip()
    if code not in ITEMS:
        from django.utils.translation import gettext

        raise ValueError(
            gettext(
                "%(c)r is not an item of the functional classification of education spending "
                "(a seven-digit code such as 2050202 for primary education)."
            )
            % {"c": code}
        )
    return code
