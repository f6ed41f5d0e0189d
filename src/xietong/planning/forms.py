"""Forms of the planning pages. They offer only what the caller may pick (the plan's goals,
measures, the area's members, the body's working groups) and parse what was typed; every rule is
checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xietong.algorithms.standards import list_standards
from xietong.evaluation.gap import GAP_INDICATORS
from xietong.schools.catalogue import BY_CODE

from .models import Direction, Source, bilingual
from .sources import SOURCES

YEAR = {"min_value": 2000, "max_value": 2100}
STAGES = [("all", _("All stages")), ("primary", _("Primary")), ("junior", _("Junior secondary"))]


def member_choices(plan) -> list[tuple[str, str]]:
    return [
        (m.jurisdiction.code, m.jurisdiction.display_name)
        for m in plan.body.area.memberships.select_related("jurisdiction").order_by(
            "jurisdiction_id"
        )
    ]


class PlanForm(forms.Form):
    body = forms.ChoiceField(label=_("Negotiation body"))
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    start_year = forms.IntegerField(label=_("First year"), **YEAR)
    end_year = forms.IntegerField(label=_("Last year"), **YEAR)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.bodies = {str(b.pk): b for b in bodies}
        self.fields["body"].choices = [(k, b.name) for k, b in self.bodies.items()]

    def clean_body(self):
        return self.bodies[self.cleaned_data["body"]]


class GoalForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, initial=1, decimal_places=3)


class MeasureForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal"))
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    lead = forms.ChoiceField(label=_("Lead member"))
    partners = forms.MultipleChoiceField(
        label=_("Co-responsible members"), required=False, widget=forms.CheckboxSelectMultiple
    )
    forum = forms.ChoiceField(label=_("Working group"), required=False)
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    weight = forms.DecimalField(label=_("Weight"), min_value=0, initial=1, decimal_places=3)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = {str(g.pk): g for g in plan.goals.all()}
        self.forums = {
            str(f.pk): f for f in plan.body.forums.filter(level="execution").order_by("name_zh")
        }
        self.fields["goal"].choices = [(k, str(g)) for k, g in self.goals.items()]
        members = member_choices(plan)
        self.fields["lead"].choices = members
        self.fields["partners"].choices = members
        self.fields["forum"].choices = [("", "—")] + [(k, f.name) for k, f in self.forums.items()]

    def clean_goal(self):
        return self.goals[self.cleaned_data["goal"]]

    def clean_forum(self):
        return self.forums.get(self.cleaned_data.get("forum") or "")


class MilestoneForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"))
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    due = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Measure

        self.measures = {
            str(m.pk): m for m in Measure.objects.filter(goal__plan=plan).select_related("goal")
        }
        self.fields["measure"].choices = [(k, str(m)) for k, m in self.measures.items()]

    def clean_measure(self):
        return self.measures[self.cleaned_data["measure"]]


class IndicatorForm(forms.Form):
    parent = forms.ChoiceField(label=_("Attached to"))
    code = forms.SlugField(label=_("Code"), max_length=60)
    group = forms.SlugField(
        label=_("Group"),
        max_length=60,
        required=False,
        help_text=_("Indicators that differ only by member share a group and a chart."),
    )
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=24, decimal_places=8)
    baseline_year = forms.IntegerField(label=_("Baseline year"), **YEAR)
    member = forms.ChoiceField(label=_("Member (empty: the whole area)"), required=False)
    source = forms.ChoiceField(label=pgettext_lazy("indicator", "Source"), choices=Source.choices)
    kind = forms.ChoiceField(label=_("Measured as"), required=False)
    ratio = forms.ChoiceField(label=_("Ratio"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=STAGES, required=False)
    standard = forms.ChoiceField(label=_("Standard"), required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, initial=1, decimal_places=3)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Measure

        self.parents = {f"g{g.pk}": ("goal", g) for g in plan.goals.all()}
        for m in Measure.objects.filter(goal__plan=plan).select_related("goal"):
            self.parents[f"m{m.pk}"] = ("measure", m)
        self.fields["parent"].choices = [(k, str(v[1])) for k, v in self.parents.items()]
        self.fields["member"].choices = [("", "—")] + member_choices(plan)
        self.fields["kind"].choices = [("", "—")] + [(k, s.label) for k, s in SOURCES.items()]
        self.fields["ratio"].choices = [("", "—")] + [
            (c, bilingual(BY_CODE[c].name_zh, BY_CODE[c].name_en)) for c in GAP_INDICATORS
        ]
        self.fields["standard"].choices = [("", "—")] + [(s, s) for s in list_standards()]

    def clean_parent(self):
        return self.parents[self.cleaned_data["parent"]]

    def params(self) -> dict:
        d = self.cleaned_data
        out = {}
        if d.get("ratio"):
            out["indicator"] = d["ratio"]
        if d.get("stage"):
            out["stage"] = d["stage"]
        if d.get("standard"):
            out["standard"] = d["standard"]
        return out


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    year = forms.IntegerField(label=_("Year"), **YEAR)
    value = forms.DecimalField(label=_("Target"), max_digits=24, decimal_places=8)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {str(i.pk): i for i in plan.indicators.all()}
        self.fields["indicator"].choices = [(k, str(i)) for k, i in self.indicators.items()]

    def clean_indicator(self):
        return self.indicators[self.cleaned_data["indicator"]]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), **YEAR)


class ActualForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), **YEAR)
    value = forms.DecimalField(label=_("Value"), max_digits=24, decimal_places=8)
    evidence_text = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=200, assume_scheme="https"
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", pgettext_lazy("review", "Reject"))],
    )
    note = forms.CharField(label=_("Note (required to reject)"), required=False, max_length=2000)


class MilestoneDoneForm(forms.Form):
    done = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence_text = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=200, assume_scheme="https"
    )
