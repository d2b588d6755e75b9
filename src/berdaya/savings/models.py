"""Pengelolaan: the community's own money, kept as double-entry books.

A `Book` is the set of accounts of one savings group, one joint business (KUBE)
or one community fund. Every movement of money is a `Transaction` of balanced
`Entry` legs in whole Rupiah; the books the officers keep (cash book, passbooks,
the seven KUBE books) are views of these entries.

The ledger is append-only. A mistake is corrected by a reversal that points to
the original; nothing is edited or deleted. The database refuses updates (and on
PostgreSQL deletes) of transactions and entries, and on PostgreSQL a deferred
constraint trigger refuses, at commit, any transaction whose debits and credits
differ (see migrations 0002). `ledger.transaction_post` checks the same rules
first, so SQLite gets them too.

Every inflow carries its *origin* (internal: the community's own money; external:
from outside, with the giver from `partnerships.Stakeholder`) and, for external
money, whether it was direct aid or capacity building (seed 002): the dependency
ratio is read from these columns.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berdaya.core.access import Scope
from berdaya.core.errors import BerdayaError


class AppendOnly(BerdayaError):
    """Raised when code tries to change or remove a ledger row (use a reversal)."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly(_("The books are append-only: correct a mistake with a reversal."))

    def delete(self):
        raise AppendOnly(_("The books are append-only: correct a mistake with a reversal."))


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(_("The books are append-only: correct a mistake with a reversal."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(_("The books are append-only: correct a mistake with a reversal."))


class Book(models.Model):
    """The accounts of one savings group, KUBE or community fund."""

    class Kind(models.TextChoices):
        SAVINGS = "savings", _("Savings group")
        KUBE = "kube", _("Joint business (KUBE)")
        FUND = "fund", _("Community fund")

    class Purpose(models.TextChoices):
        GENERAL = "general", _("General")
        TRANSPORT = "transport", _("Transport")
        SEED_BANK = "seed_bank", _("Seed bank")
        LUMBUNG = "lumbung", _("Village granary (lumbung)")
        INFRASTRUCTURE = "infrastructure", _("Village infrastructure")

    organisation = models.ForeignKey(
        "organisations.Organisation", models.PROTECT, related_name="books"
    )
    village = models.ForeignKey("areas.Village", models.PROTECT, related_name="books")
    programme = models.ForeignKey(
        "programmes.Programme", models.SET_NULL, null=True, blank=True, related_name="books"
    )
    group = models.ForeignKey(
        "groups.Group", models.PROTECT, null=True, blank=True, related_name="books"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.GENERAL
    )
    name = models.CharField(_("name"), max_length=200)
    managed_by = models.CharField(_("managed by"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="organisation_id", village="village_id")

    class Meta:
        ordering = ["village_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind"],
                condition=Q(group__isnull=False),
                name="book_one_per_group_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="fund") | Q(group__isnull=False),
                name="book_group_unless_fund",
            ),
        ]
        verbose_name = _("book")
        verbose_name_plural = _("books")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.organisation_id}


class Account(models.Model):
    """One account of a book; `balance` is debit minus credit, kept with every entry."""

    class Type(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        EQUITY = "equity", _("Equity")
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    book = models.ForeignKey(Book, models.PROTECT, related_name="accounts")
    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    member = models.ForeignKey(
        "groups.GroupMember", models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    # Stored running balance (debit - credit), changed only by ledger.transaction_post
    # under the book's lock, in the same database transaction as its entries.
    balance = models.BigIntegerField(default=0)

    access_scope = Scope(organisation="book__organisation_id", village="book__village_id")

    class Meta:
        ordering = ["book_id", "code", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "code"],
                condition=Q(member__isnull=True),
                name="account_code_unique_in_book",
            ),
            models.UniqueConstraint(
                fields=["book", "code", "member"],
                condition=Q(member__isnull=False),
                name="account_code_unique_per_member",
            ),
        ]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.name

    @property
    def normal_balance(self) -> int:
        """The balance on the account's natural side (credit for equity, income, liability)."""
        if self.type in (self.Type.ASSET, self.Type.EXPENSE):
            return self.balance
        return -self.balance

    def get_additional_data(self) -> dict:
        return {"organisation": self.book.organisation_id}


