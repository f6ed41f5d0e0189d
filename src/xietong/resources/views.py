"""Pages of the catalogue, thin: reads through the scoped selectors, writes through the services
with a message either way (the shape of ``finance.form_views._run``)."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.web.actions import run_service

from . import checks, forms, jsonld, lineage, previews, selectors, services, storage, usage
from .models import Status, WithdrawReason
from .models.vocabulary import Scheme

PAGE = 50


def _resource_or_404(request, pk):
    r = selectors.resource_get(actor=request.user, pk=pk)
    if r is None:
        raise Http404
    return r


def resource_list(request):
    filters = {k: request.GET.get(k, "") for k in ("edition", "subject", "stage", "kind")}
    qs = selectors.resource_list(actor=request.user, published=True, **filters)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    rows = list(qs[offset : offset + PAGE])
    return render(
        request,
        "resources/list.html",
        {
            "rows": rows,
            "total": qs.count(),
            "offset": offset,
            "next": offset + PAGE,
            "filters": filters,
            "editions": selectors.vocabulary(Scheme.EDITION),
            "subjects": selectors.vocabulary(Scheme.SUBJECT),
        },
    )


def resource_detail(request, pk):
    r = _resource_or_404(request, pk)
    _count(r, request, "view")
    scope = scope_for(request.user)
    base = request.build_absolute_uri("/").rstrip("/")
    chapter = r.lesson or r.unit or r.volume
    matches = selectors.chapter_matches(chapter) if chapter else []
    reviews = list(selectors.reviews_of(actor=request.user, resource=r))
    for e in reviews:
        e.texts = [_code_text(c) for c in e.codes]
    return render(
        request,
        "resources/detail.html",
        {
            "r": r,
            "jsonld": jsonld.script_tag(jsonld.learning_resource(r, base_url=base)),
            "attribution": services.attribution(r),
            "has_lineage": lineage.has_lineage(r),
            "office_preview": previews.preview_of(r.file),
            "matches": matches,
            "reviews": reviews,
            "can_manage": services.can_manage(scope, r),
            "can_review": services.can_review(scope, r),
            "in_collection": request.user.is_authenticated
            and r.imports.filter(user=request.user).exists(),
            "submit_form": forms.SubmitForm(),
            "reason_form": forms.ReasonForm(),
        },
    )


def _count(r, request, kind: str) -> None:
    """Published resources only: a draft read by its owner or reviewer is not a flow."""
    if r.status == Status.PUBLISHED:
        usage.usage_record(kind=kind, resource=r, user=request.user)


def _code_text(code: str) -> str:
    if code in WithdrawReason.values:
        return str(WithdrawReason(code).label)
    return checks.problem_text(code)


# What a browser says it fetches for (Fetch Metadata, Sec-Fetch-Dest) when the resource page's
# own preview loads the file: the page's view was counted, the preview is not a download (a video
# or a PDF viewer asks several times, in ranges). A link followed, or a client that says
# nothing, is one.
EMBEDDED = frozenset({"iframe", "frame", "embed", "object", "image", "video", "audio", "track"})


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def resource_file(request, pk):
    """The stored file, for readers of the resource: inline when the page previews it."""
    r = _resource_or_404(request, pk)
    if r.file_id is None:
        raise Http404
    f = r.file
    if request.headers.get("Sec-Fetch-Dest", "document") not in EMBEDDED:
        _count(r, request, "download")
    response = FileResponse(
        storage.open_stored(f.storage_name),
        content_type=f.mime_type,
        as_attachment=not f.preview,
        filename=r.file_name or f"{f.sha256}.{f.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def resource_preview(request, pk):
    """The PDF made of the resource's office document, for readers of the resource, inline."""
    r = _resource_or_404(request, pk)
    preview = previews.preview_of(r.file)
    if preview is None or preview.pdf is None:
        raise Http404
    response = FileResponse(
        storage.open_stored(preview.pdf.storage_name),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{(r.file_name or r.file.sha256).rsplit('.', 1)[0]}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def upload(request):
    scope = scope_for(request.user)
    if request.method != "POST":
        if not forms.owner_choices(scope):
            raise PermissionDenied(_("You may not use this form."))
        return render(request, "resources/upload.html", {"form": forms.ResourceForm(scope=scope)})
    form = forms.ResourceForm(request.POST, request.FILES, scope=scope)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below; nothing was saved."))
        return render(request, "resources/upload.html", {"form": form}, status=400)
    school, jurisdiction = selectors.owner_from_code(form.cleaned_data["owner"])
    r, status = run_service(
        request,
        lambda: services.resource_create(
            actor=request.user,
            owner_school=school,
            owner_jurisdiction=jurisdiction,
            upload=form.cleaned_data.get("file"),
            **form.service_fields(),
        ),
        _("Saved as a draft. Submit it for review to share it."),
    )
    if r is None:
        return render(request, "resources/upload.html", {"form": form}, status=status)
    return redirect("resource_detail", pk=r.pk)


@login_required
def collection(request):
    return render(
        request,
        "resources/collection.html",
        {
            "items": selectors.collection_list(actor=request.user),
            "mine": selectors.managed_list(actor=request.user)[:200],
            "notices": [
                (n, [_change_row(c) for c in n.changes])
                for n in selectors.notices_for(actor=request.user)
            ],
        },
    )


def _change_row(change: dict) -> dict:
    """One changed field in the reader's language: its label, and vocabulary entries by name."""
    field = change["field"]
    row = {**change, "label": FIELD_LABELS.get(field, field)}
    if field in services.NODE_FIELDS or field == "standards":
        scheme = Scheme.STANDARD if field == "standards" else field
        names = selectors.vocabulary_names(scheme)
        for side in ("before", "after"):
            value = change[side]
            codes = value if isinstance(value, list) else [value] if value else []
            row[side] = "; ".join(names.get(c, c) for c in codes)
    return row


FIELD_LABELS = {
    "title_zh": gettext_lazy("title (Chinese)"),
    "title_en": gettext_lazy("title (English)"),
    "description_zh": gettext_lazy("description (Chinese)"),
    "description_en": gettext_lazy("description (English)"),
    "kind": gettext_lazy("kind"),
    "stage": gettext_lazy("stage"),
    "grade": gettext_lazy("grade"),
    "subject": gettext_lazy("subject"),
    "edition": gettext_lazy("textbook edition"),
    "volume": gettext_lazy("volume"),
    "unit": gettext_lazy("unit"),
    "lesson": gettext_lazy("lesson"),
    "language": gettext_lazy("language"),
    "author_name": gettext_lazy("author"),
    "external_url": gettext_lazy("external link"),
    "owner": gettext_lazy("owner"),
    "is_based_on": gettext_lazy("based on"),
    "file_sha256": gettext_lazy("file SHA-256"),
    "file_name": gettext_lazy("file name"),
    "licence": gettext_lazy("licence"),
    "visibility": gettext_lazy("visibility"),
    "standards": gettext_lazy("curriculum-standard items"),
}


@login_required
def review_queue(request):
    queue = list(selectors.review_queue(actor=request.user))
    scope = scope_for(request.user)
    if not queue and not (scope.is_admin or scope.write_prefixes):
        raise PermissionDenied(_("Only education bureaus review resources."))
    return render(
        request,
        "resources/queue.html",
        {"queue": queue, "reason_form": forms.ReasonForm()},
    )


def _post_action(request, pk, fn, ok: str, form_class=None):
    r = _resource_or_404(request, pk)
    data = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect("resource_detail", pk=pk)
        data = form.cleaned_data
    _result, status = run_service(request, lambda: fn(r, data), ok)
    back = request.POST.get("next", "")
    return redirect(back if back == "/resources/review/" else f"/resources/{pk}/")


@login_required
@require_POST
def submit(request, pk):
    def go(r, d):
        r, codes = services.resource_submit(resource=r, actor=request.user, pledge=d["pledge"])
        for c in codes:
            messages.warning(request, checks.problem_text(c))
        return r

    return _post_action(request, pk, go, _("Submitted."), forms.SubmitForm)


@login_required
@require_POST
def approve(request, pk):
    return _post_action(
        request,
        pk,
        lambda r, d: services.resource_approve(resource=r, actor=request.user),
        _("Approved: the resource is in the library."),
    )


@login_required
@require_POST
def reject(request, pk):
    return _post_action(
        request,
        pk,
        lambda r, d: services.resource_reject(resource=r, actor=request.user, reason=d["reason"]),
        _("Returned to its owner."),
        forms.ReasonForm,
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _post_action(
        request,
        pk,
        lambda r, d: services.resource_withdraw(resource=r, actor=request.user, reason=d["reason"]),
        _("Withdrawn from the library."),
        forms.ReasonForm,
    )


@login_required
@require_POST
def import_(request, pk):
    return _post_action(
        request,
        pk,
        lambda r, d: services.collection_import(resource=r, actor=request.user),
        _("Added to your collection."),
    )
