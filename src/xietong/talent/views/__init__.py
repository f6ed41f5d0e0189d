"""Talent pages: round manager, a teacher's ranked application, host ranking, results with
explanations, flows between members, appointments, shared training and recruitment.

One view per action; each parses its input with a form (``talent.forms``), reads through a
scoped selector and writes through one service. Split along the pages' seams (``rounds``,
``applications``, ``uploads``, ``circulation``); the names below are its public face."""

from __future__ import annotations

from .applications import REASONS, apply, apply_withdraw, flows, rank, results, sankey
from .circulation import (
    appointment_policy,
    appointments,
    candidacy_status,
    enrolment_complete,
    programme_create,
    programme_enrol,
    recruitment,
    training,
    vacancy_apply,
    vacancy_publish,
)
from .rounds import (
    STEPS,
    home,
    post_add,
    round_close,
    round_create,
    round_match,
    round_member_caps,
    round_open,
    round_publish,
    round_return,
    round_review,
    round_service,
    round_settings,
    round_view,
)
from .uploads import posts_import, teachers_import

__all__ = [
    "REASONS",
    "STEPS",
    "appointment_policy",
    "appointments",
    "apply",
    "apply_withdraw",
    "candidacy_status",
    "enrolment_complete",
    "flows",
    "home",
    "post_add",
    "posts_import",
    "programme_create",
    "programme_enrol",
    "rank",
    "recruitment",
    "results",
    "round_close",
    "round_create",
    "round_match",
    "round_member_caps",
    "round_open",
    "round_publish",
    "round_return",
    "round_review",
    "round_service",
    "round_settings",
    "round_view",
    "sankey",
    "teachers_import",
    "training",
    "vacancy_apply",
    "vacancy_publish",
]
