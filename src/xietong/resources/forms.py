"""Forms of the catalogue's pages. They parse what was typed and offer only what the caller may
choose (owners it may add resources for, the current vocabulary); the services check again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xietong.accounts.scope import Scope
from xietong.regions.models import Jurisdiction
from xietong.schools.models import School

from .models import Visibility, WithdrawReason
from .models.vocabulary import Scheme
from .selectors import vocabulary


def owner_choices(scope: Scope) -> list[tuple[str, str]]:
    """Schools the caller's roles are bound to, and the jurisdictions of its bureau roles."""
    out = [
        (s.code, s.name)
        for s in School.objects.filter(pk__in=sorted(scope.read_school_ids)).order_by("code")
    ]
    codes = {p.ljust(12, "0") for p in scope.write_prefixes}
    if scope.is_admin:
        codes |= set(Jurisdiction.objects.filter(level="province").values_list("code", flat=True))
    out += [(j.code, j.display_name) for j in Jurisdiction.objects.filter(code__in=sorted(codes))]
    return out


def node_label(node) -> str:
    """A vocabulary entry as the reader names it: its name in the page's language, after its
    parents' for a chapter (volume, unit, lesson), so that the seven editions' “七年级上册” are
    told apart ("苏科版 · 七年级上册 · 第4章 一元一次方程")."""
    chain = [node.name]
    while node.scheme in CHAPTERS and node.parent is not None:
        node = node.parent
        chain.append(node.name)
    return " · ".join(reversed(chain))


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return node_label(obj)


class NodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return node_label(obj)


CHAPTERS = (Scheme.VOLUME, Scheme.UNIT, Scheme.LESSON)
_PARENTS = (
    "parent",
    "parent__parent",
    "parent__parent__parent",
)  # lesson > unit > volume > edition


def _node_field(scheme: str, label, *, required: bool = False) -> forms.ModelChoiceField:
    return NodeChoiceField(
        label=label,
        queryset=vocabulary(scheme).select_related(*_PARENTS),
        to_field_name="code",
        required=required,
    )


class ResourceForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owner"))
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    licence = forms.CharField(
        label=_("Licence"),
        max_length=300,
        initial="CC-BY-4.0",
        help_text=_(
            "An SPDX expression such as CC-BY-4.0 or CC-BY-NC-SA-4.0; LicenseRef-… for regional terms."
        ),
    )
    author_name = forms.CharField(label=_("Author"), max_length=200, required=False)
    language = forms.CharField(label=_("Language"), max_length=20, initial="zh-Hans")
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices)
    file = forms.FileField(label=_("File"), required=False)
    external_url = forms.URLField(
        label=_("Or an external link"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(scope)
        self.fields["kind"] = _node_field(Scheme.KIND, _("Kind"), required=True)
        self.fields["stage"] = _node_field(Scheme.STAGE, _("Stage"), required=True)
        self.fields["grade"] = _node_field(Scheme.GRADE, _("Grade"))
        self.fields["subject"] = _node_field(Scheme.SUBJECT, _("Subject"))
        self.fields["edition"] = _node_field(Scheme.EDITION, _("Textbook edition"))
        self.fields["volume"] = _node_field(Scheme.VOLUME, _("Volume"))
        self.fields["unit"] = _node_field(Scheme.UNIT, _("Unit"))
        self.fields["lesson"] = _node_field(Scheme.LESSON, _("Lesson"))
        self.fields["standards"] = NodeMultipleChoiceField(
            label=_("Curriculum-standard items"),
            queryset=vocabulary(Scheme.STANDARD).select_related(*_PARENTS),
            to_field_name="code",
            required=False,
        )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("external_url"):
            raise forms.ValidationError(_("Upload a file or give an external link."))
        return data

    def service_fields(self) -> dict:
        d = dict(self.cleaned_data)
        for k in ("owner", "file"):
            d.pop(k, None)
        d["standards"] = list(d.get("standards") or [])
        return d


class SubmitForm(forms.Form):
    pledge = forms.BooleanField(
        label=_(
            "I have reviewed this resource myself: its content is accurate and fit for teaching, "
            "and I hold the rights to share it under its licence."
        ),
        required=True,
    )


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=WithdrawReason.choices)
