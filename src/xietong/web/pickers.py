"""Form fields that let people pick a jurisdiction, school, post or teacher instead of typing its
code. Each field is a ModelChoiceField on a queryset already scoped to the caller, so a code typed
by hand (or sent by a script) outside the caller's scope is refused with a clear error.

They work without JavaScript and get better with it (static/xietong/pickers.js; the
Content-Security-Policy allows no inline script):

- ``JurisdictionField``: a <select> of the caller's subtree, province > prefecture > county
  indented, with a search box that pickers.js shows and uses to filter the options.
- ``PickerField``: a <select> while the choices are few; beyond that a search box with a
  <datalist> of the first choices (the browser filters them as one types) that pickers.js refills
  from a scoped JSON search endpoint (``data-picker``). The box takes a code or an exact name.
"""

from __future__ import annotations

from html import escape as _esc

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import JsonResponse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

INLINE_MAX = 100  # a <select> up to this many choices, a search box beyond
PREVIEW = 50  # choices in the search box's <datalist> before anything is typed
SEARCH_LIMIT = 20  # default number of answers of a search endpoint
SEARCH_MAX = 50


def indent(depth: int) -> str:
    """Leading ideographic spaces: option text cannot be styled, so depth is shown in the text."""
    return "\u3000" * depth


class TreeSelect(forms.Select):
    """A <select> preceded by a search box (hidden until pickers.js shows it). ``search`` maps
    an option's value to more text the box matches (pinyin, code)."""

    def __init__(self, attrs=None, choices=(), *, search: dict[str, str] | None = None):
        super().__init__(attrs, choices)
        self.search = search or {}

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {})}
        select_id = attrs.get("id") or f"id_{name}"
        attrs["id"] = select_id
        select = super().render(name, value, attrs, renderer)
        return format_html(
            '<span class="picker tree"><input type="search" class="picker-filter" hidden '
            'data-filter-for="{}" placeholder="{}" aria-label="{}">{}</span>',
            select_id,
            _("name, pinyin or code"),
            _("Search the list"),
            select,
        )

    def _render(self, template_name, context, renderer=None):
        """The <select> written directly: the same markup as Django's select template, without
        a template render per option (a province's tree has hundreds)."""
        widget = context["widget"]
        out = [f'<select name="{escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(f'<optgroup label="{escape(group_name)}">')
            # the standard library's escape, which Django's wraps (lazy-aware, so slower on a
            # province's hundreds of options): the same text
            out += [
                f'<option value="{_esc(str(o["value"]))}"{_attrs_html(o["attrs"])}>'
                f"{_esc(str(o['label']))}</option>"
                for o in options
            ]
            if group_name:
                out.append("</optgroup>")
        out.append("</select>")
        return mark_safe("".join(out))  # noqa: S308 (every value escaped above)

    def optgroups(self, name, value, attrs=None):
        """A JurisdictionField's options from its tree rows (``rows``: value, label, search text
        per option, the empty choice first), one dict each: Django's own path builds every
        option through ``create_option`` and reads the language once per label, which costs a
        province's page tens of milliseconds."""
        rows = getattr(self, "rows", None)
        if rows is None:
            return super().optgroups(name, value, attrs)
        chosen = {str(v) for v in value}
        options = []
        for code, label, search in rows():
            option_attrs = {"selected": True} if code in chosen else {}
            if search:
                option_attrs["data-search"] = search
            options.append({"value": code, "label": label, "attrs": option_attrs})
        return [(None, options, 0)]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-search"] = jurisdiction_search_text(instance)
        elif str(value) in self.search:
            option["attrs"]["data-search"] = self.search[str(value)]
        return option


def _attrs_html(attrs: dict) -> str:
    """HTML attributes as Django's attrs.html writes them: True as a bare name, False left out."""
    return "".join(
        f" {_esc(str(k))}" if v is True else f' {_esc(str(k))}="{_esc(str(v))}"'
        for k, v in attrs.items()
        if v is not False and v is not None
    )


class _TreeChoices(forms.models.ModelChoiceIterator):
    """The choices from the tree the field was given, without querying the divisions again."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for j in self.field.tree_rows:
            yield self.choice(j)

    def __len__(self):
        return len(self.field.tree_rows) + (self.field.empty_label is not None)


def tree_label(j, depth: int, en: bool | None = None) -> str:
    """A root by its full name, the divisions under it by their own, indented. ``en``: whether
    the reader reads English, when the caller has read the language once for many labels."""
    if en is None:
        return f"{indent(depth)}{j.name}" if depth else j.display_name
    if depth:
        return indent(depth) + (j.name_en if en and j.name_en else j.name_zh)
    return j.name_en if en else (j.full_name_zh or j.name_zh)


def jurisdiction_search_text(j) -> str:
    return f"{j.name_en} {j.code}".lower()


def jurisdiction_choices(tree: list, value_prefix: str = "") -> list[tuple[str, str]]:
    """(value, indented name) per division of a ``jurisdiction_tree``, for a ChoiceField that
    mixes divisions with other choices (a cooperation area)."""
    return [(f"{value_prefix}{j.code}", tree_label(j, d)) for j, d in tree]


class JurisdictionField(forms.ModelChoiceField):
    """One jurisdiction of ``tree`` (``regions.selectors.jurisdiction_tree``: pairs of a
    division and its depth), by its 12-digit code."""

    default_error_messages = {
        "invalid_choice": _(
            "%(value)s is not a jurisdiction you may choose here: pick one from the list."
        ),
    }
    widget = TreeSelect
    iterator = _TreeChoices

    def __init__(self, *, tree: list, **kwargs):
        from xietong.regions.models import Jurisdiction

        self.depths = {j.code: d for j, d in tree}
        self.tree_rows = sorted((j for j, _d in tree), key=lambda j: j.code)
        codes = list(self.depths)
        queryset = Jurisdiction.objects.filter(code__in=codes).order_by("code")
        kwargs.setdefault("empty_label", "—")
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)

        self.widget.rows = self.option_rows

    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        field.widget.rows = field.option_rows  # the copy's widget reads the copy's tree
        return field

    def label_from_instance(self, obj):
        return tree_label(obj, self.depths.get(obj.code, 0))

    def option_rows(self) -> list[tuple[str, str, str]]:
        """(value, label, search text) per option, the empty choice first: the labels of
        ``label_from_instance`` with the reader's language read once."""
        en = (get_language() or "zh-hans").lower().startswith("en")
        rows = [] if self.empty_label is None else [("", str(self.empty_label), "")]
        for j in self.tree_rows:
            label = tree_label(j, self.depths.get(j.code, 0), en)
            rows.append((j.code, label, jurisdiction_search_text(j)))
        return rows


class SearchPicker(forms.TextInput):
    """A search box with a <datalist> of suggestions; ``data-picker`` is the JSON endpoint that
    pickers.js asks as one types."""

    input_type = "search"

    def __init__(self, *, url: str, preview: list[tuple[str, str]], attrs=None):
        super().__init__(attrs)
        self.url, self.preview = url, preview

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {})}
        list_id = f"{attrs.get('id') or 'id_' + name}-choices"
        attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "data-picker": self.url,
                "placeholder": attrs.get("placeholder") or _("name, pinyin or code"),
            }
        )
        box = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', self.preview)
        return format_html(
            '<span class="picker search">{}<datalist id="{}">{}</datalist>'
            '<output class="picker-label muted" for="{}"></output></span>',
            box,
            list_id,
            options,
            attrs.get("id") or f"id_{name}",
        )


