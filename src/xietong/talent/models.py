"""Teachers, exchange rounds and their posts, applications and results, appointments across
schools, shared training and the recruitment channel."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Subject(models.TextChoices):
    CHINESE = "chinese", _("Chinese")
    MATHS = "maths", _("Mathematics")
    ENGLISH = "english", pgettext_lazy("subject", "English")  # not the language name
    SCIENCE = "science", _("Science")
    PHYSICS = "physics", _("Physics")
    CHEMISTRY = "chemistry", _("Chemistry")
    BIOLOGY = "biology", _("Biology")
    HISTORY = "history", _("History")
    GEOGRAPHY = "geography", _("Geography")
    POLITICS = "politics", _("Ethics and politics")
    PE = "pe", _("Physical education")
    MUSIC = "music", _("Music")
    ART = "art", _("Art")
    IT = "it", _("Information technology")
    OTHER = "other", _("Other")


class TeachingStage(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")


class Title(models.TextChoices):
    NONE = "none", _("No title yet")
    THIRD = "third", _("Third grade")
    SECOND = "second", _("Second grade")
    FIRST = "first", _("First grade")
    SENIOR = "senior", _("Senior")
    PROFESSOR = "professor", _("Senior (professor level)")


class Backbone(models.TextChoices):
    NONE = "none", _("Not a backbone teacher")
    SCHOOL = "school", _("School backbone")
    COUNTY = "county", _("County backbone")
    CITY = "city", _("City backbone")
    PROVINCE = "province", _("Provincial backbone")


class Position(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    VICE_PRINCIPAL = "vice_principal", _("Vice principal")
    PRINCIPAL = "principal", _("Principal")


class Exemption(models.TextChoices):
    NONE = "none", _("None")
    NEAR_RETIREMENT = "near_retirement", _("Near retirement")
    HEALTH = "health", _("Health")
    FAMILY = "family", _("Family care (pregnancy, young children)")
    NEW_HIRE = "new_hire", _("Service period of a new hire")
    OTHER = "other", _("Other")


class Teacher(models.Model):
    code = models.CharField(_("staff number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="teachers",
        verbose_name=_("school"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teacher_record",
    )
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=TeachingStage.choices)
    title = models.CharField(_("title"), max_length=10, choices=Title.choices, default="none")
    backbone = models.CharField(
        _("backbone level"), max_length=10, choices=Backbone.choices, default="none"
    )
    years_at_school = models.PositiveSmallIntegerField(_("years at the current school"), default=0)
    position = models.CharField(
        _("position"), max_length=16, choices=Position.choices, default="teacher"
    )
    eligible = models.BooleanField(_("eligible for exchange"), default=True)
    exemption = models.CharField(
        _("exemption"), max_length=20, choices=Exemption.choices, default="none"
    )
    weekly_hours = models.PositiveSmallIntegerField(
        _("weekly lessons at the home school"), default=12
    )
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["school", "subject"], name="teacher_school_subject")]
        constraints = [
            models.CheckConstraint(
                condition=Q(years_at_school__lte=60), name="teacher_years_at_school_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_backbone(self) -> bool:
        return self.backbone != Backbone.NONE

    @property
    def may_rotate(self) -> bool:
        return self.eligible and self.exemption == Exemption.NONE


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    RANKING = "ranking", _("Ranking")
    MATCHED = "matched", _("Matched")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    IN_SERVICE = "in_service", _("In service")
    RETURNED = "returned", _("Returned")


class TieBreak(models.TextChoices):
    SINGLE = "single", _("One lottery for all posts")
    MULTIPLE = "multiple", _("A lottery per post")


class RoundMode(models.TextChoices):
    DA = "da", _("Deferred acceptance")
    IR_DA = "ir_da", _("Individually rational deferred acceptance")
    TOBE = "tobe", _("Teacher-optimal block exchange (TO-BE)")


IR_MODES = (RoundMode.IR_DA, RoundMode.TOBE)

# in a ranked list, the place of "staying at my current post" (individually rational rounds)
HOME_CODE = "HOME"


class ExchangeRound(models.Model):
    """One exchange round run by an area secretariat (area set) or a bureau (jurisdiction set)."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("school year"))
    area = models.ForeignKey(
        "regions.CooperationArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_rounds",
    )
    jurisdiction = models.ForeignKey(
        "regions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchange_rounds",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default="draft", db_index=True
    )
    seed = models.BigIntegerField(_("lottery seed"), default=2024)
    tie_break = models.CharField(max_length=10, choices=TieBreak.choices, default="single")
    mode = models.CharField(
        _("mechanism"),
        max_length=8,
        choices=RoundMode.choices,
        default="da",
        help_text=_(
            "Deferred acceptance, or an individually rational mode in which no applicant ends "
            "worse off than at her current post."
        ),
    )
    max_choices = models.PositiveSmallIntegerField(_("most posts a teacher may rank"), default=20)
    # policy targets (2014 national rule by default: >= 10% of eligible teachers rotate, >= 20% of
    # those backbone teachers; eligible = at least 6 years at the same school)
    min_years_at_school = models.PositiveSmallIntegerField(default=6)
    # 县管校聘: the county (its education bureau) employs the teachers and the schools engage
    # them, so a teacher moving between schools of the county changes post, not employer
    county_managed = models.BooleanField(
        _("teachers managed by the county (县管校聘)"), default=False
    )
    min_rotation_share = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.1"))
    min_backbone_share = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.2"))
    # staffing floor: at most this share of a school's teachers of one subject may leave
    max_departure_share = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.2")
    )
    school_cap = models.IntegerField(_("most teachers one school receives"), default=-1)
    balance_tolerance = models.IntegerField(
        _("balanced exchange tolerance"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: no balance rule. Otherwise how many more a member may send than receive."
        ),
    )
    member_caps = models.JSONField(
        _("most teachers each member receives"),
        default=dict,
        blank=True,
        help_text=_(
            "Division code of a member (or of a jurisdiction inside the round's territory) to "
            "the most teachers its schools may receive; empty: no caps."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    certificate = models.JSONField(default=dict, blank=True)
    policy = models.JSONField(default=dict, blank=True)
    effect = models.JSONField(default=dict, blank=True)
    review_note = models.TextField(blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False) & Q(jurisdiction__isnull=True))
                | (Q(area__isnull=True) & Q(jurisdiction__isnull=False)),
                name="round_area_xor_jurisdiction",
            ),
            models.CheckConstraint(
                condition=Q(min_rotation_share__gte=0, min_rotation_share__lte=1)
                & Q(min_backbone_share__gte=0, min_backbone_share__lte=1)
                & Q(max_departure_share__gte=0, max_departure_share__lte=1),
                name="round_shares_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def scope_label(self) -> str:
        return self.area.name if self.area_id else self.jurisdiction.display_name

    @property
    def is_ir(self) -> bool:
        return self.mode in IR_MODES


class PostKind(models.TextChoices):
    SECONDMENT = "secondment", _("Secondment (hanging post)")
    ROTATION = "rotation", _("Rotation")
    SUPPORT = "support", _("Support teaching")
    # 校长交流: a principal (or vice principal) rotates to lead another school
    PRINCIPAL = "principal", _("Principal rotation")


class ExchangePost(models.Model):
    round = models.ForeignKey(ExchangeRound, on_delete=models.CASCADE, related_name="posts")
    code = models.CharField(_("post code"), max_length=40)
    host_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="exchange_posts"
    )
    subject = models.CharField(max_length=20, choices=Subject.choices)
    stage = models.CharField(max_length=10, choices=TeachingStage.choices)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=1)
    kind = models.CharField(max_length=12, choices=PostKind.choices, default="rotation")
    seats = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="post_code_unique_in_round"),
            models.CheckConstraint(
                condition=Q(term_years__gte=1, term_years__lte=3), name="post_term_1_to_3"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="post_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class Application(models.Model):
    round = models.ForeignKey(ExchangeRound, on_delete=models.CASCADE, related_name="applications")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="applications")
    home_rank = models.PositiveSmallIntegerField(
        _("posts ranked above staying"),
        null=True,
        blank=True,
        help_text=_("Empty: staying at the current post comes after every ranked post."),
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "teacher"], name="one_application_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.teacher_id}"


