"""Writes on teachers and exchange rounds: atomic, scope-checked, audited.

The round lifecycle is draft -> open -> ranking -> matched -> reviewed -> published -> in_service
-> returned; every step is one function here and refuses to run out of order. The package is
split along its seams (``lifecycle``: the lock and the audited move every step shares;
``teachers``; ``rounds``: settings and steps; ``applications``: posts, ranked lists and points);
the names below are its public face, so ``from xietong.talent.services import X`` keeps working.
"""

from __future__ import annotations

from .applications import (
    application_submit,
    application_withdraw,
    can_apply_for,
    default_points,
    employer_of_record,
    listed_codes,
    post_create,
    scores_set,
    teacher_may_apply,
)
from .lifecycle import (
    LifecycleError,
    S,
    check_choice,
    in_territory,
    round_lock,
    round_move,
    round_require_status,
    snapshot,
)
from .rounds import (
    INT_SETTING_BOUNDS,
    MATCHABLE,
    ROUND_SETTINGS,
    ROUND_STEPS,
    clean_member_caps,
    effect_state,
    round_close_applications,
    round_create,
    round_effect_store,
    round_match,
    round_match_check,
    round_open,
    round_publish,
    round_return,
    round_review,
    round_start_service,
    round_update,
)
from .teachers import (
    TEACHER_FIELDS,
    check_teacher_fields,
    teacher_create,
    teacher_invite,
    teacher_link_user,
    teacher_school_change,
    teacher_update,
)

__all__ = [
    "INT_SETTING_BOUNDS",
    "MATCHABLE",
    "ROUND_SETTINGS",
    "ROUND_STEPS",
    "TEACHER_FIELDS",
    "LifecycleError",
    "S",
    "application_submit",
    "application_withdraw",
    "can_apply_for",
    "check_choice",
    "check_teacher_fields",
    "clean_member_caps",
    "default_points",
    "effect_state",
    "employer_of_record",
    "in_territory",
    "listed_codes",
    "post_create",
    "round_close_applications",
    "round_create",
    "round_effect_store",
    "round_lock",
    "round_match",
    "round_match_check",
    "round_move",
    "round_open",
    "round_publish",
    "round_require_status",
    "round_return",
    "round_review",
    "round_start_service",
    "round_update",
    "scores_set",
    "snapshot",
    "teacher_create",
    "teacher_invite",
    "teacher_link_user",
    "teacher_may_apply",
    "teacher_school_change",
    "teacher_update",
]