class PickerField(forms.ModelChoiceField):
    """One row of ``queryset`` by its code: a <select> when there are few, else a search box
    backed by ``url`` (which must search the same queryset). A search box also takes an exact
    name when one row of the queryset has it."""

    default_error_messages = {
        "invalid_choice": _("%(value)s is not among the choices you may make here."),
        "ambiguous": _("Several choices are named %(value)s: pick one by its code."),
    }
    names: tuple[str, ...] = ("name_zh", "name_en")

    def __init__(self, *, queryset, url: str, label_of, what=None, names=None, **kwargs):
        self.label_of = label_of
        if names is not None:
            self.names = tuple(names)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "—")
        rows = list(queryset[: INLINE_MAX + 1])
        if len(rows) > INLINE_MAX:
            preview = [(r.code, label_of(r)) for r in rows[:PREVIEW]]
            kwargs["widget"] = SearchPicker(url=url, preview=preview)
        else:
            kwargs["widget"] = forms.Select()
        super().__init__(queryset=queryset, **kwargs)
        if what is not None:
            self.error_messages["invalid_choice"] = what

    def label_from_instance(self, obj):
        return self.label_of(obj)

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        found = self.queryset.filter(code=value).first()
        if found is None and self.names:
            named = Q(pk__in=[])
            for field in self.names:
                named |= Q(**{field: value})
            matches = list(self.queryset.filter(named)[:2])
            if len(matches) > 1:
                raise ValidationError(
                    self.error_messages["ambiguous"], code="ambiguous", params={"value": value}
                )
            found = matches[0] if matches else None
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