class Choice(models.Model):
    """One ranked post in an application, with the teacher's priority score at that post."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="choices")
    post = models.ForeignKey(ExchangePost, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(_("priority points"), null=True, blank=True)

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="choice_rank_unique"),
            models.UniqueConstraint(fields=["application", "post"], name="choice_post_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.rank}:{self.post_id}"


class Placement(models.Model):
    """The result for one applicant: the post received (or none) and why not the better ones."""

    round = models.ForeignKey(ExchangeRound, on_delete=models.CASCADE, related_name="placements")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="placements")
    post = models.ForeignKey(
        ExchangePost, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    choice_rank = models.SmallIntegerField(null=True, blank=True)
    gate = models.SmallIntegerField(
        default=0, help_text=_("0 free to move, 1 held back by a staffing floor, 2 by balance")
    )
    why_not = models.JSONField(default=list, blank=True)
    # the teacher's staff number (never changed once given), copied so that a page of results
    # is one range of the (round, teacher_code) index instead of a sort over the teacher join
    teacher_code = models.CharField(max_length=32, default="", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "teacher"], name="one_placement_per_round")
        ]
        indexes = [models.Index(fields=["round", "teacher_code"], name="placement_round_code")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.teacher_id}->{self.post_id}"


class SchoolChange(models.Model):
    """A teacher's move to another school on a date: the teacher's school history.

    ``Teacher.school`` is the current school; these rows say where the teacher was before, so
    that "still at the school" can be told for a past date (a supported school's retention of
    the teachers its partner trained, ``partnerships.capacity``). Written only by
    ``services.teacher_school_change``, which also moves the teacher."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="school_changes")
    from_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    on = models.DateField(_("date of the move"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)

    class Meta:
        ordering = ["teacher", "on", "pk"]
        indexes = [models.Index(fields=["teacher", "on"], name="school_change_teacher_on")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_school=models.F("to_school")), name="school_change_moves"
            )
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id}: {self.from_school_id}->{self.to_school_id} {self.on}"


