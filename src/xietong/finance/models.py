"""The regional fund of a cooperation area: a double-entry ledger and the workflows that post to it.

Money is ``Decimal`` with two places and a currency code, never float. Journal entries and their
lines are append-only: a posted entry is corrected only by a reversing entry. Balances are always
computed from lines (there is no stored running balance to lose an update on).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class Programme(models.TextChoices):
    TEACHER_EXCHANGE = "teacher_exchange", _("Teacher exchange")
    TRAINING = "training", _("Training")
    SHARED_RESOURCES = "shared_resources", _("Shared resources")
    JOINT_PROJECT = "joint_project", _("Joint projects")
    OTHER = "other", _("Other")


class Fund(models.Model):
    """The joint education fund of one cooperation area."""

    area = models.OneToOneField(
        "regions.CooperationArea",
        on_delete=models.PROTECT,
        related_name="fund",
        verbose_name=_("cooperation area"),
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    totals_published = models.BooleanField(
        _("totals published"),
        default=False,
        help_text=_("The public sees the fund's totals (never per-member figures) once published."),
    )
    # the number of the last journal entry; the row is locked to number entries one at a time
    last_number = models.PositiveIntegerField(default=0, editable=False)
    # every day up to this one is in a closed period: nothing may be posted dated on or before it
    # (read under the same row lock as ``last_number``)
    closed_through = models.DateField(_("closed through"), null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")

    def __str__(self) -> str:
        return f"{self.area} fund"


class AccountKind(models.TextChoices):
    CASH = "cash", _("Cash")  # asset: the fund's bank accounts (public money, society's money)
    RECEIVABLE = "receivable", _("Due from member")  # asset: what a member owes the fund
    CLEARING = "clearing", _("Settlement clearing")  # member-to-member agreements
    INCOME = "income", _("Income")  # contributions, project shares, donations
    EXPENSE = "expense", _("Expense")  # disbursements to programmes
    # net assets, split as 《民间非营利组织会计制度》(财会〔2004〕7号) splits them: 3101 非限定性净资产
    # (unrestricted) and 3102 限定性净资产 (restricted, one sub-fund per joint project and per
    # earmark of donations)
    NET_ASSETS = "net_assets", _("Net assets")


DEBIT_NORMAL = {AccountKind.CASH, AccountKind.RECEIVABLE, AccountKind.CLEARING, AccountKind.EXPENSE}


class Account(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    code = models.CharField(_("code"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    member = models.ForeignKey(
        "regions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_accounts",
        verbose_name=_("member"),
    )
    programme = models.CharField(
        _("programme"), max_length=30, choices=Programme.choices, blank=True
    )
    is_society = models.BooleanField(
        _("society's money"), default=False, help_text=_("Donations, kept apart from public money.")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["fund", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="finance_account_code_unique"),
            models.CheckConstraint(
                condition=~Q(kind__in=["receivable", "clearing"]) | Q(member__isnull=False),
                name="finance_member_account_has_member",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class EntryKind(models.TextChoices):
    CALL = "call", _("Call for payment")
    RECEIPT = "receipt", _("Receipt")
    DISBURSEMENT = "disbursement", _("Disbursement")
    DONATION = "donation", _("Donation")
    SETTLEMENT = "settlement", _("Settlement")
    TRANSFER = "transfer", _("Settlement transfer")
    MANUAL = "manual", _("Manual entry")
    REVERSAL = "reversal", _("Reversal")
    RELEASE = "release", _("Release of a restriction")
    CLOSING = "closing", _("Closing of a period")
    OPENING = "opening", _("Restricted funds brought forward")


class JournalEntry(models.Model):
    """One balanced posting. Immutable once written (DB triggers and ``save`` refuse changes)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("number"))
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    total_debit = models.DecimalField(**MONEY)
    total_credit = models.DecimalField(**MONEY)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["fund", "number"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="finance_entry_number_unique"),
            models.CheckConstraint(
                condition=Q(total_debit=F("total_credit")) & Q(total_debit__gt=0),
                name="finance_entry_balances",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.memo}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("posted journal entries are immutable; post a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("posted journal entries are immutable; post a reversing entry")


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    debit = models.DecimalField(_("debit"), default=0, **MONEY)
    credit = models.DecimalField(_("credit"), default=0, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    memo = models.CharField(_("memo"), max_length=300, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(debit=0) & Q(credit__gt=0)),
                name="finance_line_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} D{self.debit} C{self.credit}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("posted journal lines are immutable; post a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("posted journal lines are immutable; post a reversing entry")


# ---- contribution rounds and joint projects ------------------------------------------------


class Criterion(models.TextChoices):
    STUDENTS = "students", _("Students")
    POPULATION = "population", _("Population")
    GDP = "gdp", _("GDP")
    FISCAL_REVENUE = "fiscal_revenue", _("Fiscal revenue")
    EQUAL = "equal", _("Equal shares")


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FROZEN = "frozen", _("Rule frozen, awaiting approval")
    CALLED = "called", _("Called for payment")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed, restriction released")


class ContributionRound(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total"), **MONEY)
    mix = models.JSONField(_("rule"), help_text=_("Criterion -> share, e.g. 40/30/30."))
    floors = models.JSONField(default=dict, blank=True)  # member code -> yuan string
    caps = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Stage.choices, default=Stage.DRAFT)
    frozen_rule = models.JSONField(null=True, blank=True)  # rule + weights as frozen
    # how the shares were computed: codes and numbers (finance.explain renders them)
    explanation = models.JSONField(default=dict, blank=True)
    # contributions earmarked for a joint project go to its restricted fund
    project = models.ForeignKey(
        "JointProject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("earmarked for the joint project"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="finance_round_pos")]

    def __str__(self) -> str:
        return self.title


class RoundWeight(models.Model):
    round = models.ForeignKey(ContributionRound, on_delete=models.CASCADE, related_name="weights")
    member = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    criterion = models.CharField(max_length=20, choices=Criterion.choices)
    value = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        ordering = ["round", "member", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "criterion"], name="finance_round_weight_unique"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="finance_weight_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.criterion}={self.value}"


class ProjectRule(models.TextChoices):
    SHAPLEY = "shapley", _("Shapley value of entered coalition costs")
    AIRPORT = "airport", _("Shapley value of an airport game (cost classes)")
    PROPORTIONAL = "proportional", _("Proportional to weights")


class JointProject(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    programme = models.CharField(max_length=30, choices=Programme.choices)
    rule = models.CharField(max_length=20, choices=ProjectRule.choices)
    participants = models.JSONField()  # member codes, in order (bit i = participants[i])
    inputs = models.JSONField()  # coalition costs / cost classes / weights, as entered
    total = models.DecimalField(_("total cost"), **MONEY)
    status = models.CharField(max_length=10, choices=Stage.choices, default=Stage.DRAFT)
    explanation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class Charge(models.Model):
    """What one member owes the fund under a contribution round or a joint project."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="charges")
    member = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(
        ContributionRound, on_delete=models.PROTECT, null=True, blank=True, related_name="charges"
    )
    project = models.ForeignKey(
        JointProject, on_delete=models.PROTECT, null=True, blank=True, related_name="charges"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    explanation = models.JSONField(default=dict, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    call_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["fund", "member"]
        constraints = [
            models.CheckConstraint(
                condition=Q(round__isnull=False, project__isnull=True)
                | Q(round__isnull=True, project__isnull=False),
                name="finance_charge_one_source",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="finance_charge_nonneg"),
            models.UniqueConstraint(fields=["round", "member"], name="finance_charge_round_uniq"),
            models.UniqueConstraint(
                fields=["project", "member"], name="finance_charge_project_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.amount}"


class Payment(models.Model):
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(**MONEY)
    date = models.DateField()
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payment")

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_pay_pos")]

    # ---- reciprocal agreements and settlement -------------------------------------------------

    def __str__(self) -> str:
        return f"{self.charge_id}: {self.amount}"


class AgreementKind(models.TextChoices):
    TUITION = "tuition", _("Students of the payer enrolled with the payee (fee per student)")
    SECONDMENT = "secondment", _("Seconded teachers' salary top-ups (paid by the sending side)")


class Agreement(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="agreements")
    kind = models.CharField(max_length=12, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    payer = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    rates = models.JSONField(help_text=_("Stage -> amount per person per period (yuan)."))
    payer_approved_at = models.DateTimeField(null=True, blank=True)
    payee_approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(payer=F("payee")), name="finance_agreement_two")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return bool(self.payer_approved_at and self.payee_approved_at)


class SettlementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting approval")
    APPROVED = "approved", _("Approved and posted")
    SETTLED = "settled", _("All transfers paid")


class Settlement(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="settlements")
    period = models.CharField(_("period"), max_length=20)
    status = models.CharField(
        max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.PROPOSED
    )
    method = models.CharField(max_length=10)
    optimal = models.BooleanField(default=False)
    gross_total = models.DecimalField(**MONEY)
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"settlement {self.pk} ({self.period})"


class FlowRecord(models.Model):
    """Counts behind an agreement in one period (students enrolled, teachers seconded)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="flows")
    period = models.CharField(_("period"), max_length=20)
    stage = models.CharField(_("stage"), max_length=20)
    count = models.PositiveIntegerField(_("count"))
    rate = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, null=True, blank=True, related_name="flows"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agreement", "period", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period", "stage"], name="finance_flow_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.period} {self.stage}: {self.count}"


class SettlementPosition(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="positions")
    member = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    owes = models.DecimalField(**MONEY)  # gross obligations as payer
    owed = models.DecimalField(**MONEY)  # gross obligations as payee
    net = models.DecimalField(**MONEY)  # owed - owes (positive: receives money)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["settlement", "member"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "member"], name="finance_position_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.net}"


class SettlementTransfer(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="transfers")
    payer = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY)
    paid_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["settlement", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_xfer_pos")]

    # ---- disbursements and society's money ----------------------------------------------------

    def __str__(self) -> str:
        return f"{self.payer_id} -> {self.payee_id}: {self.amount}"


class DonorKind(models.TextChoices):
    COMPANY = "company", _("Company")
    FOUNDATION = "foundation", _("Foundation")
    INDIVIDUAL = "individual", _("Individual")
    OTHER = "other", _("Other")


class Donor(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donors")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=12, choices=DonorKind.choices)
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Shown as 'anonymous donor' on pages.")
    )

    class Meta:
        ordering = ["fund", "name"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "name"], name="finance_donor_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Donation(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    amount = models.DecimalField(**MONEY)
    date = models.DateField()
    earmark = models.CharField(
        _("earmarked for"), max_length=30, choices=Programme.choices, blank=True
    )
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="donation")
    # the cooperation (partnerships) the donor earmarked the money for, with a programme earmark
    cooperation = models.ForeignKey(
        "partnerships.Cooperation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("earmarked for the cooperation"),
    )

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_don_pos"),
            # a donation for a cooperation is restricted money: it has a programme earmark
            models.CheckConstraint(
                condition=Q(cooperation__isnull=True) | ~Q(earmark=""),
                name="finance_don_coop_earmarked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor_id}: {self.amount}"


class Disbursement(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="disbursements")
    programme = models.CharField(max_length=30, choices=Programme.choices)
    # the item of the government functional classification (finance.classification), e.g.
    # 2050202 primary education
    function_code = models.CharField(_("functional classification"), max_length=7)
    label = models.CharField(_("label"), max_length=200)
    amount = models.DecimalField(**MONEY)
    date = models.DateField()
    beneficiary = models.ForeignKey(
        "regions.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_society = models.BooleanField(default=False)
    project = models.ForeignKey(
        JointProject, on_delete=models.PROTECT, null=True, blank=True, related_name="spending"
    )
    # the programme in another module that the money paid for, where that module exists
    exchange_round = models.ForeignKey(
        "talent.ExchangeRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("teacher exchange round"),
    )
    training_programme = models.ForeignKey(
        "talent.TrainingProgramme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("training programme"),
    )
    # the cooperation between schools (partnerships) the money funds; a party of it is in the
    # beneficiary member (or, without a beneficiary, in one of the fund's members)
    cooperation = models.ForeignKey(
        "partnerships.Cooperation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cooperation funded"),
    )
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="disbursement"
    )

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_dis_pos"),
            models.CheckConstraint(
                condition=Q(exchange_round__isnull=True) | Q(training_programme__isnull=True),
                name="finance_dis_one_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.amount}"


class AccountingPeriod(models.Model):
    """A closed accounting period of a fund (a year, half, quarter or month).

    Closing is cumulative: once a period is closed, nothing may be posted dated in it or before
    it, so every statement of it (and of any earlier period) stays as it was."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="periods")
    period = models.CharField(_("period"), max_length=20)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    closing_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["fund", "date_to"]
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.UniqueConstraint(fields=["fund", "period"], name="finance_period_unique"),
            models.CheckConstraint(
                condition=Q(date_from__lte=F("date_to")), name="finance_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.period}"
