"""The audit log's vocabulary: every action it records and every kind of object it names.

One closed list, like Zulip's ``RealmAuditLog`` event types, so that a typo cannot land in the
chain and the log reads in words (each member's label) rather than codes.

Each member's value is exactly the string the log has stored for it since the action first
existed: entries are hash-chained over those strings, so a value may never change (old entries
would no longer verify) and a member may never be removed while entries use it. An action no
longer written moves to ``LEGACY_ACTIONS`` (an object type to ``LEGACY_OBJECT_TYPES``) and keeps
its label, so old entries still read; ``tests/audit/test_vocabulary.py`` fails on a member that
nothing writes and that is not listed there.

``object_type_of`` maps a model instance to its object type and the id the log has always used
for it (a school's code, an area's slug, a fund's area slug ...), so a service can write
``audit_record(obj=school, ...)``. Models are named by their label (``"schools.School"``), not
imported: the audit app sits below every domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # accounts
    USER_CREATE = "user.create", _("Account created")
    USER_INVITE = "user.invite", _("Account invited")
    USER_PASSWORD_CHANGE = "user.password_change", _("Password changed")
    ROLE_GRANT = "role.grant", _("Role granted")
    ROLE_REVOKE = "role.revoke", _("Role revoked")
    TOKEN_CREATE = "token.create", _("API token created")
    TOKEN_REVOKE = "token.revoke", _("API token revoked")
    # back-office edits in the Django admin
    ADMIN_ADD = "admin.add", _("Added in the admin")
    ADMIN_CHANGE = "admin.change", _("Changed in the admin")
    ADMIN_DELETE = "admin.delete", _("Deleted in the admin")
    # the audit log itself
    AUDIT_CHECKPOINT = "audit.checkpoint", _("Audit checkpoint signed")
    # regions
    JURISDICTIONS_LOAD = "jurisdictions.load", _("Jurisdictions loaded")
    BOUNDARIES_LOAD = "boundaries.load", _("Boundaries loaded")
    AREA_CREATE = "area.create", _("Cooperation area created")
    AREA_UPDATE = "area.update", _("Cooperation area changed")
    AREA_MEMBERS = "area.members", _("Cooperation area members changed")
    # schools and their statistics
    SCHOOL_CREATE = "school.create", _("School created")
    SCHOOL_UPDATE = "school.update", _("School changed")
    SCHOOL_MOVE = "school.move", _("School moved to another county")
    SCHOOLS_BULK_LOAD = "schools.bulk_load", _("Schools loaded in bulk")
    STATISTICS_IMPORT = "statistics.import", _("Statistics imported")
    STATISTICS_PUBLISH = "statistics.publish", _("Statistics published")
    DIVISION_CHANGE_APPLY = "division_change.apply", _("Division change applied")
    DEMO_LOAD = "demo.load", _("Demo data loaded")
    # evaluation
    EVALUATION_RUN = "evaluation.run", _("Evaluation run")
    EVALUATION_PUBLISH = "evaluation.publish", _("Evaluation published")
    # background jobs
    JOB_SUBMIT = "job.submit", _("Job submitted")
    JOB_START = "job.start", _("Job started")
    JOB_SUCCEEDED = "job.succeeded", _("Job succeeded")
    JOB_FAILED = "job.failed", _("Job failed")
    JOB_REQUEUE = "job.requeue", _("Job re-queued after its worker was lost")
    # finance: the fund and its ledger
    FINANCE_FUND_OPEN = "finance.fund_open", _("Fund opened")
    FINANCE_FUND_PUBLISH_TOTALS = "finance.fund_publish_totals", _("Fund totals published")
    FINANCE_ENTRY_POST = "finance.entry_post", _("Journal entry posted")
    FINANCE_PERIOD_CLOSE = "finance.period_close", _("Accounting period closed")
    FINANCE_EARMARK_RELEASE = "finance.earmark_release", _("Earmarked money released")
    # finance: contribution rounds
    FINANCE_ROUND_CREATE = "finance.round_create", _("Contribution round created")
    FINANCE_ROUND_WEIGHTS_SET = "finance.round_weights_set", _("Contribution weights declared")
    FINANCE_ROUND_FREEZE = "finance.round_freeze", _("Contribution rule frozen")
    FINANCE_ROUND_CALL = "finance.round_call", _("Contributions called for payment")
    FINANCE_ROUND_WITHDRAW = "finance.round_withdraw", _("Contribution round withdrawn")
    FINANCE_ROUND_CALL_CANCEL = "finance.round_call_cancel", _("Call for contributions cancelled")
    FINANCE_CHARGE_APPROVE = "finance.charge_approve", _("Share approved")
    FINANCE_PAYMENT_RECORD = "finance.payment_record", _("Payment recorded")
    # finance: joint projects
    FINANCE_PROJECT_CREATE = "finance.project_create", _("Joint project created")
    FINANCE_PROJECT_FREEZE = "finance.project_freeze", _("Joint project rule frozen")
    FINANCE_PROJECT_CALL = "finance.project_call", _("Joint project called for payment")
    FINANCE_PROJECT_WITHDRAW = "finance.project_withdraw", _("Joint project withdrawn")
    FINANCE_PROJECT_CALL_CANCEL = (
        "finance.project_call_cancel",
        _("Call for a joint project cancelled"),
    )
    FINANCE_PROJECT_CLOSE = "finance.project_close", _("Joint project closed")
    # finance: reciprocal agreements and settlement
    FINANCE_AGREEMENT_CREATE = "finance.agreement_create", _("Agreement created")
    FINANCE_AGREEMENT_APPROVE = "finance.agreement_approve", _("Agreement approved")
    FINANCE_FLOW_RECORD = "finance.flow_record", _("Flow recorded")
    FINANCE_SETTLEMENT_PROPOSE = "finance.settlement_propose", _("Settlement proposed")
    FINANCE_SETTLEMENT_APPROVE = "finance.settlement_approve", _("Settlement approved")
    FINANCE_TRANSFER_PAID = "finance.transfer_paid", _("Settlement transfer paid")
    # finance: society's money
    FINANCE_DONOR_CREATE = "finance.donor_create", _("Donor registered")
    FINANCE_DONATION_RECORD = "finance.donation_record", _("Donation recorded")
    FINANCE_DISBURSEMENT_RECORD = "finance.disbursement_record", _("Disbursement recorded")
    # talent: teachers
    TEACHER_CREATE = "teacher.create", _("Teacher registered")
    TEACHER_LINK_USER = "teacher.link_user", _("Teacher linked to an account")
    TEACHER_UPDATE = "teacher.update", _("Teacher changed")
    TEACHER_SCHOOL_CHANGE = "teacher.school_change", _("Teacher moved to another school")
    TALENT_TEACHERS_IMPORT = "talent.teachers.import", _("Teachers imported")
    TALENT_TEACHERS_DEMO = "talent.teachers.demo", _("Demo teachers loaded")
    # talent: exchange rounds (one action per status a round moves to)
    TALENT_ROUND_CREATE = "talent.round.create", _("Exchange round created")
    TALENT_ROUND_UPDATE = "talent.round.update", _("Exchange round changed")
    TALENT_ROUND_OPEN = "talent.round.open", _("Exchange round opened for applications")
    TALENT_ROUND_RANKING = "talent.round.ranking", _("Exchange round closed for ranking")
    TALENT_ROUND_MATCHED = "talent.round.matched", _("Exchange round matched")
    TALENT_ROUND_REVIEWED = "talent.round.reviewed", _("Exchange round reviewed")
    TALENT_ROUND_PUBLISHED = "talent.round.published", _("Exchange round published")
    TALENT_ROUND_IN_SERVICE = "talent.round.in_service", _("Exchange service period started")
    TALENT_ROUND_RETURNED = "talent.round.returned", _("Exchange teachers returned")
    TALENT_ROUND_EFFECT = "talent.round.effect", _("Predicted effect of a round stored")
    TALENT_POST_CREATE = "talent.post.create", _("Exchange post created")
    TALENT_POSTS_IMPORT = "talent.posts.import", _("Exchange posts imported")
    TALENT_POSTS_DEMO = "talent.posts.demo", _("Demo exchange posts loaded")
    TALENT_APPLICATION_SUBMIT = "talent.application.submit", _("Application submitted")
    TALENT_APPLICATION_WITHDRAW = "talent.application.withdraw", _("Application withdrawn")
    TALENT_APPLICATIONS_DEMO = "talent.applications.demo", _("Demo applications loaded")
    TALENT_SCORES_SET = "talent.scores.set", _("Post scores set")
    # talent: appointments, training, recruitment
    TALENT_APPOINTMENT_POLICY_SET = "talent.appointment_policy.set", _("Appointment policy set")
    TALENT_APPOINTMENT_CREATE = "talent.appointment.create", _("Appointment made")
    TALENT_APPOINTMENT_END = "talent.appointment.end", _("Appointment ended")
    TALENT_TRAINING_CREATE = "talent.training.create", _("Training programme created")
    TALENT_TRAINING_ENROL = "talent.training.enrol", _("Teacher enrolled in training")
    TALENT_TRAINING_COMPLETE = "talent.training.complete", _("Training completed")
    TALENT_VACANCY_PUBLISH = "talent.vacancy.publish", _("Vacancy published")
    TALENT_VACANCY_CLOSE = "talent.vacancy.close", _("Vacancy closed")
    TALENT_CANDIDACY_SUBMIT = "talent.candidacy.submit", _("Candidacy submitted")
    TALENT_CANDIDACY_STATUS = "talent.candidacy.status", _("Candidacy decided")

    # consultation: the negotiation body and its consultations
    CONSULTATION_BODY_CREATE = "consultation.body_create", _("Negotiation body created")
    CONSULTATION_FORUM_CREATE = (
        "consultation.forum_create",
        _("Forum of a negotiation body created"),
    )
    CONSULTATION_DELEGATE_APPOINT = "consultation.delegate_appoint", _("Delegate appointed")
    CONSULTATION_DELEGATE_END = "consultation.delegate_end", _("Delegate's term ended")
    CONSULTATION_MEETING_SCHEDULE = "consultation.meeting_schedule", _("Meeting scheduled")
    CONSULTATION_ATTENDANCE_RECORD = "consultation.attendance_record", _("Attendance recorded")
    CONSULTATION_MINUTES_RECORD = "consultation.minutes_record", _("Minutes recorded")
    CONSULTATION_PROPOSAL_DRAFT = "consultation.proposal_draft", _("Proposal drafted")
    CONSULTATION_PROPOSAL_REVISE = "consultation.proposal_revise", _("Proposal revised")
    CONSULTATION_PROPOSAL_CIRCULATE = (
        "consultation.proposal_circulate",
        _("Proposal circulated to every member"),
    )
    CONSULTATION_PROPOSAL_WITHDRAW = "consultation.proposal_withdraw", _("Proposal withdrawn")
    CONSULTATION_PROPOSAL_ADVANCE = (
        "consultation.proposal_advance",
        _("Consultation moved on its date"),
    )
    CONSULTATION_COMMENT_ADD = "consultation.comment_add", _("Member's comment recorded")
    CONSULTATION_DISPOSITION_SET = "consultation.disposition_set", _("Comment answered")
    CONSULTATION_POSITION_CAST = "consultation.position_cast", _("Member's position cast")
    CONSULTATION_DEADLINE_EXTEND = "consultation.deadline_extend", _("Deadline extended")

    # resources: the shared teaching-resource platform
    RESOURCES_CREATE = "resources.create", _("Resource created")
    RESOURCES_UPDATE = "resources.update", _("Resource changed")
    RESOURCES_REMIX = "resources.remix", _("Resource remixed")
    RESOURCES_SUBMIT = "resources.submit", _("Resource submitted for review")
    RESOURCES_CHECK = "resources.check", _("Resource machine-checked")
    RESOURCES_APPROVE = "resources.approve", _("Resource approved and published")
    RESOURCES_REJECT = "resources.reject", _("Resource returned to its owner")
    RESOURCES_WITHDRAW = "resources.withdraw", _("Resource withdrawn from the library")
    RESOURCES_IMPORT = "resources.import", _("Resource added to a collection")
    RESOURCES_RATE = "resources.rate", _("Resource rated")
    RESOURCES_NOTICE_READ = "resources.notice_read", _("Change notice read")
    RESOURCES_VOCABULARY_LOAD = "resources.vocabulary_load", _("Vocabulary release loaded")
    RESOURCES_HARVEST = "resources.harvest", _("Resources harvested from an OAI-PMH provider")
    RESOURCES_METADATA_IMPORT = "resources.metadata_import", _("Resource metadata file imported")
    RESOURCES_BULK_LOAD = "resources.bulk_load", _("Resources loaded in bulk by the operator")
    RESOURCES_PREVIEW = "resources.preview", _("Office document previewed as PDF (or why not)")
    RESOURCES_USAGE_BULK_LOAD = (
        "resources.usage_bulk_load",
        _("Usage events loaded in bulk by the operator"),
    )

    # planning: joint plans supervised against measured targets
    PLANNING_PLAN_CREATE = "planning.plan_create", _("Joint plan created")
    PLANNING_PLAN_ADOPT = "planning.plan_adopt", _("Joint plan adopted")
    PLANNING_PLAN_CLOSE = "planning.plan_close", _("Joint plan closed")
    PLANNING_GOAL_CREATE = "planning.goal_create", _("Plan goal created")
    PLANNING_MEASURE_CREATE = "planning.measure_create", _("Plan measure created")
    PLANNING_MILESTONE_CREATE = "planning.milestone_create", _("Milestone created")
    PLANNING_MILESTONE_DONE = "planning.milestone_done", _("Milestone marked done")
    PLANNING_INDICATOR_CREATE = "planning.indicator_create", _("Plan indicator created")
    PLANNING_TARGET_SET = "planning.target_set", _("Target set")
    PLANNING_ACTUAL_COMPUTE = "planning.actual_compute", _("Measured values computed")
    PLANNING_ACTUAL_REPORT = "planning.actual_report", _("Value reported")
    PLANNING_ACTUAL_REVIEW = "planning.actual_review", _("Reported value reviewed")
    PLANNING_STATUS_COMPUTE = "planning.status_compute", _("Plan status computed")
    PLANNING_STATUS_PUBLISH = "planning.status_publish", _("Plan status published")

    # partnerships: cooperations between schools, jurisdictions and social partners
    PARTNERSHIPS_PROPOSE = "partnerships.propose", _("Cooperation proposed by a school")
    PARTNERSHIPS_ESTABLISH = "partnerships.establish", _("Cooperation set up by an authority")
    PARTNERSHIPS_AGREEMENT_EDIT = "partnerships.agreement_edit", _("Agreement edited")
    PARTNERSHIPS_APPROVE = "partnerships.approve", _("Agreement approved")
    PARTNERSHIPS_ACTIVATE = "partnerships.activate", _("Cooperation in force")
    PARTNERSHIPS_OBLIGATION_SET = "partnerships.obligation_set", _("Obligation set")
    PARTNERSHIPS_ACTIVITY_RECORD = "partnerships.activity_record", _("Activity recorded")
    PARTNERSHIPS_ACTIVITY_CONFIRM = "partnerships.activity_confirm", _("Activity confirmed")
    PARTNERSHIPS_ACTIVITY_VERIFY = "partnerships.activity_verify", _("Activity verified")
    PARTNERSHIPS_ACTIVITY_LINK = (
        "partnerships.activity_link",
        _("Activities linked from other apps"),
    )
    PARTNERSHIPS_TRAINING_ATTACH = (
        "partnerships.training_attach",
        _("Training programme attached to a cooperation"),
    )
    PARTNERSHIPS_TRAINING_DETACH = (
        "partnerships.training_detach",
        _("Training programme detached from a cooperation"),
    )
    PARTNERSHIPS_COMPLIANCE = "partnerships.compliance", _("Obligation compliance computed")
    PARTNERSHIPS_SUSPEND = "partnerships.suspend", _("Cooperation suspended")
    PARTNERSHIPS_RESUME = "partnerships.resume", _("Cooperation resumed")
    PARTNERSHIPS_RENEW = "partnerships.renew", _("Cooperation renewed")
    PARTNERSHIPS_EXIT = "partnerships.exit", _("Cooperation exited")
    PARTNERSHIPS_EXPIRY_NOTICE = "partnerships.expiry_notice", _("Expiry notice sent")
    PARTNERSHIPS_PORTFOLIO_PUBLISH = (
        "partnerships.portfolio_publish",
        _("Portfolio figures of a period published"),
    )
    PARTNERSHIPS_SOCIAL_PARTNER_CREATE = (
        "partnerships.social_partner_create",
        _("Social partner registered"),
    )
    PARTNERSHIPS_RETITLE = "partnerships.retitle", _("Cooperation title changed")
    PARTNERSHIPS_ACTIVITY_AMEND = "partnerships.activity_amend", _("Activity amended")
    PARTNERSHIPS_IMPORT = "partnerships.import", _("Cooperations imported from a file")
    PARTNERSHIPS_SURVEY_RECORD = (
        "partnerships.survey_record",
        _("Satisfaction survey recorded"),
    )


class ObjectType(models.TextChoices):
    # accounts
    USER = "user", _("account")
    ROLE_ASSIGNMENT = "role_assignment", _("role")
    API_TOKEN = "api_token", _("API token")
    # the audit log
    AUDIT_CHECKPOINT = "audit_checkpoint", _("audit checkpoint")
    # regions
    JURISDICTION_TREE = "jurisdiction_tree", _("jurisdiction tree")
    BOUNDARY_FILE = "boundary_file", _("boundary file")
    COOPERATION_AREA = "cooperation_area", _("cooperation area")
    # schools
    SCHOOL = "school", _("school")
    SCHOOLS = "schools", _("schools (loaded in bulk)")
    STATISTICS = "statistics", _("statistics file")
    STATISTICS_RELEASE = "statistics_release", _("statistics release")
    DIVISION_CHANGE = "division_change", _("division change")
    DEMO = "demo", _("demo data")
    # evaluation and jobs
    EVALUATION = "evaluation", _("evaluation run")
    JOB = "job", _("job")
    # finance (named by model, as the finance app has always written them)
    FINANCE_FUND = "finance.Fund", _("fund")
    FINANCE_JOURNAL_ENTRY = "finance.JournalEntry", _("journal entry")
    FINANCE_ACCOUNTING_PERIOD = "finance.AccountingPeriod", _("accounting period")
    FINANCE_CONTRIBUTION_ROUND = "finance.ContributionRound", _("contribution round")
    FINANCE_CHARGE = "finance.Charge", _("share")
    FINANCE_PAYMENT = "finance.Payment", _("payment")
    FINANCE_JOINT_PROJECT = "finance.JointProject", _("joint project")
    FINANCE_AGREEMENT = "finance.Agreement", _("agreement")
    FINANCE_FLOW_RECORD = "finance.FlowRecord", _("flow record")
    FINANCE_SETTLEMENT = "finance.Settlement", _("settlement")
    FINANCE_SETTLEMENT_TRANSFER = "finance.SettlementTransfer", _("settlement transfer")
    FINANCE_DONOR = "finance.Donor", _("donor")
    FINANCE_DONATION = "finance.Donation", _("donation")
    FINANCE_DISBURSEMENT = "finance.Disbursement", _("disbursement")
    # talent
    TEACHER = "teacher", _("teacher")
    TEACHERS = "teachers", _("teachers file")
    EXCHANGE_ROUND = "exchange_round", _("exchange round")
    EXCHANGE_POST = "exchange_post", _("exchange post")
    APPLICATION = "application", _("application")
    APPOINTMENT = "appointment", _("appointment")
    TRAINING_PROGRAMME = "training_programme", _("training programme")
    ENROLMENT = "enrolment", _("enrolment")
    VACANCY = "vacancy", _("vacancy")
    CANDIDACY = "candidacy", _("candidacy")
    # resources
    RESOURCE = "resources.Resource", _("teaching resource")
    RESOURCE_COLLECTION_ITEM = "resources.CollectionItem", _("collection item")
    VOCABULARY_RELEASE = "resources.VocabularyRelease", _("vocabulary release")
    HARVEST_SOURCE = "resources.harvest_source", _("OAI-PMH harvest source")
    RESOURCE_METADATA_FILE = "resources.metadata_file", _("resource metadata file")
    RESOURCE_BATCH = "resources.batch", _("batch of resources")
    RESOURCE_FILE = "resources.ResourceFile", _("stored resource file")
    # planning
    PLAN = "plan", _("joint plan")
    PLAN_ACTUAL = "plan_actual", _("plan value")
    PLAN_GOAL = "plan_goal", _("plan goal")
    PLAN_INDICATOR = "plan_indicator", _("plan indicator")
    PLAN_MEASURE = "plan_measure", _("plan measure")
    PLAN_MILESTONE = "plan_milestone", _("milestone")
    PLAN_STATUS_REPORT = "plan_status_report", _("plan status report")
    PLAN_TARGET = "plan_target", _("plan target")
    # partnerships
    COOPERATION = "partnerships.Cooperation", _("cooperation")
    COOPERATION_AGREEMENT = "partnerships.AgreementVersion", _("agreement version")
    COOPERATION_APPROVAL = "partnerships.Approval", _("agreement approval")
    COOPERATION_OBLIGATION = "partnerships.Obligation", _("cooperation obligation")
    COOPERATION_ACTIVITY = "partnerships.Activity", _("cooperation activity")
    COOPERATION_IMPORT = "partnerships.import", _("cooperation import file")
    SOCIAL_PARTNER = "partnerships.SocialPartner", _("social partner")
    SATISFACTION_SURVEY = "partnerships.SatisfactionSurvey", _("satisfaction survey")
    PORTFOLIO_PUBLICATION = "portfolio_publication", _("portfolio publication")
    # consultation
    NEGOTIATION_BODY = "negotiation_body", _("negotiation body")
    FORUM = "forum", _("forum")
    DELEGATE = "delegate", _("delegate")
    MEETING = "meeting", _("meeting")
    PROPOSAL = "proposal", _("proposal")
    # rows edited in the Django admin (named by the model's lower-case label)
    ADMIN_USER = "accounts.user", _("account (admin)")
    ADMIN_API_TOKEN = "accounts.apitoken", _("API token (admin)")
    ADMIN_JURISDICTION = "regions.jurisdiction", _("jurisdiction (admin)")
    ADMIN_COOPERATION_AREA = "regions.cooperationarea", _("cooperation area (admin)")
    ADMIN_SCHOOL = "schools.school", _("school (admin)")
    ADMIN_INDICATOR = "schools.indicator", _("indicator (admin)")
    ADMIN_STATISTICS_RELEASE = "schools.statisticsrelease", _("statistics release (admin)")
    ADMIN_CALENDAR_NOTICE = "consultation.calendarnotice", _("holiday notice (admin)")


# Kept so that old entries still read; nothing writes them any more. The demo's schools load
# writes schools.bulk_load (one entry per load) since the loader goes through the bulk service.
LEGACY_ACTIONS: frozenset[AuditAction] = frozenset({AuditAction.DEMO_LOAD})
LEGACY_OBJECT_TYPES: frozenset[ObjectType] = frozenset()


def _pk(obj) -> Any:
    return obj.pk


# Model label -> (object type, the id the log names an instance by).
MODEL_OBJECT_TYPES: dict[str, tuple[ObjectType, Callable[[Any], Any]]] = {
    "accounts.User": (ObjectType.USER, _pk),
    "accounts.RoleAssignment": (ObjectType.ROLE_ASSIGNMENT, _pk),
    "accounts.ApiToken": (ObjectType.API_TOKEN, _pk),
    "audit.AuditCheckpoint": (ObjectType.AUDIT_CHECKPOINT, _pk),
    "regions.CooperationArea": (ObjectType.COOPERATION_AREA, lambda a: a.slug),
    "schools.School": (ObjectType.SCHOOL, lambda s: s.code),
    "schools.StatisticsRelease": (
        ObjectType.STATISTICS_RELEASE,
        lambda r: f"{r.jurisdiction.code}:{r.year}",
    ),
    "evaluation.EvaluationRun": (ObjectType.EVALUATION, _pk),
    "jobs.Job": (ObjectType.JOB, _pk),
    "finance.Fund": (ObjectType.FINANCE_FUND, lambda f: f.area.slug),
    "finance.JournalEntry": (
        ObjectType.FINANCE_JOURNAL_ENTRY,
        lambda e: f"{e.fund.area.slug}#{e.number}",
    ),
    "finance.AccountingPeriod": (
        ObjectType.FINANCE_ACCOUNTING_PERIOD,
        lambda p: f"{p.fund.area.slug}:{p.period}",
    ),
    "finance.ContributionRound": (ObjectType.FINANCE_CONTRIBUTION_ROUND, _pk),
    "finance.Charge": (ObjectType.FINANCE_CHARGE, _pk),
    "finance.Payment": (ObjectType.FINANCE_PAYMENT, _pk),
    "finance.JointProject": (ObjectType.FINANCE_JOINT_PROJECT, _pk),
    "finance.Agreement": (ObjectType.FINANCE_AGREEMENT, _pk),
    "finance.FlowRecord": (ObjectType.FINANCE_FLOW_RECORD, _pk),
    "finance.Settlement": (ObjectType.FINANCE_SETTLEMENT, _pk),
    "finance.SettlementTransfer": (ObjectType.FINANCE_SETTLEMENT_TRANSFER, _pk),
    "finance.Donor": (ObjectType.FINANCE_DONOR, _pk),
    "finance.Donation": (ObjectType.FINANCE_DONATION, _pk),
    "finance.Disbursement": (ObjectType.FINANCE_DISBURSEMENT, _pk),
    "talent.Teacher": (ObjectType.TEACHER, lambda t: t.code),
    "talent.ExchangeRound": (ObjectType.EXCHANGE_ROUND, _pk),
    "talent.ExchangePost": (ObjectType.EXCHANGE_POST, _pk),
    "talent.Application": (ObjectType.APPLICATION, lambda a: f"{a.round_id}:{a.teacher.code}"),
    "talent.Appointment": (ObjectType.APPOINTMENT, _pk),
    "talent.TrainingProgramme": (ObjectType.TRAINING_PROGRAMME, lambda p: p.code),
    "talent.Enrolment": (ObjectType.ENROLMENT, _pk),
    "talent.Vacancy": (ObjectType.VACANCY, _pk),
    "talent.Candidacy": (ObjectType.CANDIDACY, _pk),
    "partnerships.Cooperation": (ObjectType.COOPERATION, lambda c: c.code),
    "partnerships.AgreementVersion": (
        ObjectType.COOPERATION_AGREEMENT,
        lambda v: f"{v.agreement.cooperation.code}:v{v.number}",
    ),
    "partnerships.Approval": (ObjectType.COOPERATION_APPROVAL, _pk),
    "partnerships.Obligation": (
        ObjectType.COOPERATION_OBLIGATION,
        lambda o: f"{o.cooperation.code}/{o.code}",
    ),
    "partnerships.Activity": (ObjectType.COOPERATION_ACTIVITY, _pk),
    "partnerships.SocialPartner": (ObjectType.SOCIAL_PARTNER, _pk),
    "partnerships.SatisfactionSurvey": (
        ObjectType.SATISFACTION_SURVEY,
        lambda v: f"{v.school.code}:{v.year}",
    ),
}


def object_type_of(obj) -> tuple[ObjectType, str]:
    """The object type and id the log names a model instance by; a model the vocabulary does
    not know raises ``LookupError``."""
    label = getattr(getattr(obj, "_meta", None), "label", None)
    try:
        kind, key = MODEL_OBJECT_TYPES[label]
    except KeyError:
        raise LookupError(
            f"no audit object type for {type(obj).__name__} ({label}): add it to "
            "xietong/audit/vocabulary.py, or pass object_type= and object_id="
        ) from None
    return kind, str(key(obj))


def action_label(value: str) -> str:
    """The words for a stored action (the code itself if the vocabulary does not know it)."""
    try:
        return str(AuditAction(value).label)
    except ValueError:
        return value


def object_type_label(value: str) -> str:
    try:
        return str(ObjectType(value).label)
    except ValueError:
        return value
