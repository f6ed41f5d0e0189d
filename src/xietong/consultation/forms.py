"""Forms of the consultation pages. They only parse what was typed; every rule (who may, which
window is open, the decision rule's parameters) is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CommentKind, DelegateRole, DispositionDecision, Forum, PositionKind, Subject

RULE_KINDS = [
    ("unanimity", _("Unanimity (abstentions do not prevent adoption; Art. 238(4) TFEU)")),
    ("unanimity_strict", _("Strict unanimity (every member in favour)")),
    (
        "constructive_abstention",
        _("Unanimity with constructive abstention (Art. 31(1) TEU)"),
    ),
    ("consensus", _("Consensus (adopted unless a member formally objects; WTO Art. IX:1)")),
    ("silence", _("Silence procedure (adopted at the deadline unless someone objects)")),
    ("qualified_majority", _("Qualified majority (members and population; Art. 16(4) TEU)")),
    ("simple_majority", _("Simple majority of votes cast")),
    ("weighted", _("Weighted vote")),
]


def parse_weights(text: str, what) -> dict[str, float]:
    """Lines of ``code number`` -> {code: number}."""
    out: dict[str, float] = {}
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        for sep in ("：", ":", "=", "\t", ","):
            line = line.replace(sep, " ")
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise forms.ValidationError(
                _("Line %(n)d of %(w)s: write a member code and a number."),
                params={"n": n, "w": what},
            )
        try:
            value = float(parts[1])
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)d of %(w)s: %(v)s is not a number."),
                params={"n": n, "w": what, "v": parts[1]},
            ) from None
        if not 0 <= value < 1e15:
            raise forms.ValidationError(
                _("Line %(n)d of %(w)s: the number must be between 0 and 10¹⁵."),
                params={"n": n, "w": what},
            )
        out[parts[0]] = value
    return out


class ProposalForm(forms.Form):
    forum = forms.ModelChoiceField(queryset=Forum.objects.none(), label=_("Forum"))
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Paragraphs separated by an empty line; members comment per paragraph."),
        max_length=500_000,
    )
    major = forms.BooleanField(label=_("Major decision"), required=False)
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices, initial=Subject.OTHER)
    subject_id = forms.CharField(
        label=_("Object in its own app (number)"),
        max_length=64,
        required=False,
        help_text=_("For a major decision: the number of the round, project, fund or plan."),
    )
    kind = forms.ChoiceField(label=_("Decision rule"), choices=RULE_KINDS)
    member_share = forms.DecimalField(
        label=_("Share of members (qualified majority)"),
        min_value=0.01,
        max_value=1,
        decimal_places=4,
        required=False,
        initial="0.55",
    )
    population_share = forms.DecimalField(
        label=_("Share of population (qualified majority)"),
        min_value=0.01,
        max_value=1,
        decimal_places=4,
        required=False,
        initial="0.65",
    )
    blocking_members = forms.IntegerField(
        label=_("Members a blocking minority needs"), min_value=1, max_value=100, required=False
    )
    quorum = forms.DecimalField(
        label=_("Quorum (share of members, simple majority)"),
        min_value=0,
        max_value=1,
        decimal_places=4,
        required=False,
    )
    threshold = forms.DecimalField(
        label=_("Threshold (share of the total weight, weighted vote)"),
        min_value=0.01,
        max_value=1,
        decimal_places=4,
        required=False,
    )
    weights = forms.CharField(
        label=_("Weights per member"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "One line per member: its 12-digit code and a number. For a weighted vote, or as the "
            "population of a qualified majority; empty takes each member's enrolment."
        ),
    )
    escalation_days = forms.IntegerField(
        label=_("Escalation: working days at each higher level"),
        min_value=1,
        max_value=60,
        required=False,
    )
    fallback = forms.ChoiceField(
        label=_("Escalation: fallback rule at the decision level"),
        choices=[("", "—"), *RULE_KINDS],
        required=False,
    )

    def __init__(self, *args, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = Forum.objects.filter(body=body)

    def clean(self):
        data = super().clean()
        data["paragraphs"] = [p.strip() for p in data.get("text", "").split("\n\n") if p.strip()]
        data["rule"] = self._rule(data)
        return data

    def _rule(self, data) -> dict:
        kind = data.get("kind")
        weights = parse_weights(data.get("weights", ""), _("weights"))
        rule: dict = {"kind": kind, **_parameters(kind, data, weights)}
        if kind != "weighted" and weights:
            rule["population"] = {"basis": "given", "weights": weights}
        if data.get("escalation_days"):
            rule["escalation"] = _escalation(data, weights)
        return rule


def _parameters(kind: str, data: dict, weights: dict) -> dict:
    """The typed parameters the rule's kind takes."""
    out: dict = {}
    if kind == "qualified_majority":
        for f in ("member_share", "population_share"):
            if data.get(f) is not None:
                out[f] = float(data[f])
        if data.get("blocking_members"):
            out["blocking_members"] = data["blocking_members"]
    elif kind == "simple_majority" and data.get("quorum") is not None:
        out["quorum"] = float(data["quorum"])
    elif kind == "weighted":
        if not weights:
            raise forms.ValidationError(_("A weighted vote needs the weights per member."))
        out["weights"] = weights
        out["threshold"] = float(data.get("threshold") or 0.5)
    return out


