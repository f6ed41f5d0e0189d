"""The cooperation itself, its parties and the social partners that can be parties."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def bilingual(zh: str, en: str) -> str:
    if (get_language() or "").startswith("en") and en:
        return en
    return zh


class CooperationKind(models.TextChoices):
    PAIRING = "pairing", _("Pairing (结对帮扶)")
    ALLIANCE = "alliance", _("School alliance (学校联盟)")
    GROUP_CLOSE = "group_close", _("Education group, close (紧密型集团化办学)")
    GROUP_LOOSE = "group_loose", _("Education group, loose (松散型集团化办学)")
    BRANCH_CAMPUS = "branch_campus", _("Branch campus (名校办分校)")
    ENTRUSTED = "entrusted", _("Entrusted management (委托管理/托管)")
    COMMUNITY_FUSION = "community_fusion", _("Education community, fusion (融合型教共体)")
    COMMUNITY_COBUILD = "community_cobuild", _("Education community, co-built (共建型教共体)")
    COMMUNITY_COLLAB = "community_collab", _("Education community, collaborative (协作型教共体)")
    RESEARCH_ALLIANCE = "research_alliance", _("Cross-region teaching-research alliance")
    MASTER_STUDIO = "master_studio", _("Master-teacher studio (名师工作室)")
    SOCIAL_PROJECT = "social_project", _("Social partner's project")


class Origin(models.TextChoices):
    BOTTOM_UP = "bottom_up", _("Proposed by a school")
    TOP_DOWN = "top_down", _("Set up by a bureau or secretariat")


class PrincipalArrangement(models.TextChoices):
    ONE_HEAD_MANY_SCHOOLS = "one_head_many_schools", _("One principal, several schools (多校一长)")
    MANY_HEADS_ONE_SCHOOL = "many_heads_one_school", _("Several principals, one school (多长一校)")
    LEAD_APPOINTS = "lead_appoints", _("The lead school appoints")
    EACH_OWN = "each_own", _("Each school keeps its own")


class Status(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("cooperation", "Proposed")
    ACTIVE = "active", pgettext_lazy("cooperation", "Active")
    SUSPENDED = "suspended", pgettext_lazy("cooperation", "Suspended")
    EXITED = "exited", pgettext_lazy("cooperation", "Exited")
    EXPIRED = "expired", pgettext_lazy("cooperation", "Expired")


class StatusReason(models.TextChoices):
    GOALS_MET = "goals_met", _("The supported school meets its goals")
    OBLIGATIONS_UNMET = "obligations_unmet", _("Obligations not met")
    PARTY_WITHDREW = "party_withdrew", _("A party withdrew")
    REORGANISED = "reorganised", _("Schools reorganised or merged")
    POLICY_CHANGE = "policy_change", _("Change of policy")
    TERM_ENDED = "term_ended", _("The term ended")
    RENEWED = "renewed", _("Renewed for a new term")
    OTHER = "other", pgettext_lazy("reason", "Other")


class Cooperation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=CooperationKind.choices)
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    area = models.ForeignKey(
        "regions.CooperationArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperations",
        verbose_name=_("cooperation area"),
    )
    principal = models.CharField(
        _("principal arrangement"),
        max_length=24,
        choices=PrincipalArrangement.choices,
        default=PrincipalArrangement.EACH_OWN,
    )
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    covers_management = models.BooleanField(_("management"), default=False)
    covers_curriculum = models.BooleanField(_("curriculum"), default=False)
    covers_teaching_research = models.BooleanField(_("teaching research"), default=False)
    covers_teacher_training = models.BooleanField(_("teacher training"), default=False)
    covers_digital_resources = models.BooleanField(_("digital resources"), default=False)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    renewal_round = models.PositiveSmallIntegerField(_("renewal round"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    status_reason = models.CharField(
        _("status reason"), max_length=20, choices=StatusReason.choices, blank=True
    )
    # What the person who suspended, resumed or exited it wrote beside the reason code (their
    # own words, shown as typed; the reason itself is the code above).
    status_note = models.TextField(_("note on the status"), max_length=1000, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    lead = models.ForeignKey(
        "Party",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead party"),
    )
    plan_task = models.ForeignKey(
        "planning.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cooperations",
        verbose_name=_("joint-plan task"),
    )
    # The talent app's training programmes this cooperation runs: their completed enrolments of
    # the parties' teachers are linked as training activities (services.links).
    training_programmes = models.ManyToManyField(
        "talent.TrainingProgramme",
        blank=True,
        related_name="+",
        verbose_name=_("training programmes"),
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "status"]), models.Index(fields=["term_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="partnerships_term"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"

    @property
    def title(self) -> str:
        return bilingual(self.title_zh, self.title_en)


class SocialPartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    FOUNDATION = "foundation", _("Foundation")
    UNIVERSITY = "university", _("University")
    OTHER = "other", pgettext_lazy("partner", "Other")


class SocialPartner(models.Model):
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=SocialPartnerKind.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        verbose_name = _("social partner")
        verbose_name_plural = _("social partners")
        ordering = ["name_zh"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class PartyKind(models.TextChoices):
    SCHOOL = "school", _("School")
    JURISDICTION = "jurisdiction", _("Jurisdiction (bureau)")
    SOCIAL = "social", _("Social partner")


class PartyRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    SUPPORTING = "supporting", _("Supporting")
    SUPPORTED = "supported", _("Supported")
    MEMBER = "member", _("Member")


class Party(models.Model):
    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=12, choices=PartyKind.choices)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "regions.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    social_partner = models.ForeignKey(
        SocialPartner, on_delete=models.PROTECT, null=True, blank=True, related_name="parties"
    )
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    # A school's county code (or the jurisdiction's own code), kept for prefix filters; empty
    # for a social partner.
    jurisdiction_code = models.CharField(max_length=12, blank=True, db_index=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["cooperation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="school", school__isnull=False, jurisdiction__isnull=True)
                    & Q(social_partner__isnull=True)
                )
                | (
                    Q(kind="jurisdiction", jurisdiction__isnull=False, school__isnull=True)
                    & Q(social_partner__isnull=True)
                )
                | (
                    Q(kind="social", social_partner__isnull=False, school__isnull=True)
                    & Q(jurisdiction__isnull=True)
                ),
                name="partnerships_party_one_target",
            ),
            models.UniqueConstraint(
                fields=["cooperation", "school"],
                condition=Q(school__isnull=False),
                name="partnerships_party_school_once",
            ),
            models.UniqueConstraint(
                fields=["cooperation", "jurisdiction"],
                condition=Q(jurisdiction__isnull=False),
                name="partnerships_party_jurisdiction_once",
            ),
            models.UniqueConstraint(
                fields=["cooperation", "social_partner"],
                condition=Q(social_partner__isnull=False),
                name="partnerships_party_social_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperation.code}: {self.target}"

    @property
    def target(self):
        return self.school or self.jurisdiction or self.social_partner
