"""Forms of the fund's pages. They only parse what was typed; every rule (scope, amounts exact
to the fen, states of rounds and settlements) is checked again by the services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xietong.talent.models import ExchangeRound, TrainingProgramme

from . import ledger
from .models import (
    AgreementKind,
    Criterion,
    DonorKind,
    Fund,
    JointProject,
    Programme,
    ProjectRule,
)


def _today():
    return timezone.localdate()


def _money_field(label, *, required=True):
    return forms.DecimalField(
        label=label, max_digits=18, decimal_places=2, min_value=Decimal("0.01"), required=required
    )


def _member_choices(fund: Fund, *, blank: bool = False) -> list[tuple[str, str]]:
    out = [("", "—")] if blank else []
    return out + [(m.code, m.display_name) for m in ledger.fund_members(fund)]


def _parse_pairs(text: str, what: str) -> dict[str, str]:
    """Lines of ``key value`` (or ``key: value``, ``key=value``) -> {key: value}."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        for sep in ("：", ":", "=", "\t"):
            line = line.replace(sep, " ")
        parts = line.split()
        if len(parts) != 2:
            raise forms.ValidationError(
                _("Line %(n)d of %(w)s: write a name and a number, e.g. “primary 5000”."),
                params={"n": n, "w": what},
            )
        key, value = parts
        if key in out:
            raise forms.ValidationError(
                _("%(k)s appears twice in %(w)s."), params={"k": key, "w": what}
            )
        out[key] = value
    if not out:
        raise forms.ValidationError(_("%(w)s is empty."), params={"w": what})
    return out


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total = _money_field(_("Total (yuan)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("year", _today().year)
        for value, label in Criterion.choices:
            self.fields[f"mix_{value}"] = forms.DecimalField(
                label=_("Share for %(c)s") % {"c": label},
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
                help_text=_("E.g. 40, 30 and 30 for a 40/30/30 rule; leave empty for none.")
                if value == Criterion.STUDENTS
                else "",
            )

    def mix(self) -> dict[str, str]:
        return {
            c: str(self.cleaned_data[f"mix_{c}"])
            for c in Criterion.values
            if self.cleaned_data.get(f"mix_{c}")
        }


class CallForm(forms.Form):
    date = forms.DateField(label=_("Date of the call"), required=False)
    due_date = forms.DateField(label=_("Due date"), required=False)


class PaymentForm(forms.Form):
    amount = _money_field(_("Amount (yuan)"))
    date = forms.DateField(label=_("Date"))


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    payer = forms.ChoiceField(label=_("Payer (sends students or teachers)"))
    payee = forms.ChoiceField(label=_("Payee (receives them)"))
    rates = forms.CharField(
        label=_("Rates"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line per stage: the stage and the amount per person per period in yuan, "
            "e.g. “primary 5000”."
        ),
    )

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _member_choices(fund)
        self.fields["payer"].choices = choices
        self.fields["payee"].choices = choices

    def clean_rates(self):
        return _parse_pairs(self.cleaned_data["rates"], _("the rates"))


class FlowForm(forms.Form):
    period = forms.CharField(
        label=_("Period"), max_length=20, help_text=_("2024, 2024-03, 2024-Q2 or 2024-H1.")
    )
    stage = forms.ChoiceField(label=_("Stage"))
    count = forms.IntegerField(label=_("Number of people"), min_value=0)

    def __init__(self, *args, stages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, s) for s in stages]


class SettlementForm(forms.Form):
    period = forms.CharField(
        label=_("Period"), max_length=20, help_text=_("2024, 2024-03, 2024-Q2 or 2024-H1.")
    )
    method = forms.ChoiceField(
        label=_("Netting"),
        choices=[
            ("auto", _("Fewest transfers where feasible (automatic)")),
            ("exact", _("Fewest transfers (exact)")),
            ("greedy", _("Greedy (at most one transfer fewer than the members)")),
        ],
        initial="auto",
    )


class DonationForm(forms.Form):
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=None, required=False)
    new_donor = forms.CharField(label=_("…or a new donor's name"), max_length=200, required=False)
    new_donor_kind = forms.ChoiceField(
        label=_("Kind of the new donor"), choices=DonorKind.choices, required=False
    )
    anonymous = forms.BooleanField(label=_("The new donor stays anonymous"), required=False)
    amount = _money_field(_("Amount (yuan)"))
    date = forms.DateField(label=_("Date"))
    earmark = forms.ChoiceField(
        label=_("Earmarked for"),
        choices=[("", _("not earmarked"))] + list(Programme.choices),
        required=False,
    )

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = fund.donors.all()

    def clean(self):
        data = super().clean()
        has_old, has_new = bool(data.get("donor")), bool((data.get("new_donor") or "").strip())
        if has_old == has_new:
            raise forms.ValidationError(_("Choose a donor or give a new donor's name (not both)."))
        return data


def exchange_rounds_of(fund: Fund):
    from django.db.models import Q

    q = Q(area_id=fund.area_id)
    for m in ledger.fund_members(fund):
        q |= Q(jurisdiction__code__startswith=m.prefix)
    return ExchangeRound.objects.filter(q).order_by("-year", "-pk")


class DisbursementForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices)
    label = forms.CharField(label=_("Label"), max_length=200)
    amount = _money_field(_("Amount (yuan)"))
    date = forms.DateField(label=_("Date"))
    beneficiary = forms.ChoiceField(label=_("Beneficiary member"), required=False)
    from_society = forms.BooleanField(label=_("Paid from society's money"), required=False)
    project = forms.ModelChoiceField(label=_("Joint project"), queryset=None, required=False)
    exchange_round = forms.ModelChoiceField(
        label=_("Teacher exchange round"), queryset=None, required=False
    )
    training_programme = forms.ModelChoiceField(
        label=_("Training programme"), queryset=None, required=False
    )

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].choices = _member_choices(fund, blank=True)
        self.fields["project"].queryset = JointProject.objects.filter(fund=fund)
        # other areas' rounds and programmes are not offered; the service checks again
        self.fields["exchange_round"].queryset = exchange_rounds_of(fund)
        self.fields["training_programme"].queryset = TrainingProgramme.objects.filter(
            area_id=fund.area_id
        )


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    programme = forms.ChoiceField(
        label=_("Programme"), choices=Programme.choices, initial=Programme.JOINT_PROJECT
    )
    rule = forms.ChoiceField(
        label=_("Rule"),
        choices=[
            (ProjectRule.PROPORTIONAL, ProjectRule.PROPORTIONAL.label),
            (ProjectRule.AIRPORT, ProjectRule.AIRPORT.label),
        ],
    )
    total = _money_field(_("Total cost (yuan, proportional rule only)"), required=False)
    values = forms.CharField(
        label=_("Participants"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One line per participating member: its code and, for the proportional rule, its "
            "weight; for the airport game, its stand-alone cost in yuan (what the facility would "
            "cost if sized for its needs alone)."
        ),
    )

    def clean_values(self):
        return _parse_pairs(self.cleaned_data["values"], _("the participants"))

    def clean(self):
        data = super().clean()
        if data.get("rule") == ProjectRule.PROPORTIONAL and not data.get("total"):
            self.add_error("total", _("A proportional project needs a total."))
        return data