def search_query(request) -> str:
    """The ``q`` of a search request, cut to 100 characters (no name or code is longer)."""
    return request.GET.get("q", "")[:100]


def search_limit(request) -> int:
    """The ``limit`` of a search request, 1 to SEARCH_MAX (SEARCH_LIMIT when absent or bad)."""
    try:
        n = int(request.GET.get("limit", SEARCH_LIMIT))
    except ValueError:
        return SEARCH_LIMIT
    return max(1, min(n, SEARCH_MAX))


def search_response(rows, limit: int, label_of) -> JsonResponse:
    """The answer of every picker endpoint: up to ``limit`` rows as value and label, and whether
    more matched."""
    rows = list(rows[: limit + 1])
    items = [{"value": r.code, "label": label_of(r)} for r in rows[:limit]]
    resp = JsonResponse({"items": items, "more": len(rows) > limit})
    resp["Cache-Control"] = "private, no-store"
    return resp


def school_label(school) -> str:
    return f"{school.code} {school.name} · {school.county.name}"


def errors_of(form) -> list[str]:
    """Every error of a bound form, as sentences naming the field, for messages."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out += [f"{label}: {e}" if label else str(e) for e in errors]
    return out


class MemberValuesWidget(forms.Widget):
    """One number box per member instead of typing "code value" lines: the field still gets
    those lines (so its parsing and every check stay where they are). A client that posts the
    lines themselves under the field's name (older pages, scripts) is read as before."""

    def __init__(self, members: list[tuple[str, str]], attrs=None):
        super().__init__(attrs)
        self.members = members

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data[name]
        lines = []
        for code, _label in self.members:
            value = (data.get(f"{name}_{code}") or "").strip()
            if value:
                lines.append(f"{code} {value}")
        return "\n".join(lines)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{code}" in data for code, _l in self.members)

    def render(self, name, value, attrs=None, renderer=None):
        given = {}
        for line in str(value or "").splitlines():
            parts = line.split()
            if len(parts) == 2:
                given[parts[0]] = parts[1]
        base = (attrs or {}).get("id") or f"id_{name}"
        rows = format_html_join(
            "",
            '<label for="{0}_{1}"><span>{2}</span>'
            '<input id="{0}_{1}" name="{3}_{1}" value="{4}" inputmode="decimal" size="12">'
            "</label>",
            ((base, code, label, name, given.get(code, "")) for code, label in self.members),
        )
        return format_html('<span class="member-values" id="{}">{}</span>', base, rows)

    def id_for_label(self, id_):
        return f"{id_}_{self.members[0][0]}" if id_ and self.members else id_
