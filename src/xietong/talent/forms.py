"""Forms of the talent pages. Schools, posts and teachers are picked (xietong.web.pickers) from
querysets scoped to the caller, never typed as codes; the services check every rule again."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xietong.schools.selectors import school_choices
from xietong.web import pickers

from . import selectors
from .models import HOME_CODE, CandidacyStatus, PostKind, RoundMode, Subject, TeachingStage

WEEKDAYS = [
    (1, pgettext_lazy("weekday", "Mon")),
    (2, pgettext_lazy("weekday", "Tue")),
    (3, pgettext_lazy("weekday", "Wed")),
    (4, pgettext_lazy("weekday", "Thu")),
    (5, pgettext_lazy("weekday", "Fri")),
    (6, pgettext_lazy("weekday", "Sat")),
    (7, pgettext_lazy("weekday", "Sun")),
]


def post_label(post) -> str:
    return f"{post.code} · {post.host_school.name} · {post.host_school.county.name}"


def teacher_label(teacher) -> str:
    return f"{teacher.code} {teacher.name} · {teacher.school.name}"


class PostAddForm(forms.Form):
    code = forms.CharField(label=_("Post code"), max_length=40)
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=TeachingStage.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    term_years = forms.IntegerField(label=_("Term (years)"), min_value=1, max_value=3, initial=1)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args, scope, rnd, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"] = pickers.PickerField(
            label=_("Host school"),
            queryset=selectors.post_host_schools(scope, rnd),
            url=reverse("talent_picker_host_schools", args=[rnd.pk]),
            label_of=pickers.school_label,
            what=_("%(value)s is not a school of this round where you may offer posts."),
        )
        self.order_fields(["code", "school"])


class ApplicationForm(forms.Form):
    """A teacher's ranked list: one picker per rank, and where staying at the current post
    ranks among them."""

    def __init__(self, *args, rnd, teacher, current: list, **kwargs):
        super().__init__(*args, **kwargs)
        posts = selectors.post_choices(rnd, teacher)
        ranked = [c for c in current if c is not None]
        n = min(rnd.max_choices, max(posts.count(), 1), max(5, len(ranked) + 3))
        url = reverse("talent_picker_posts", args=[rnd.pk]) + f"?teacher={teacher.code}"
        self.rows = []
        for i in range(n):
            name = f"choice_{i + 1}"
            self.fields[name] = pickers.PickerField(
                label=_("Choice %(n)d") % {"n": i + 1},
                queryset=posts,
                url=url,
                label_of=post_label,
                names=(),
                required=False,
                what=_("%(value)s is not a post of this round you may rank."),
            )
            self.rows.append(name)
            if i < len(ranked):
                self.initial[name] = ranked[i].post.code
        home = current.index(None) if None in current else n
        self.fields["home"] = forms.TypedChoiceField(
            label=_("Staying at my current post ranks"),
            coerce=int,
            choices=[(i, _("before choice %(n)d") % {"n": i + 1}) for i in range(n)]
            + [(n, _("after all my choices"))],
            initial=min(home, n),
            required=False,
            empty_value=n,
        )

    def post_codes(self) -> list[str]:
        """The ranked codes for ``services.application_submit``, HOME where staying ranks."""
        codes = []
        for i, name in enumerate(self.rows):
            if self.cleaned_data["home"] == i:
                codes.append(HOME_CODE)
            if self.cleaned_data.get(name) is not None:
                codes.append(self.cleaned_data[name].code)
        return codes

    def choice_fields(self):
        return [self[name] for name in self.rows]


class AppointmentForm(forms.Form):
    weekly_hours = forms.IntegerField(label=_("Lessons a week"), min_value=1, max_value=40)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), coerce=int, choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    starts = forms.DateField(label=_("From"), required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"] = pickers.PickerField(
            label=_("Teacher"),
            queryset=selectors.teacher_list(scope=scope).order_by("code"),
            url=reverse("talent_picker_teachers"),
            label_of=teacher_label,
            names=("name",),
            what=_("%(value)s is not a teacher you may see."),
        )
        self.fields["school"] = pickers.PickerField(
            label=_("Also serves at"),
            queryset=school_choices(scope=scope),
            url=reverse("picker_schools"),
            label_of=pickers.school_label,
            what=_("%(value)s is not a school you may see."),
        )
        self.order_fields(["teacher", "school"])


# ---- rounds: creation, settings and the steps that take an input ------------------------------
class RoundCreateForm(forms.Form):
    """A new round of an area the caller's secretariat runs, or of its own bureau."""

    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    scope = forms.ChoiceField(label=_("Scope"))

    def __init__(self, *args, areas, bureaus, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {f"area:{a.slug}": ("area", a) for a in areas}
        self.targets |= {f"j:{j.code}": ("jurisdiction", j) for j in bureaus}
        self.fields["scope"].choices = [(k, str(v[1])) for k, v in self.targets.items()]

    def target(self) -> dict:
        """``area=`` or ``jurisdiction=`` for ``services.round_create``."""
        kind, obj = self.targets[self.cleaned_data["scope"]]
        return {kind: obj}


class RoundModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mechanism"), choices=RoundMode.choices)


class MemberCapsForm(forms.Form):
    """One box per member that may get a cap (``selectors.round_cap_members``); empty = no cap."""

    def __init__(self, *args, members: list[tuple[str, str, int | None]], **kwargs):
        super().__init__(*args, **kwargs)
        for code, name, _cap in members:
            self.fields[f"cap_{code}"] = forms.IntegerField(
                label=name, min_value=0, max_value=10**6, required=False
            )

    def caps(self) -> dict[str, int]:
        return {name[4:]: value for name, value in self.cleaned_data.items() if value is not None}


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=2000, required=False)


class PublishForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason to publish despite missed targets"), max_length=2000, required=False
    )


class ScoresForm(forms.Form):
    """Points per applicant of one post (``score:<staff number>``); empty = not acceptable there.
    Only the boxes sent are changed."""

    def __init__(self, *args, applicants: list, **kwargs):
        super().__init__(*args, **kwargs)
        for c in applicants:
            t = c.application.teacher
            self.fields[f"score:{t.code}"] = forms.FloatField(
                label=f"{t.name} ({t.code})", min_value=-1000, max_value=1000, required=False
            )

    def scores(self) -> dict[str, float | None]:
        return {name[6:]: value for name, value in self.cleaned_data.items() if name in self.data}


class TeacherChoiceForm(forms.Form):
    """Whose application: a teacher the caller sees, or without a staff number the caller's own
    teacher record."""

    teacher = forms.CharField(label=_("Teacher"), max_length=32, required=False)

    def __init__(self, *args, scope, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope, self.user = scope, user

    def clean_teacher(self):
        code = self.cleaned_data["teacher"].strip()
        if code:
            teacher = selectors.teacher_get(scope=self.scope, code=code)
            if teacher is None:
                raise forms.ValidationError(
                    _("%(value)s is not a teacher you may see."), params={"value": code}
                )
            return teacher
        teacher = selectors.teacher_of(self.user)
        if teacher is None:
            raise forms.ValidationError(_("No teacher record is linked to your account."))
        return teacher


# ---- appointments, training, recruitment -------------------------------------------------------
class AppointmentPolicyForm(forms.Form):
    max_weekly_lessons = forms.IntegerField(
        label=_("Most lessons a week"), min_value=1, max_value=40
    )
    max_distance_km = forms.FloatField(
        label=_("Farthest school (km)"), min_value=0.001, max_value=1000
    )


class ProgrammeForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Cooperation area"), queryset=selectors.area_list(), to_field_name="slug"
    )
    code = forms.CharField(label=_("Code"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    credit_hours = forms.DecimalField(
        label=_("Credit hours"), max_digits=6, decimal_places=1, min_value=0
    )
    starts = forms.DateField(label=_("Starts"))
    ends = forms.DateField(label=_("Ends"))

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("The programme ends before it starts."))
        return data


class VacancyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices)
    stage = forms.ChoiceField(label=_("Stage"), choices=TeachingStage.choices)
    positions = forms.IntegerField(label=_("Positions"), min_value=1, max_value=500, initial=1)
    new_teachers = forms.BooleanField(label=_("new teachers"), required=False)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        # the schools it sees; the service refuses those it does not write for
        self.fields["school"] = forms.ModelChoiceField(
            label=_("School"), queryset=school_choices(scope=scope), to_field_name="code"
        )
        self.order_fields(["school"])


class CandidacyForm(forms.Form):
    statement = forms.CharField(
        label=_("Statement"), max_length=5000, required=False, widget=forms.Textarea
    )


class CandidacyStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CandidacyStatus.choices)
