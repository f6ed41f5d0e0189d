"""The cells of an import file checked one by one, and its problems kept as codes with their
parameters (row, column), put in the reader's language only when shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from xietong.tabular import NumberError, parse_decimal

TRUE, FALSE = {"1", "true", "yes", "是"}, {"0", "false", "no", "否"}

# Problems are kept as codes with parameters and put in words when shown.
MESSAGES = {
    "empty": _("the file is empty"),
    "missing_column": _("required column is missing"),
    "unknown_column": _("unknown column"),
    "unknown_record": _("%(v)s is not a record type (cooperation, party, obligation, activity)"),
    "required": _("a value is required"),
    "too_long": _("at most %(n)s characters"),
    "not_code": _("%(v)s is not one of the codes %(allowed)s"),
    "not_date": _("%(v)s is not a date (YYYY-MM-DD)"),
    "not_number": _("%(v)s is not a number (%(why)s)"),
    "out_of_range": _("%(v)s is out of range"),
    "not_flag": _("%(v)s: use 1 or 0"),
    "term_order": _("the term ends before it starts"),
    "no_area": _("no cooperation area %(v)s"),
    "no_school": _("no school with code %(v)s"),
    "no_jurisdiction": _("no jurisdiction with code %(v)s"),
    "no_partner": _("no social partner with credit code or name %(v)s"),
    "repeated": _("%(v)s repeated (first on row %(first)s)"),
    "exists": _("%(v)s already exists; import in mode update or add-or-update"),
    "missing": _("%(v)s does not exist; import in mode add or add-or-update"),
    "code_taken": _("the code %(v)s is used by a cooperation outside your scope"),
    "no_cooperation_row": _("cooperation %(v)s is new: give its cooperation row"),
    "few_parties": _("a new cooperation needs at least two parties"),
    "parties_fixed": _(
        "the parties of %(v)s are the ones its agreement names; change them by an agreement edit"
    ),
    "terms_fixed": _(
        "%(v)s differs from the agreement in force; change it by an agreement edit or a renewal"
    ),
    "not_manager": _("you may not manage cooperation %(v)s"),
    "not_establisher": _("you may not set up a cooperation with this lead party or area"),
    "not_party": _("you act for no party of cooperation %(v)s"),
    "not_in_force": _("activities are recorded once cooperation %(v)s is in force"),
    "outside_term": _("%(v)s is outside the cooperation's term"),
    "no_obligation": _("cooperation %(c)s has no obligation %(v)s"),
    "kind_not_counted": _("obligation %(o)s does not count activities of kind %(v)s"),
    "no_party": _("cooperation %(c)s has no party %(v)s"),
    "confirmed": _("activity %(v)s is %(level)s and can no longer be amended"),
    "write_failed": _("%(v)s"),
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {k: str(v) for k, v in self.params.items()}

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}


def allowed_codes(choices) -> str:
    return ", ".join(choices.values)


def words(values) -> list[str]:
    return sorted({w for w in str(values or "").replace(",", " ").split() if w})


class Cells:
    """The checks of one file: cell parsers that note a problem and return None."""

    def __init__(self, plan):  # io.Plan: its errors list grows
        self.plan = plan

    def error(self, row: int, column: str, code: str, **params) -> None:
        self.plan.errors.append(RowError(row, column, code, params))

    def text(self, n, rec, col, max_length, required=True):
        v = rec.get(col, "")
        if required and not v:
            self.error(n, col, "required")
            return None
        if len(v) > max_length:
            self.error(n, col, "too_long", n=max_length)
            return None
        return v

    def code(self, n, rec, col, choices, default=None):
        v = rec.get(col, "") or default
        if not v:
            self.error(n, col, "required")
            return None
        if v not in choices.values:
            self.error(n, col, "not_code", v=v, allowed=allowed_codes(choices))
            return None
        return v

    def date(self, n, rec, col):
        v = rec.get(col, "")
        if not v:
            self.error(n, col, "required")
            return None
        try:
            return dt.date.fromisoformat(v[:10] if len(v) > 10 and v[10] in " T" else v)
        except ValueError:
            self.error(n, col, "not_date", v=v)
            return None

    def decimal(self, n, rec, col):
        v = rec.get(col, "")
        if not v:
            self.error(n, col, "required")
            return None
        try:
            d = parse_decimal(v, max_integer_digits=9)
        except NumberError as exc:
            self.error(n, col, "not_number", v=v, why=str(exc))
            return None
        if d < 0:
            self.error(n, col, "out_of_range", v=v)
            return None
        return d.quantize(Decimal("0.01"))

    def whole(self, n, rec, col, default=0):
        v = rec.get(col, "")
        if not v:
            return default
        if not v.isdigit() or int(v) > 100:
            self.error(n, col, "out_of_range", v=v)
            return None
        return int(v)

    def flag(self, n, rec, col):
        v = rec.get(col, "").lower()
        if v == "":
            return None
        if v not in TRUE | FALSE:
            self.error(n, col, "not_flag", v=v)
            return None
        return v in TRUE

    def codes(self, n, rec, col, allowed, choices_text):
        found = words(rec.get(col))
        bad = [w for w in found if w not in allowed]
        if bad:
            self.error(n, col, "not_code", v=bad[0], allowed=choices_text)
            return None
        return found
