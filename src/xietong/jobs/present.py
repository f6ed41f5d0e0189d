"""A job for its readers: the JSON the API and the progress script read, and the context of the
progress box a page includes (templates/jobs/_progress.html)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from . import kinds, words
from .models import Job


def job_url(job: Job) -> str:
    return reverse("api:job_detail", args=[job.pk])


def _error_params(job: Job) -> dict:
    """The error's parameters; an import's problems each with its message rendered for the
    reader (the row keeps codes and parameters)."""
    params = dict(job.error_params or {})
    if isinstance(params.get("problems"), list):
        params["problems"] = words.problems_out(params["problems"])
    return params


def steps_out(job: Job) -> list[dict]:
    """The stages the current attempt went through, in order, each with its label and when it
    began; the last is the one it is in while it runs. Shown as a list of steps beside the bar,
    so a stage shorter than the page's polling interval is still seen to have happened."""
    out = []
    for code, at in job.steps or []:
        out.append({"stage": code, "label": str(words.STAGES.get(code, code)), "started_at": at})
    return out


def job_out(job: Job) -> dict:
    """The job as the API and the progress script read it, words in the reader's language."""
    try:
        result_url = kinds.get(job.kind).result_url(job)
    except ValueError:
        result_url = None
    percent = None
    if job.status == "succeeded":
        percent = 100.0
    elif job.total:
        percent = round(100.0 * min(job.done, job.total) / job.total, 1)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(words.STATUS.get(job.status, job.status)),
        "stage": job.stage,
        "stage_label": words.stage_label(job),
        "steps": steps_out(job),
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "attempts": job.attempts,
        "result": job.result,
        "error_code": job.error_code,
        "error_params": _error_params(job),
        "error_message": words.error_message(job),
        "url": job_url(job),
        "result_url": result_url,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def progress_context(job: Job, *, title: str, done_url: str | None = None) -> dict:
    """Context for ``{% include "jobs/_progress.html" %}``: the box shows how far ``job`` got
    and jobs.js keeps it current until it ends."""
    out = job_out(job)
    return {
        "job": job,
        "job_url": out["url"],
        "done_url": done_url,
        "title": title,
        "stage_label": out["stage_label"],
        "steps": out["steps"],
        "percent": out["percent"],
        "error_message": out["error_message"],
    }


def progress_html(job: Job, *, title: str, done_url: str | None = None) -> str:
    """The progress box of ``job``, rendered (a page passes it on as it is)."""
    return render_to_string(
        "jobs/_progress.html", progress_context(job, title=title, done_url=done_url)
    )
