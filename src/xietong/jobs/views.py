"""A job's own page (progress, then its outcome) and the download of the file it made: the file
is its requester's alone (an export holds what their scope let them see, not what another
reader's would)."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for

from . import files, selectors
from .present import job_out, progress_context
from .services import jobs_reap_if_due

ATTACHMENT_SEPARATOR = "-"


def _download_name(name: str) -> str:
    """The name the requester sees: the stored name without its unique prefix."""
    return PurePosixPath(name).name.split(ATTACHMENT_SEPARATOR, 1)[-1]


def own_file(job, user) -> str | None:
    """The file a succeeded job made, when ``user`` requested it and it is still kept."""
    if job.owner_id is None or job.owner_id != getattr(user, "pk", None):
        return None
    name = (job.result or {}).get("file_name", "")
    if job.status != "succeeded" or name not in (job.files or []):
        return None
    return name if files.output_exists(name) else None


@login_required
def job_page(request, pk: int):
    jobs_reap_if_due()
    job = selectors.job_get(scope=scope_for(request.user), user=request.user, pk=pk)
    if job is None:
        raise Http404(_("No such job in your scope."))
    name = own_file(job, request.user)
    context = {
        "job": job,
        "out": job_out(job),
        "file": _download_name(name) if name else None,
        "expired": job.status == "succeeded" and "file_name" in (job.result or {}) and not name,
        "mine": job.owner_id == request.user.pk,
        **(
            {"progress": progress_context(job, title=_("Job #%(n)d") % {"n": job.pk})}
            if job.active
            else {}
        ),
    }
    return render(request, "jobs/job.html", context)


@login_required
def job_file(request, pk: int):
    job = selectors.job_get(scope=scope_for(request.user), user=request.user, pk=pk)
    name = own_file(job, request.user) if job is not None else None
    if name is None:
        raise Http404(_("No such file, or it is no longer kept."))
    return FileResponse(
        files.output_open(name),
        as_attachment=True,
        filename=_download_name(name),
        content_type=(job.result or {}).get("content_type") or "application/octet-stream",
    )