class Cycle(models.Model):
    """A savings group's cycle (8-12 months), from its first meeting to its share-out."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed (shared out)")

    book = models.ForeignKey(Book, models.PROTECT, related_name="cycles")
    number = models.PositiveSmallIntegerField(_("cycle"))
    started_on = models.DateField(_("started on"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="book__organisation_id", village="book__village_id")

    class Meta:
        ordering = ["book_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="cycle_number_unique"),
            models.UniqueConstraint(
                fields=["book"], condition=Q(status="open"), name="cycle_one_open_per_book"
            ),
        ]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")

    def __str__(self) -> str:
        return f"{self.book} · {self.number}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.book.organisation_id}


class Constitution(models.Model):
    """The group's rules for one cycle. Never edited: a change is a new version."""

    class Charge(models.TextChoices):
        FLAT = "flat", _("Flat (on the original amount)")
        DECLINING = "declining", _("Declining (on what is still owed)")

    class Residue(models.TextChoices):
        LARGEST_REMAINDER = (
            "largest_remainder",
            _("Give the leftover rupiah one by one to the largest fractions"),
        )
        SOCIAL_FUND = "social_fund", _("Put the leftover rupiah into the social fund")
        NEXT_CYCLE = "next_cycle", _("Keep the leftover rupiah in the group for the next cycle")

    cycle = models.ForeignKey(Cycle, models.PROTECT, related_name="constitutions")
    version = models.PositiveSmallIntegerField()
    adopted_on = models.DateField(_("adopted on"))
    reason = models.TextField(_("why it changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    share_price = models.PositiveIntegerField(_("share price (Rp)"))
    max_shares = models.PositiveSmallIntegerField(_("most shares per meeting"), default=5)
    social_fund_amount = models.PositiveIntegerField(_("social fund per meeting (Rp)"), default=0)
    social_fund_purposes = models.TextField(_("what the social fund may pay for"), blank=True)
    loan_multiple = models.PositiveSmallIntegerField(_("loan limit (times own savings)"), default=3)
    max_term_months = models.PositiveSmallIntegerField(_("longest loan term (months)"), default=3)
    charge_method = models.CharField(
        _("service charge"), max_length=9, choices=Charge.choices, default=Charge.FLAT
    )
    # Hundredths of a percent per month: 120 is 1.20 % a month.
    monthly_rate_bp = models.PositiveSmallIntegerField(_("monthly rate (1/100 %)"), default=200)
    guarantors_required = models.PositiveSmallIntegerField(_("guarantors per loan"), default=0)
    joint_liability = models.BooleanField(_("joint liability (tanggung renteng)"), default=False)
    fine_absence = models.PositiveIntegerField(_("fine for absence (Rp)"), default=0)
    fine_late = models.PositiveIntegerField(_("fine for lateness (Rp)"), default=0)
    cycle_months = models.PositiveSmallIntegerField(_("cycle length (months)"), default=12)
    social_fund_shared_out = models.BooleanField(_("share out the social fund too"), default=False)
    loans_may_carry = models.BooleanField(
        _("outstanding loans are netted from the payout at share-out"), default=False
    )
    residue_rule = models.CharField(
        _("leftover rupiah at share-out"),
        max_length=17,
        choices=Residue.choices,
        default=Residue.LARGEST_REMAINDER,
    )

    access_scope = Scope(
        organisation="cycle__book__organisation_id", village="cycle__book__village_id"
    )

    class Meta:
        ordering = ["cycle_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="constitution_version"),
            models.CheckConstraint(condition=Q(share_price__gt=0), name="constitution_price"),
            models.CheckConstraint(
                condition=Q(max_shares__gte=1, max_shares__lte=5), name="constitution_shares"
            ),
            models.CheckConstraint(
                condition=Q(cycle_months__gte=8, cycle_months__lte=12),
                name="constitution_cycle_months",
            ),
            models.CheckConstraint(
                condition=Q(max_term_months__gte=1, max_term_months__lte=12),
                name="constitution_term",
            ),
            models.CheckConstraint(
                condition=Q(loan_multiple__gte=1, loan_multiple__lte=10),
                name="constitution_loan_multiple",
            ),
            models.CheckConstraint(
                condition=Q(monthly_rate_bp__lte=1000), name="constitution_rate_at_most_10pct"
            ),
        ]
        verbose_name = _("constitution")
        verbose_name_plural = _("constitutions")

    def __str__(self) -> str:
        return f"{self.cycle} v{self.version}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.cycle.book.organisation_id}


class Meeting(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed (cash counted)")

    cycle = models.ForeignKey(Cycle, models.PROTECT, related_name="meetings")
    number = models.PositiveSmallIntegerField(_("meeting"))
    held_on = models.DateField(_("held on"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    recorded_with = models.ForeignKey(
        "groups.GroupMember",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer who kept the records"),
    )
    expected_cash = models.BigIntegerField(null=True, blank=True)
    counted_cash = models.BigIntegerField(_("cash counted in the box"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    access_scope = Scope(
        organisation="cycle__book__organisation_id", village="cycle__book__village_id"
    )

    class Meta:
        ordering = ["cycle_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="meeting_number_unique"),
            models.CheckConstraint(
                condition=Q(counted_cash__isnull=True) | Q(counted_cash__gte=0),
                name="meeting_counted_cash_not_negative",
            ),
        ]
        verbose_name = _("savings meeting")
        verbose_name_plural = _("savings meetings")

    def __str__(self) -> str:
        return f"{self.cycle} #{self.number}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.cycle.book.organisation_id}


class MeetingAttendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("In person")
        REPRESENTED = "represented", _("By a representative")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    member = models.ForeignKey("groups.GroupMember", models.PROTECT, related_name="+")
    status = models.CharField(max_length=11, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="savings_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.member_id} · {self.status}"


class Transaction(AppendOnlyModel):
    """One balanced movement of money (or of goods valued in Rupiah)."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balances")
        SHARES = "shares", _("Shares bought")
        SOCIAL_FUND = "social_fund", _("Social fund paid")
        SOCIAL_PAYOUT = "social_payout", _("Social fund grant")
        LOAN = "loan", _("Loan disbursed")
        REPAYMENT = "repayment", _("Loan repayment")
        FINE = "fine", _("Fine")
        EXPENSE = "expense", _("Expense")
        WRITE_OFF = "write_off", _("Loan written off")
        SHARE_OUT = "share_out", _("Share-out")
        CONTRIBUTION = "contribution", _("Contribution received")
        IN_KIND = "in_kind", _("Goods in kind received")
        CAPITAL = "capital", _("Capital paid in")
        BORROWING = "borrowing", _("Loan received by the group")
        SALE = "sale", _("Sale")
        PURCHASE = "purchase", _("Purchase of stock")
        ALLOCATION = "allocation", _("Profit allocated")
        ASSET = "asset", _("Asset acquired")
        ISSUE = "issue", _("Goods given out")
        REVERSAL = "reversal", _("Reversal")

    class Origin(models.TextChoices):
        INTERNAL = "internal", _("From inside the community")
        EXTERNAL = "external", _("From outside")

    class Aid(models.TextChoices):
        DIRECT = "direct", _("Direct aid (emergency, temporary)")
        CAPACITY = "capacity", _("Capacity building")

    book = models.ForeignKey(Book, models.PROTECT, related_name="transactions")
    cycle = models.ForeignKey(
        Cycle, models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    meeting = models.ForeignKey(
        Meeting, models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    member = models.ForeignKey(
        "groups.GroupMember", models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    loan = models.ForeignKey(
        "Loan", models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    kind = models.CharField(_("kind"), max_length=13, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    memo = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100)
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # Where the money came from (only for inflows); the dependency ratio reads these.
    origin = models.CharField(_("source"), max_length=8, choices=Origin.choices, blank=True)
    stakeholder = models.ForeignKey(
        "partnerships.Stakeholder", models.PROTECT, null=True, blank=True, related_name="+"
    )
    aid = models.CharField(_("kind of help"), max_length=8, choices=Aid.choices, blank=True)
    inflow = models.BigIntegerField(default=0)  # new money (or goods' value) it brought in
    in_kind = models.BooleanField(default=False)
    shares = models.PositiveSmallIntegerField(null=True, blank=True)  # for kind=shares
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    access_scope = Scope(organisation="book__organisation_id", village="book__village_id")

    class Meta:
        ordering = ["book_id", "pk"]
        indexes = [
            models.Index(fields=["book", "occurred_on"], name="savings_tx_book_date"),
            models.Index(fields=["member", "id"], name="savings_tx_member"),
            models.Index(fields=["cycle", "kind"], name="savings_tx_cycle_kind"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["book", "idempotency_key"], name="tx_idempotent"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="tx_reversal_points_to_original",
            ),
            models.CheckConstraint(
                condition=~Q(origin="external") | Q(stakeholder__isnull=False),
                name="tx_external_names_its_giver",
            ),
            models.CheckConstraint(
                condition=Q(aid="") | Q(origin="external"), name="tx_aid_only_external"
            ),
            models.CheckConstraint(
                condition=Q(inflow__gte=0) | Q(reverses__isnull=False),
                name="tx_inflow_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(inflow=0) | ~Q(origin=""), name="tx_inflow_has_origin"
            ),
        ]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Entry(AppendOnlyModel):
    """One leg of a transaction: exactly one of debit or credit, a positive whole Rupiah."""

    transaction = models.ForeignKey(Transaction, models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, models.PROTECT, related_name="entries")
    debit = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)
    balance_after = models.BigIntegerField()  # the account's balance after this entry

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["account", "id"], name="savings_entry_account")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="entry_one_side_positive",
            ),
        ]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")

    def __str__(self) -> str:
        return f"{self.account_id} D{self.debit} C{self.credit}"


class Loan(models.Model):
    """A loan from the group's fund to a member; its schedule versions keep every change."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REPAID = "repaid", _("Repaid")
        WRITTEN_OFF = "written_off", _("Written off")
        CANCELLED = "cancelled", _("Cancelled (disbursement reversed)")

    cycle = models.ForeignKey(Cycle, models.PROTECT, related_name="loans")
    member = models.ForeignKey("groups.GroupMember", models.PROTECT, related_name="loans")
    principal = models.PositiveBigIntegerField(_("amount (Rp)"))
    disbursed_on = models.DateField(_("disbursed on"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    charge_method = models.CharField(max_length=9, choices=Constitution.Charge.choices)
    monthly_rate_bp = models.PositiveSmallIntegerField()
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    guarantors = models.ManyToManyField("groups.GroupMember", blank=True, related_name="+")
    joint_liability = models.BooleanField(default=False)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.ACTIVE)

    access_scope = Scope(
        organisation="cycle__book__organisation_id", village="cycle__book__village_id"
    )

    class Meta:
        ordering = ["cycle_id", "disbursed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(
                condition=Q(term_months__gte=1, term_months__lte=24), name="loan_term_range"
            ),
        ]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return f"{self.member_id} · Rp{self.principal}"

    def get_additional_data(self) -> dict:
        return {"organisation": self.cycle.book.organisation_id}


class LoanSchedule(AppendOnlyModel):
    """One version of a loan's schedule; rescheduling adds a version, the old one stays."""

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="schedules")
    version = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True)
    starts_on = models.DateField()
    # Principal and charges paid before this version was made: the new version
    # schedules only what was still owed.
    paid_before = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["loan_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "version"], name="schedule_version"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} v{self.version}"


class Instalment(AppendOnlyModel):
    schedule = models.ForeignKey(LoanSchedule, models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    principal = models.BigIntegerField()
    charge = models.BigIntegerField()

    class Meta:
        ordering = ["schedule_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="instalment_number"),
            models.CheckConstraint(
                condition=Q(principal__gte=0, charge__gte=0), name="instalment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} #{self.number} {self.due_on}"


class StockItem(models.Model):
    """Goods a book holds in kind: a KUBE's stock, a seed bank's seed, a lumbung's grain."""

    book = models.ForeignKey(Book, models.PROTECT, related_name="stock_items")
    name = models.CharField(_("item"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20)

    access_scope = Scope(organisation="book__organisation_id", village="book__village_id")

    class Meta:
        ordering = ["book_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["book", "name"], name="stock_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def get_additional_data(self) -> dict:
        return {"organisation": self.book.organisation_id}


class StockMovement(AppendOnlyModel):
    """Quantity in (positive) or out (negative), with the transaction that valued it."""

    item = models.ForeignKey(StockItem, models.PROTECT, related_name="movements")
    transaction = models.ForeignKey(
        Transaction, models.PROTECT, null=True, blank=True, related_name="movements"
    )
    occurred_on = models.DateField()
    quantity = models.BigIntegerField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["item_id", "occurred_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.quantity:+d}"


class Asset(models.Model):
    """A community asset (a boat, a tractor, a granary building) and who manages it."""

    book = models.ForeignKey(Book, models.PROTECT, related_name="assets")
    name = models.CharField(_("asset"), max_length=200)
    value = models.PositiveBigIntegerField(_("value (Rp)"))
    acquired_on = models.DateField(_("acquired on"))
    managed_by = models.CharField(_("managed by"), max_length=200)
    transaction = models.OneToOneField(Transaction, models.PROTECT, related_name="asset")

    access_scope = Scope(organisation="book__organisation_id", village="book__village_id")

    class Meta:
        ordering = ["book_id", "acquired_on", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"organisation": self.book.organisation_id}
