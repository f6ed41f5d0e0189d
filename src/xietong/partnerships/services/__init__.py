"""Every write on cooperations: keyword-only, atomic, scope-checked, audited (a package by
workflow; the names are re-exported here). Who may do what: :mod:`.common`."""

from .activities import (
    activity_confirm,
    activity_record,
    activity_verify,
    compliance_compute,
    obligation_set,
    period_bounds,
    period_of,
)
from .agreements import (
    agreement_approve,
    agreement_edit,
    current_version,
    missing_approvals,
    required_approvals,
)
from .common import LifecycleError, acts_for_party, can_manage, canonical_json, content_hash
from .cooperations import (
    cooperation_establish,
    cooperation_exit,
    cooperation_propose,
    cooperation_renew,
    cooperation_resume,
    cooperation_suspend,
)
from .expiry import expiry_notices_send
from .links import activities_link, training_programme_attach, training_programme_detach
from .partners import may_register_partner, social_partner_create
from .publications import portfolio_publish
from .surveys import may_record_survey, satisfaction_survey_record
from .version import portfolio_changed

__all__ = [
    "LifecycleError",
    "activities_link",
    "training_programme_attach",
    "training_programme_detach",
    "activity_confirm",
    "activity_record",
    "activity_verify",
    "acts_for_party",
    "agreement_approve",
    "agreement_edit",
    "can_manage",
    "canonical_json",
    "compliance_compute",
    "content_hash",
    "cooperation_establish",
    "cooperation_exit",
    "cooperation_propose",
    "cooperation_renew",
    "cooperation_resume",
    "cooperation_suspend",
    "current_version",
    "expiry_notices_send",
    "may_record_survey",
    "may_register_partner",
    "missing_approvals",
    "portfolio_changed",
    "obligation_set",
    "period_bounds",
    "satisfaction_survey_record",
    "period_of",
    "portfolio_publish",
    "required_approvals",
    "social_partner_create",
]
