"""The registry of job kinds. A domain app declares its kinds in ``<app>/job_kinds.py``::

    register(JobKind(name="talent.match", run=_run_match, visible=_visible, ...))

``run(job, ctx)`` does the work by calling the app's own services (a task only calls a service);
``visible(scope, job)`` says who besides the job's owner may follow it; ``result_url(job)`` is the
page that shows what it made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[Any, Any], dict]
    visible: Callable[[Any, Any], bool] = lambda scope, job: False
    result_url: Callable[[Any], str | None] = lambda job: None
    # error parameters as the reader should see them (a state code as its label, say)
    display_params: Callable[[dict], dict] = lambda params: params
    queue: str = "default"


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ValueError(f"job kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise ValueError(
            f"unknown job kind {name!r} (known: {', '.join(sorted(_KINDS))})"
        ) from None


def names() -> list[str]:
    return sorted(_KINDS)
