"""Periodic work of the workers: each registered task runs every ``every`` seconds in every
worker's housekeeping thread (beside the reaper). A periodic task must be idempotent and safe to
run from several workers at once (the consultation scheduler locks each proposal it moves), so a
deployment with M workers needs no separate scheduler process.

Apps register their tasks in ``AppConfig.ready`` by dotted path, so that this module imports no
app.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class Periodic:
    name: str
    path: str  # "package.module:function"
    every: float  # seconds
    last: float = field(default=0.0)

    def function(self) -> Callable[[], object]:
        module, _sep, attr = self.path.partition(":")
        return getattr(importlib.import_module(module), attr)


REGISTRY: dict[str, Periodic] = {}


def register(name: str, path: str, *, every: float) -> None:
    if every <= 0:
        raise ValueError(f"periodic task {name}: every must be positive")
    REGISTRY[name] = Periodic(name=name, path=path, every=float(every))


def run_due(*, clock: Callable[[], float] = time.monotonic) -> list[str]:
    """Run every registered task whose interval has passed; a failing task is logged and tried
    again at its next interval. Returns the names that ran."""
    ran = []
    for task in REGISTRY.values():
        now = clock()
        if task.last and now - task.last < task.every:
            continue
        task.last = now
        try:
            task.function()()
            ran.append(task.name)
        except Exception:
            log.exception("periodic task %s failed", task.name)
    return ran
