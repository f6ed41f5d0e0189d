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
from .models import HOME_CODE, PostKind, Subject, TeachingStage

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