class Appointment(models.Model):
    """A teacher also serving another school some lessons a week (multi-school appointment)."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="appointments")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    weekly_hours = models.PositiveSmallIntegerField()
    weekdays = models.CharField(max_length=13, help_text=_("ISO weekdays, e.g. 1,3"))
    distance_km = models.FloatField(null=True, blank=True)
    starts = models.DateField()
    ends = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weekly_hours__gte=1), name="appointment_hours_pos")
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id}@{self.school_id}"


class TrainingProgramme(models.Model):
    area = models.ForeignKey("regions.CooperationArea", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    credit_hours = models.DecimalField(max_digits=6, decimal_places=1)
    capacity = models.PositiveIntegerField(default=100)
    starts = models.DateField()
    ends = models.DateField()

    class Meta:
        ordering = ["-starts", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(credit_hours__gt=0), name="training_credit_pos"),
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="training_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    programme = models.ForeignKey(
        TrainingProgramme, on_delete=models.CASCADE, related_name="enrolments"
    )
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=10, choices=EnrolmentStatus.choices, default="enrolled")
    credit_hours = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "teacher"], name="enrol_once")]

    def __str__(self) -> str:
        return f"{self.teacher_id} in {self.programme_id}"


class VacancyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Vacancy(models.Model):
    """A recruitment post published by a school, visible across its cooperation areas."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    stage = models.CharField(max_length=10, choices=TeachingStage.choices)
    positions = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)
    new_teachers = models.BooleanField(_("for new teachers"), default=False)
    closes = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=VacancyStatus.choices, default="open")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=1), name="vacancy_positions_pos")
        ]

    def __str__(self) -> str:
        return self.title


class CandidacyStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Candidacy(models.Model):
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="candidacies")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidacies"
    )
    statement = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=CandidacyStatus.choices, default="submitted")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "applicant"], name="candidacy_once")
        ]

    def __str__(self) -> str:
        return f"{self.applicant_id} -> {self.vacancy_id}"


class AppointmentPolicy(models.Model):
    """A cooperation area's limits for multi-school appointments between its schools."""

    area = models.OneToOneField(
        "regions.CooperationArea",
        on_delete=models.CASCADE,
        related_name="appointment_policy",
        verbose_name=_("cooperation area"),
    )
    max_weekly_lessons = models.PositiveSmallIntegerField(
        _("most lessons a week over all schools"), default=20
    )
    max_distance_km = models.FloatField(
        _("farthest appointed school (km from the home school)"), default=60.0
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(max_weekly_lessons__gte=1, max_weekly_lessons__lte=40),
                name="appointment_policy_lessons_range",
            ),
            models.CheckConstraint(
                condition=Q(max_distance_km__gt=0, max_distance_km__lte=1000),
                name="appointment_policy_km_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id}: {self.max_weekly_lessons} / {self.max_distance_km} km"
