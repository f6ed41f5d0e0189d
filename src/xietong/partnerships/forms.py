"""Forms of the cooperation pages. They parse what was typed and offer only what the caller may
pick (schools and divisions through ``xietong.web.pickers``, on querysets already scoped); every
rule (who may write, states, terms, one hash) is checked again by the services."""

from __future__ import annotations

import json

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xietong.regions.selectors import jurisdiction_tree_cached
from xietong.talent.models import Subject
from xietong.web import pickers

from . import selectors
from .models import (
    TYPED_KINDS,
    Cooperation,
    CooperationKind,
    Level,
    Measure,
    PartyRole,
    PeriodKind,
    PrincipalArrangement,
    SocialPartner,
    SocialPartnerKind,
    StatusReason,
)
from .services.cooperations import CONTENT_FLAGS

PARTY_ROWS = 6  # party rows of the set-up forms; the API takes any number

CONTENT_LABELS = {
    "management": _("Management"),
    "curriculum": _("Curriculum"),
    "teaching_research": _("Teaching research"),
    "teacher_training": _("Teacher training"),
    "digital_resources": _("Digital resources"),
}


def _social_partner_label(sp: SocialPartner) -> str:
    return f"{sp.name} ({sp.get_kind_display()})"


class CooperationForm(forms.Form):
    """The terms of a new cooperation and up to ``PARTY_ROWS`` parties, each a school, a
    division (its bureau) or a social partner with its role."""

    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("E.g. TWL-2026-003."))
    kind = forms.ChoiceField(label=_("Model"), choices=CooperationKind.choices)
    title_zh = forms.CharField(label=_("Chinese title"), max_length=300)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    area = forms.ModelChoiceField(
        label=_("Cooperation area"), queryset=None, required=False, to_field_name="slug"
    )
    principal = forms.ChoiceField(
        label=_("Principal arrangement"), choices=PrincipalArrangement.choices
    )
    term_start = forms.DateField(label=_("Term start"), help_text=_("YYYY-MM-DD"))
    term_end = forms.DateField(label=_("Term end"), help_text=_("YYYY-MM-DD"))
    content = forms.MultipleChoiceField(
        label=_("Content of the cooperation"),
        choices=[(f, CONTENT_LABELS[f]) for f in CONTENT_FLAGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    subjects = forms.MultipleChoiceField(
        label=_("Subjects"),
        choices=Subject.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.partner_areas(scope)
        schools = selectors.partner_school_choices(scope)
        tree = jurisdiction_tree_cached(selectors.partner_prefixes(scope))
        partners = SocialPartner.objects.order_by("name_zh")
        for i in range(1, PARTY_ROWS + 1):
            self.fields[f"party{i}_role"] = forms.ChoiceField(
                label=_("Party %(n)d: role") % {"n": i},
                choices=[("", "—"), *PartyRole.choices],
                required=False,
            )
            self.fields[f"party{i}_school"] = pickers.PickerField(
                label=_("Party %(n)d: school") % {"n": i},
                queryset=schools,
                url=reverse("partnerships_picker_schools"),
                label_of=pickers.school_label,
                what=_("%(value)s is not a school you may name as a party."),
                required=False,
            )
            self.fields[f"party{i}_jurisdiction"] = pickers.JurisdictionField(
                label=_("Party %(n)d: jurisdiction (its bureau)") % {"n": i},
                tree=tree,
                required=False,
            )
            self.fields[f"party{i}_social"] = forms.ModelChoiceField(
                label=_("Party %(n)d: social partner") % {"n": i},
                queryset=partners,
                required=False,
            )
            self.fields[f"party{i}_social"].label_from_instance = _social_partner_label

    def party_rows(self):
        """The bound fields of each party row, for the template's table."""
        return [
            [self[f"party{i}_{k}"] for k in ("role", "school", "jurisdiction", "social")]
            for i in range(1, PARTY_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        parties = []
        for i in range(1, PARTY_ROWS + 1):
            role = data.get(f"party{i}_role")
            named = [
                (k, data.get(f"party{i}_{f}"))
                for k, f in (
                    ("school", "school"),
                    ("jurisdiction", "jurisdiction"),
                    ("social_partner", "social"),
                )
                if data.get(f"party{i}_{f}") is not None
            ]
            if not role and not named:
                continue
            if not role:
                self.add_error(f"party{i}_role", _("Give this party's role."))
            elif len(named) != 1:
                self.add_error(
                    f"party{i}_school",
                    _("Name exactly one school, jurisdiction or social partner for this party."),
                )
            else:
                parties.append({"role": role, named[0][0]: named[0][1]})
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term ends before it starts."))
        data["parties"] = parties
        if len(parties) < 2 and not any(k.startswith("party") for k in self.errors):
            self.add_error(None, _("Name at least two parties."))
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        keys = ("code", "kind", "title_zh", "title_en", "area", "principal", "term_start")
        return {
            **{k: d[k] for k in keys},
            "term_end": d["term_end"],
            "content": d["content"],
            "subjects": d["subjects"],
        }


class ProposeForm(CooperationForm):
    """Bottom-up: the proposing school (one the caller acts for) must be one of the parties."""

    field_order = ["school"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        from xietong.schools.selectors import school_choices

        self.fields["school"] = pickers.PickerField(
            label=_("Proposing school"),
            queryset=school_choices(scope=scope, writable=True),
            url=reverse("picker_schools") + "?writable=1",
            label_of=pickers.school_label,
            what=_("%(value)s is not a school you act for."),
        )
        self.order_fields(["school"])

    def clean(self):
        data = super().clean()
        school = data.get("school")
        if (
            school is not None
            and data.get("parties")
            and not any(p.get("school") == school for p in data["parties"])
        ):
            raise forms.ValidationError(_("The proposing school must be one of the parties."))
        return data


class AgreementEditForm(forms.Form):
    """The agreement's terms as JSON (an object): saving makes a new version with a new hash;
    the approvals of the earlier versions no longer count."""

    content = forms.CharField(
        label=_("Terms of the agreement (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 80}),
        help_text=_(
            'A JSON object. Change or add clauses, e.g. "clauses": "..."; every party approves '
            "the new version again."
        ),
    )

    def clean_content(self):
        raw = self.cleaned_data["content"]
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: line %(line)d, column %(col)d: %(msg)s."),
                params={"line": exc.lineno, "col": exc.colno, "msg": exc.msg},
            ) from None
        if not isinstance(value, dict) or not value:
            raise forms.ValidationError(_("Write the terms as a JSON object {…}."))
        return value


class ObligationForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("E.g. sync."))
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    quota = forms.DecimalField(
        label=_("Quota per period"), min_value=0, max_digits=12, decimal_places=2
    )
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    standard = forms.ChoiceField(
        label=_("Verification standard"),
        choices=Level.choices,
        initial=Level.PARTNER_CONFIRMED,
        help_text=_("Only activities at this level or above count towards the quota."),
    )
    activity_kinds = forms.MultipleChoiceField(
        label=_("Activity kinds counted"),
        choices=[(k.value, k.label) for k in TYPED_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every kind counts."),
    )
    subjects = forms.MultipleChoiceField(
        label=_("Subjects"),
        choices=Subject.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    min_subjects = forms.IntegerField(
        label=_("Minimum number of subjects"), min_value=0, max_value=20, initial=0
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class ActivityForm(forms.Form):
    obligation = forms.ModelChoiceField(
        label=_("Obligation"), queryset=None, required=False, to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in TYPED_KINDS])
    date = forms.DateField(label=_("Date"), help_text=_("YYYY-MM-DD"))
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=12, decimal_places=2)
    provider = forms.ModelChoiceField(label=_("Delivered by"), queryset=None, required=False)
    recipient = forms.ModelChoiceField(label=_("Received by"), queryset=None, required=False)
    subject = forms.ChoiceField(
        label=_("Subject"), choices=[("", "—"), *Subject.choices], required=False
    )
    online = forms.NullBooleanField(label=_("Online"), required=False)

    def __init__(self, *args, cooperation: Cooperation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obligation"].queryset = cooperation.obligations.order_by("code")
        parties = cooperation.parties.select_related("school", "jurisdiction", "social_partner")
        for name in ("provider", "recipient"):
            self.fields[name].queryset = parties
            self.fields[name].label_from_instance = lambda p: (
                f"{p.target.name} ({p.get_role_display()})"
            )


class StatusForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(c, lbl) for c, lbl in StatusReason.choices if c != StatusReason.RENEWED],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: in your own words, what happened."),
    )


class RenewForm(forms.Form):
    term_end = forms.DateField(
        label=_("New term end"),
        help_text=_("YYYY-MM-DD; the new term starts the day after the current one ends."),
    )


class SocialPartnerForm(forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=SocialPartnerKind.choices)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("18 characters (GB 32100-2015); optional."),
    )


class SatisfactionSurveyForm(forms.Form):
    """One year's satisfaction survey result of a school (the service checks the rest)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    respondents = forms.IntegerField(label=_("Respondents"), min_value=1)
    satisfied = forms.IntegerField(label=_("Of them satisfied"), min_value=0)
    conducted_by = forms.CharField(
        label=_("Conducted by"),
        max_length=200,
        help_text=_("Who ran the survey, e.g. the bureau's evaluation office or a third party."),
    )
    conducted_on = forms.DateField(
        label=_("Date of the survey"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(
        label=_("Source document"),
        max_length=300,
        help_text=_("The report the figures come from: its title, document number or address."),
    )

    def clean(self):
        data = super().clean()
        n, k = data.get("respondents"), data.get("satisfied")
        if n is not None and k is not None and k > n:
            self.add_error("satisfied", _("More satisfied respondents than respondents."))
        return data
