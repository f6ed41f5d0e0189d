"""A job's stage and error in the reader's language (the row stores codes and parameters)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xietong.tabular.i18n import render_json

STAGES = {
    "": _("Waiting for a worker"),
    "reading": _("Reading the applications and posts"),
    "solving": _("Matching teachers to posts"),
    "storing": _("Storing the placements"),
    "checking": _("Checking the policy targets"),
    "effect": _("Computing the predicted effect on balance"),
    "evaluating": _("Evaluating the schools against the standard"),
    "import_checking": _("Checking the file and writing its rows"),
    "exporting": _("Writing the file"),
    "computing": _("Computing the plan's measured values"),
    "converting": _("Converting the document to PDF"),
}

ERRORS = {
    "worker_lost": _(
        "The worker running this job stopped %(attempts)s time(s) before it finished; nothing "
        "of it was kept. Submit it again once the workers run."
    ),
    "out_of_scope": _("You may not do this (any more) in your role."),
    "wrong_state": _("The round is %(status)s now; this step cannot run in that state."),
    "state_changed": _(
        "The round was matched again meanwhile; this result belongs to an older state."
    ),
    "not_found": _("What this job was for no longer exists."),
    "import_failed": _("The file has %(total)s problem(s); nothing was imported."),
    "preview_failed": _(
        "The document could not be converted to PDF (%(reason)s); its page offers the download "
        "only."
    ),
    "refused": _("The job's input was refused when it ran; the worker's log has the reason."),
    "internal": _(
        "The job failed on an internal error (%(exception)s); the worker's log has the details."
    ),
}

STATUS = {
    "queued": pgettext_lazy("job", "queued"),
    "running": pgettext_lazy("job", "running"),
    "succeeded": pgettext_lazy("job", "succeeded"),
    "failed": pgettext_lazy("job", "failed"),
}


def stage_label(job) -> str:
    if job.status == "queued":
        return str(STAGES[""])
    return str(STAGES.get(job.stage, job.stage))


def error_message(job) -> str:
    if not job.error_code:
        return ""
    template = ERRORS.get(job.error_code)
    if template is None:
        return job.error_code
    params = dict(job.error_params or {})
    try:
        from . import kinds

        params = kinds.get(job.kind).display_params(params)
    except ValueError:
        pass
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template).split("%(")[0].strip()


def problems_out(problems: list[dict]) -> list[dict]:
    """A failed import's stored problems (codes and parameters) with their ``message`` in the
    reader's language, and ``column`` for the table of problems. A problem stored before
    problems kept codes has its message as text: it is shown as it is."""
    out = []
    for p in problems or []:
        field = p.get("field", p.get("column", ""))
        message = p["message"] if "message" in p and "code" not in p else render_json(p)
        out.append({**p, "field": field, "column": field, "message": message})
    return out
