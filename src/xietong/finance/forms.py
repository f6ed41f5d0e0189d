"""Forms of the fund's pages. They only parse what was typed; every rule (scope, amounts exact
to the fen, states of rounds and settlements) is checked again by the services."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from django import forms
from django.utils.translation import gettext_lazy as _

from xietong.talent.models import ExchangeRound, TrainingProgramme
from xietong.web import pickers

from . import classification, explain, ledger, services
from .models import (
    AgreementKind,
    Criterion,
    DonorKind,
    Fund,
    JointProject,
    Programme,
    ProjectRule,
    Stage,
)


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
    project = forms.ModelChoiceField(
        label=_("Earmarked for a joint project"),
        queryset=JointProject.objects.none(),
        required=False,
        help_text=_(
            "Contributions earmarked for a joint project go to its restricted fund and are spent "
            "only on it."
        ),
    )

    def __init__(self, *args, fund: Fund | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fund is not None:
            self.fields["project"].queryset = JointProject.objects.filter(fund=fund).exclude(
                status__in=[Stage.CLOSED, Stage.WITHDRAWN]
            )
        if not self.is_bound:
            self.initial.setdefault("year", services.today().year)
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
        self.fields["stage"].choices = [(s, explain.stage_label(s)) for s in stages]


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


def cooperations_of(fund: Fund, scope):
    """The cooperations (partnerships) the caller sees with a party in one of the fund's
    members: what a disbursement or an earmarked donation may name (the service checks again,
    against the beneficiary too)."""
    from xietong.partnerships.selectors import cooperations_involving

    prefixes = [m.prefix for m in ledger.fund_members(fund)]
    return cooperations_involving(scope=scope, prefixes=prefixes)


def _cooperation_field(help_text):
    return forms.ModelChoiceField(
        label=_("Cooperation"),
        queryset=None,
        required=False,
        to_field_name="code",
        help_text=help_text,
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
    cooperation = _cooperation_field(
        _(
            "The cooperation between schools the donor gave it for (it needs a programme "
            "earmark too); it then shows among the cooperation's funding."
        )
    )

    def __init__(self, *args, fund: Fund, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = fund.donors.all()
        self.fields["cooperation"].queryset = cooperations_of(fund, scope)

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
    function_code = forms.ChoiceField(
        label=_("Functional classification"),
        choices=classification.item_choices,
        help_text=_(
            "The item of the government functional classification of expenditure (class 205 "
            "education), e.g. 2050202 primary education; statements add spending up by it."
        ),
    )
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
    cooperation = _cooperation_field(
        _(
            "The cooperation between schools the money funds: one with a party in the "
            "beneficiary member; it then shows among the cooperation's funding."
        )
    )

    def __init__(self, *args, fund: Fund, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            programme = self.initial.get("programme") or Programme.TEACHER_EXCHANGE
            self.initial.setdefault("function_code", classification.PROGRAMME_DEFAULT[programme])
        self.fields["beneficiary"].choices = _member_choices(fund, blank=True)
        self.fields["project"].queryset = JointProject.objects.filter(
            fund=fund, status__in=[Stage.FROZEN, Stage.CALLED]
        )
        # other areas' rounds and programmes are not offered; the service checks again
        self.fields["exchange_round"].queryset = exchange_rounds_of(fund)
        self.fields["training_programme"].queryset = TrainingProgramme.objects.filter(
            area_id=fund.area_id
        )
        self.fields["cooperation"].queryset = cooperations_of(fund, scope)


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
            "For each participating member: for the proportional rule, its weight; for the "
            "airport game, its stand-alone cost in yuan (what the facility would cost if sized "
            "for its needs alone). Leave the members that do not take part empty."
        ),
    )

    def __init__(self, *args, fund: Fund | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fund is not None:  # one box per member instead of typing codes
            self.fields["values"].widget = pickers.MemberValuesWidget(_member_choices(fund))

    def clean_values(self):
        return _parse_pairs(self.cleaned_data["values"], _("the participants"))

    def clean(self):
        data = super().clean()
        if data.get("rule") == ProjectRule.PROPORTIONAL and not data.get("total"):
            self.add_error("total", _("A proportional project needs a total."))
        return data


SHAPLEY_FORM_MAX = 6  # 2**6 - 1 = 63 cost fields; larger games go through the API


def coalition_members(mask: int, participants: list) -> list:
    return [p for i, p in enumerate(participants) if mask >> i & 1]


def shapley_analysis(costs_fen: list[int], names: list[str]) -> dict:
    """Subadditivity and the core of a cost game given in fen, indexed by bitmask (no writes).

    Subadditive: no two disjoint groups would pay less apart than together. The core is
    non-empty when some sharing of the grand coalition's cost charges no group more than its
    own cost; it is tested on the prenucleolus, which lies in the core whenever the core is not
    empty (the prenucleolus, so that games worth less together than apart are handled).
    Also says whether the Shapley value itself is in the core."""
    from xietong.algorithms import cost_sharing

    n = len(names)
    full = (1 << n) - 1
    violations = []
    for s in range(1, full + 1):
        rest = full & ~s
        t = rest
        while t:
            if s < t and costs_fen[s | t] > costs_fen[s] + costs_fen[t]:
                violations.append(
                    (
                        " + ".join(coalition_members(s, names)),
                        " + ".join(coalition_members(t, names)),
                    )
                )
            t = (t - 1) & rest
    game = np.array(costs_fen, dtype=np.float64)
    nucleolus = cost_sharing.nucleolus(game, kind="cost", prenucleolus=True)
    core_nonempty = cost_sharing.in_core(game, nucleolus, kind="cost", tol=1e-6)
    phi = cost_sharing.shapley(game)
    check = cost_sharing.core_check(game, phi, kind="cost", tol=1e-6)
    return {
        "subadditive": not violations,
        "violations": violations[:5],
        "n_violations": len(violations),
        "core_nonempty": bool(core_nonempty),
        "shapley_in_core": bool(check.in_core),
        "worst": " + ".join(coalition_members(check.worst_coalition, names)),
    }


class ShapleyProjectForm(forms.Form):
    """Two steps: choose the participants (2 to 6 members), then one cost per non-empty group
    of them (``cost_<bitmask>``, bit i = the i-th chosen member in the area's order)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    programme = forms.ChoiceField(
        label=_("Programme"), choices=Programme.choices, initial=Programme.JOINT_PROJECT
    )
    participants = forms.MultipleChoiceField(
        label=_("Participants"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Between two and %(n)d members. For more participants, use the API "
            "(POST /api/finance/funds/{slug}/projects with rule “shapley”)."
        )
        % {"n": SHAPLEY_FORM_MAX},
    )

    def __init__(self, *args, fund: Fund, with_costs: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = ledger.fund_members(fund)
        self.fields["participants"].choices = [(m.code, m.display_name) for m in self.members]
        self.chosen: list = []
        self.analysis: dict | None = None
        if with_costs:
            source = self.data if self.is_bound else self.initial
            getter = getattr(source, "getlist", None)
            picked = getter("participants") if getter else list(source.get("participants", []))
            chosen = [m for m in self.members if m.code in set(picked)]
            if 2 <= len(chosen) <= SHAPLEY_FORM_MAX:
                self.chosen = chosen
                for mask in range(1, 1 << len(self.chosen)):
                    names = " + ".join(m.display_name for m in coalition_members(mask, self.chosen))
                    self.fields[f"cost_{mask}"] = forms.DecimalField(
                        label=_("Cost of %(g)s (yuan)") % {"g": names},
                        max_digits=18,
                        decimal_places=2,
                        min_value=0,
                        required=True,
                    )
                self.fields["participants"].widget = forms.MultipleHiddenInput()

    def cost_fields(self):
        return [self[name] for name in self.fields if name.startswith("cost_")]

    def clean_participants(self):
        picked = self.cleaned_data["participants"]
        if not 2 <= len(picked) <= SHAPLEY_FORM_MAX:
            raise forms.ValidationError(
                _(
                    "Choose between two and %(n)d participants; for more, enter the coalition "
                    "costs through the API."
                ),
                params={"n": SHAPLEY_FORM_MAX},
            )
        return [m.code for m in self.members if m.code in set(picked)]

    def clean(self):
        data = super().clean()
        if not self.chosen or self.errors:
            return data
        n = len(self.chosen)
        full = (1 << n) - 1
        if not data.get(f"cost_{full}"):
            self.add_error(
                f"cost_{full}", _("The cost of all participants together must be positive.")
            )
            return data
        costs = [0] + [int(data[f"cost_{m}"] * 100) for m in range(1, full + 1)]
        self.analysis = shapley_analysis(costs, [m.display_name for m in self.chosen])
        return data

    def coalitions(self) -> list[dict]:
        """The service's input: one row per non-empty group of participants."""
        codes = [m.code for m in self.chosen]
        return [
            {
                "members": coalition_members(mask, codes),
                "cost": str(self.cleaned_data[f"cost_{mask}"]),
            }
            for mask in range(1, 1 << len(codes))
        ]


class PeriodCloseForm(forms.Form):
    period = forms.CharField(
        label=_("Period to close"),
        max_length=20,
        help_text=_(
            "2024, 2024-H1, 2024-Q2 or 2024-03. Closing is final: nothing can be posted in the "
            "period or before it afterwards."
        ),
    )
