"""Every write on joint plans: keyword-only, atomic, scope-checked, audited (a package by
workflow; the names are re-exported here). Who may do what: :mod:`.common`."""

from .actuals import (
    actual_report,
    actual_review,
    milestone_done,
    planning_actuals_compute,
    require_compute,
)
from .common import LifecycleError, answering_member, can_manage, can_report
from .plans import (
    goal_create,
    indicator_create,
    measure_create,
    milestone_create,
    plan_adopt,
    plan_close,
    plan_create,
    target_set,
)
from .status import (
    current_actuals,
    default_as_of,
    planning_status_compute,
    planning_status_publish,
    status_tree,
)

__all__ = [
    "LifecycleError",
    "actual_report",
    "actual_review",
    "answering_member",
    "can_manage",
    "can_report",
    "current_actuals",
    "default_as_of",
    "goal_create",
    "indicator_create",
    "measure_create",
    "milestone_create",
    "milestone_done",
    "plan_adopt",
    "plan_close",
    "plan_create",
    "planning_actuals_compute",
    "planning_status_compute",
    "planning_status_publish",
    "require_compute",
    "status_tree",
    "target_set",
]
