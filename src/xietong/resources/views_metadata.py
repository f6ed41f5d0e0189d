"""The catalogue's metadata as a file: the export of the filtered list the caller can see, and
the import page (upload, a preview of what would be added and updated with every problem named
by file, row and column, then confirm). Thin: the work is in ``metadata``."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xietong.accounts.scope import scope_for
from xietong.jobs import files
from xietong.jobs.imports import runs_as_job
from xietong.tabular import ImportFailed, UploadTooLarge, read_as_message
from xietong.tabular.uploads import read_upload
from xietong.web.actions import run_service
from xietong.web.downloads import download_or_job
from xietong.web.uploads import upload_refused

from . import forms, job_kinds, metadata, selectors

SESSION_KEY = "resources_metadata_import"
TEMPLATE = "resources/metadata_import.html"


def _filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in metadata.FILTERS if request.GET.get(k)}


@login_required
def export(request, fmt: str):
    args = _filters(request)
    return download_or_job(
        request,
        export=job_kinds.METADATA_EXPORT,
        params=args,
        fmt=fmt,
        rows=selectors.resource_list(actor=request.user, **args).count(),
        build=lambda: job_kinds.export_table(actor=request.user, **args),
    )


def _problem_rows(plan: metadata.Plan) -> list[dict]:
    return [
        {
            "file": plan.file,
            "row": p.row,
            "column": p.column,
            "message": metadata.problem_text(p.code, p.params),
        }
        for p in plan.problems
    ]


def _context(**extra) -> dict:
    return {"columns": metadata.COLUMNS, "modes": metadata.MODES, **extra}


def _preview(request, upload, mode: str):
    data = read_upload(upload)
    if runs_as_job(data):  # a large file: a worker checks and imports it, the job page follows
        job, _created = job_kinds.import_submit(
            data=data, filename=upload.name, actor=request.user, mode=mode
        )
        return redirect("job_page", pk=job.pk)
    plan = metadata.import_plan(data=data, filename=upload.name, actor=request.user, mode=mode)
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        files.storage().delete(pending["name"])
    if not plan.total_problems and plan.rows:
        request.session[SESSION_KEY] = {
            "name": files.input_save(data, upload.name),
            "sha256": plan.sha256,
            "filename": upload.name,
            "mode": mode,
        }
    if plan.encoding:
        messages.info(request, read_as_message(plan.encoding))
    status = 200 if not plan.total_problems else 400
    return render(
        request,
        TEMPLATE,
        _context(
            plan=plan,
            problems=_problem_rows(plan),
            mode=mode,
            added=plan.count("add"),
            updated=plan.count("update"),
            unchanged=plan.count("unchanged"),
        ),
        status=status,
    )


def _confirm(request):
    pending = request.session.pop(SESSION_KEY, None)
    if not pending:
        messages.error(request, _("Upload the file again: there is no checked file to import."))
        return redirect("resource_metadata_import")
    try:
        data = files.input_read(pending["name"])
    finally:
        files.storage().delete(pending["name"])
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        messages.error(request, _("Upload the file again: there is no checked file to import."))
        return redirect("resource_metadata_import")

    def run():
        try:
            return metadata.resources_import(
                data=data, filename=pending["filename"], actor=request.user, mode=pending["mode"]
            )
        except ImportFailed as exc:  # the catalogue changed since the preview
            for p in exc.problems[:30]:
                messages.error(request, str(p))
            raise ValueError(
                _("Nothing was imported: %(n)d problem(s).") % {"n": exc.total}
            ) from None

    result, _status = run_service(request, run, None)
    if result is None:
        return redirect("resource_metadata_import")
    messages.success(
        request,
        _("Imported %(rows)d rows: %(c)d created, %(u)d updated, %(k)d unchanged.")
        % {"rows": result.rows, "c": result.created, "u": result.updated, "k": result.unchanged},
    )
    return redirect("resource_collection")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not forms.owner_choices(scope_for(request.user)):
        raise PermissionDenied(_("You may not use this form."))
    if request.method == "GET":
        return render(request, TEMPLATE, _context(mode="add-or-update"))
    if request.POST.get("confirm"):
        return _confirm(request)
    mode = request.POST.get("mode", "add-or-update")
    upload = request.FILES.get("file")
    if mode not in metadata.MODES or upload is None:
        messages.error(request, _("Choose a file and an import mode."))
        return render(request, TEMPLATE, _context(mode="add-or-update"), status=400)
    try:
        return _preview(request, upload, mode)
    except UploadTooLarge as exc:
        return upload_refused(request, exc, back=request.path)
    except ImportFailed as exc:  # the reader refused the file as a whole
        problems = [
            {"file": p.file, "row": p.row, "column": p.column, "message": p.message}
            for p in exc.problems
        ]
        return render(request, TEMPLATE, _context(mode=mode, problems=problems), status=400)