def _escalation(data: dict, weights: dict) -> dict:
    esc: dict = {"days": data["escalation_days"]}
    fallback = data.get("fallback")
    if fallback:
        if fallback == "weighted":
            raise forms.ValidationError(_("Choose another fallback than a weighted vote."))
        fb: dict = {"kind": fallback}
        if weights and fallback in ("qualified_majority", "constructive_abstention"):
            fb["population"] = {"basis": "given", "weights": weights}
        esc["fallback"] = fb
    return esc


class CirculateForm(forms.Form):
    notice_days = forms.IntegerField(
        label=_("Notice before the comment window (working days)"),
        min_value=0,
        max_value=120,
        initial=0,
    )
    comment_days = forms.IntegerField(
        label=_("Comment window (working days)"), min_value=1, max_value=120, initial=10
    )
    position_days = forms.IntegerField(
        label=_("Positions window (working days)"), min_value=1, max_value=120, initial=5
    )


class ReviseForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), max_length=500_000
    )

    def clean(self):
        data = super().clean()
        data["paragraphs"] = [p.strip() for p in data.get("text", "").split("\n\n") if p.strip()]
        return data


class CommentForm(forms.Form):
    paragraph = forms.IntegerField(label=_("Paragraph"), min_value=1, max_value=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommentKind.choices)
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    proposed_text = forms.CharField(
        label=_("Proposed wording (amendment)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )


class DispositionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DispositionDecision.choices)
    reason = forms.CharField(label=_("Reason"), max_length=20_000)


class PositionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Position"), choices=PositionKind.choices)
    text = forms.CharField(
        label=_("Text of the reservation or objection (kept verbatim)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )


class ExtendForm(forms.Form):
    window = forms.ChoiceField(
        label=_("Window"), choices=[("comments", _("Comments")), ("positions", _("Positions"))]
    )
    new_deadline = forms.DateTimeField(
        label=_("New deadline (Asia/Shanghai)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2_000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2_000)


class DelegateForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"))
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=DelegateRole.choices)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.code, m.display_name) for m in members]


class MeetingForm(forms.Form):
    forum = forms.ModelChoiceField(queryset=Forum.objects.none(), label=_("Forum"))
    starts_at = forms.DateTimeField(
        label=_("Starts at (Asia/Shanghai)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20_000,
        help_text=_("One item a line; write #3 at the start of a line to put proposal 3 on it."),
    )

    def __init__(self, *args, body=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.fields["forum"].queryset = Forum.objects.filter(body=body)

    def clean_agenda(self):
        from .models import Proposal

        items = []
        for n, raw in enumerate(self.cleaned_data["agenda"].splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            proposal = None
            if line.startswith("#"):
                number, _sep, rest = line[1:].partition(" ")
                proposal = Proposal.objects.filter(body=self.body, number=number).first()
                if not number.isdigit() or proposal is None:
                    raise forms.ValidationError(
                        _("Line %(n)d: there is no proposal %(p)s in this body."),
                        params={"n": n, "p": line.split()[0]},
                    )
                line = rest.strip() or proposal.title
            items.append((line[:300], proposal))
        return items


class AttendanceForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"))
    present = forms.BooleanField(label=_("Present"), required=False)
    persons = forms.IntegerField(label=_("Persons"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.code, m.display_name) for m in members]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}), max_length=200_000
    )
