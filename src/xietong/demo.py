"""The whole demo: registry (real divisions, synthetic schools and statistics, users), then each
module's demo content. Every step keeps what is already there, so running it twice is safe."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from xietong.schools.demo import DemoSummary, demo_load

# Module demo loaders, in order; each is idempotent and returns a summary.
MODULE_LOADERS = [
    ("evaluation", "xietong.evaluation.demo", "evaluation_demo_load"),
    ("talent", "xietong.talent.demo", "talent_demo_load"),
    ("finance", "xietong.finance.demo", "finance_demo_load"),
    ("consultation", "xietong.consultation.demo", "consultation_demo_load"),
    ("planning", "xietong.planning.demo", "planning_demo_load"),
    ("partnerships", "xietong.partnerships.demo", "partnerships_demo_load"),
    ("resources", "xietong.resources.demo", "resources_demo_load"),
    # once the cooperations exist: the fund pays some of them, partnerships links the records
    ("finance_cooperations", "xietong.finance.demo", "finance_demo_cooperation_funding"),
    ("partnerships_links", "xietong.partnerships.demo", "partnerships_demo_link_funding"),
]
# loaders whose amount follows ``--scale`` (they are passed it with the seed)
SCALED = {"resources"}


@dataclass(frozen=True)
class FullDemo:
    registry: DemoSummary
    modules: dict


def full_demo_load(
    *,
    seed: int = 2024,
    scale: float = 0.25,
    progress: Callable[[int], None] | None = None,
    say: Callable[[str], None] = lambda s: None,
    options: dict[str, dict] | None = None,
) -> FullDemo:
    """``options`` passes keyword arguments to a module's loader, e.g.
    ``{"talent": {"teachers": 100_000}}``."""
    registry = demo_load(seed=seed, scale=scale, progress=progress)
    modules = {}
    for name, module, function in MODULE_LOADERS:
        if importlib.util.find_spec(module) is None:
            continue  # that module has no demo content yet
        loader = getattr(importlib.import_module(module), function)
        say(f"demo content: {name} ...")
        kwargs = {"scale": scale, "seed": seed} if name in SCALED else {}
        modules[name] = loader(**{**kwargs, **(options or {}).get(name, {})})
    modules["audit"] = _checkpoint()
    return FullDemo(registry=registry, modules=modules)


def _checkpoint() -> dict:
    """Sign a checkpoint of the audit log as it stands after loading (a new one only when the
    log grew), as the periodic job does in production."""
    from django.db import transaction

    from xietong.audit.models import AuditCheckpoint
    from xietong.audit.services import audit_checkpoint_due, audit_checkpoint_issue

    with transaction.atomic():
        if audit_checkpoint_due():
            row = audit_checkpoint_issue(actor=None)
        else:
            row = AuditCheckpoint.objects.order_by("-id").first()
    return {"checkpoint": row.pk, "entries": row.size, "key": row.key_id}
