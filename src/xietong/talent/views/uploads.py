"""Uploads on the talent pages: a round's posts and a school's teachers from CSV/XLSX (the
import checks every row and writes all or nothing; its problems become messages)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.jobs.imports import runs_as_job
from xietong.jobs.models import Job
from xietong.schools.tabular import ImportFailed
from xietong.tabular import UploadTooLarge, read_as_message
from xietong.tabular.uploads import read_upload
from xietong.web.uploads import upload_refused

from .. import imports
from .common import round_or_404

ERRORS = (ValueError, OutOfScope)


def _upload(request, fn, **kwargs):
    """Import the uploaded file with ``fn``; problems become messages. UploadTooLarge is raised
    for the caller to answer 413."""
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("Choose a file."))
        return None
    try:
        data = read_upload(f)
        if runs_as_job(data):  # a large file: a worker imports it, the job page follows
            job, _created = imports.import_submit(
                data=data, filename=f.name, actor=request.user, **kwargs
            )
            return job
        r = fn(data=data, filename=f.name, actor=request.user, **kwargs)
    except UploadTooLarge:
        raise
    except ImportFailed as exc:
        messages.error(request, _("Nothing was imported: %(n)d problem(s).") % {"n": exc.total})
        for p in exc.problems[:30]:
            messages.error(request, str(p))
        return None
    except ERRORS as exc:
        messages.error(request, str(exc))
        return None
    messages.success(
        request,
        _("Imported %(rows)d rows: %(c)d created, %(u)d updated.")
        % {"rows": r.rows, "c": r.created, "u": r.updated},
    )
    if r.encoding:
        messages.info(request, read_as_message(r.encoding))
    return r


@login_required
@require_POST
def posts_import(request, pk: int):
    rnd = round_or_404(request, pk)
    try:
        r = _upload(request, imports.posts_import, rnd=rnd)
    except UploadTooLarge as exc:
        return upload_refused(request, exc, back=reverse("talent_round", args=[pk]))
    if isinstance(r, Job):
        return redirect("job_page", pk=r.pk)
    return redirect("talent_round", pk=pk)


@login_required
def teachers_import(request):
    scope = scope_for(request.user)
    context = {"columns": imports.TEACHER_COLUMNS, "can_import": scope.acts_for_any_school}
    if request.method == "POST" and not context["can_import"]:
        # the import refuses every row anyway; say so before reading the file
        messages.error(request, _("You have no role that may register teachers."))
        return render(request, "talent/teachers_import.html", context, status=403)
    if request.method == "POST":
        try:
            r = _upload(request, imports.teachers_import)
        except UploadTooLarge as exc:
            return upload_refused(
                request,
                exc,
                back=request.path,
                template="talent/teachers_import.html",
                **context,
            )
        if isinstance(r, Job):
            return redirect("job_page", pk=r.pk)
        return redirect("talent_teachers_import")
    return render(request, "talent/teachers_import.html", context)
