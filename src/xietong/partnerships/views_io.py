"""The portfolio's import page (upload, preview, confirm) and its export downloads.

The preview keeps the uploaded file (``jobs.files``) and what it would do, as codes and
parameters, in the session; confirming re-reads the same file (its SHA-256 must match) and
imports it through :func:`.io.portfolio_import`, which checks everything again. A file over
XIETONG_IMPORT_JOB_BYTES is imported by a worker instead (the job's page follows it).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.jobs import files
from xietong.jobs.imports import runs_as_job
from xietong.tabular import ImportFailed, UploadTooLarge, read_as_message
from xietong.tabular.uploads import read_upload
from xietong.web.downloads import download_or_job

from .io import MODES, portfolio_import, portfolio_plan
from .io_cells import MESSAGES
from .io_export import EXPORT_NAME, export_count, export_table
from .job_kinds import import_submit

SESSION_KEY = "partnerships_import_preview"
ACTIONS = {"add", "update", "unchanged"}


def _words(preview: dict) -> dict:
    """The stored preview with its problems put in the reader's language."""
    errors = [
        {**e, "file": preview["file"], "message": str(MESSAGES[e["code"]]) % e["params"]}
        for e in preview["errors"]
    ]
    return {**preview, "errors": errors}


def _forget(request) -> None:
    old = request.session.pop(SESSION_KEY, None)
    if old:
        files.storage().delete(old["input"])


def _preview(request, scope):
    upload = request.FILES.get("file")
    mode = request.POST.get("mode") or "add-or-update"
    if upload is None or mode not in MODES:
        messages.error(request, _("Choose a CSV or XLSX file and an import mode."))
        return None, 400
    data = read_upload(upload)
    if runs_as_job(data):  # a large file: a worker imports it, the job page follows
        job, _created = import_submit(
            data=data, filename=upload.name, actor=request.user, mode=mode
        )
        return redirect("job_page", pk=job.pk), 302
    plan = portfolio_plan(data=data, filename=upload.name, mode=mode, scope=scope)
    _forget(request)
    if not plan.errors:
        request.session[SESSION_KEY] = {
            "input": files.input_save(data, upload.name),
            **plan.as_dict(),
        }
    return plan.as_dict(), (422 if plan.errors else 200)


def _confirm(request):
    kept = request.session.get(SESSION_KEY)
    if not kept or kept["sha256"] != request.POST.get("sha256"):
        messages.error(request, _("This preview has expired; upload the file again."))
        return 409
    data = files.input_read(kept["input"])
    result = portfolio_import(
        data=data, filename=kept["file"], actor=request.user, mode=kept["mode"]
    )
    _forget(request)
    messages.success(
        request,
        _("Imported %(f)s: %(a)d added, %(u)d updated, %(s)d unchanged.")
        % {"f": result.file, "a": result.added, "u": result.updated, "s": result.unchanged},
    )
    if result.encoding:
        messages.info(request, read_as_message(result.encoding))
    return 302


@login_required
def import_page(request):
    scope = scope_for(request.user)
    preview, problems, total, status = None, None, 0, 200
    if request.method == "POST" and scope.is_public:
        messages.error(request, _("You have no role that may import cooperations."))
        status = 403
    elif request.method == "POST":
        try:
            if "confirm" in request.POST:
                status = _confirm(request)
                if status == 302:
                    return redirect("partnerships_import")
            else:
                preview, status = _preview(request, scope)
                if status == 302:
                    return preview
        except UploadTooLarge as exc:
            messages.error(request, str(exc.problems[0]))
            status = exc.status
        except ImportFailed as exc:  # the file changed under the preview: nothing written
            _forget(request)
            problems, total, status = exc.problems, exc.total, exc.status
    return render(
        request,
        "partnerships/import.html",
        {
            "preview": _words(preview) if preview else None,
            "problems": problems,
            "total": total,
            "modes": MODES,
            "can_import": not scope.is_public,
        },
        status=status,
    )


@login_required
def export_download(request, fmt: str):
    params = {k: (request.GET.get(k) or "").strip()[:40] or None for k in ("kind", "area")}
    scope = scope_for(request.user)
    return download_or_job(
        request,
        export=EXPORT_NAME,
        params=params,
        fmt=fmt,
        rows=export_count(scope=scope, **params) if fmt in ("csv", "xlsx") else 0,
        build=lambda: export_table(actor=request.user, **params),
    )
