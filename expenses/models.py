from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from households.models import HouseholdOwned, HouseholdQuerySet
from households.money import DECIMAL_PLACES, MAX_AMOUNT, MAX_DIGITS

DEFAULT_CATEGORIES = [
    ("Groceries", "#2e7d32"),
    ("Dining", "#ef6c00"),
    ("Housing", "#5d4037"),
    ("Utilities", "#0277bd"),
    ("Transport", "#6a1b9a"),
    ("Health", "#c62828"),
    ("Education", "#283593"),
    ("Shopping", "#ad1457"),
    ("Entertainment", "#00838f"),
    ("Travel", "#00695c"),
    ("Gifts", "#d81b60"),
    ("Personal care", "#8e24aa"),
    ("Kids", "#f9a825"),
    ("Other", "#546e7a"),
]


class Category(HouseholdOwned):
    """What an expense is for. A category an occasion's template made (the wedding's Venue,
    Attire …) names that `occasion`: the pickers offer it only for that occasion's expenses (and
    to an expense that has it already). SET_NULL: when the occasion goes, the category stays, for
    every expense."""

    name = models.CharField(max_length=60)
    colour = models.CharField(max_length=7, default="#546e7a")
    archived = models.BooleanField(default=False)
    occasion = models.ForeignKey(
        "Occasion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="template_categories",
        help_text="Set when an occasion's template made it: offered only for that occasion.",
    )

    history = HistoricalRecords(excluded_fields=["household", "created_at", "updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint("household", Lower("name"), name="category_unique_name_per_household"),
        ]
        indexes = [models.Index(fields=["household", "archived"])]

    def __str__(self) -> str:
        return self.name


class ExpenseStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PAID = "paid", "Paid"


class Source(models.TextChoices):
    MANUAL = "manual", "Typed in"
    CHAT = "chat", "Chat"
    RECURRING = "recurring", "Recurring"
    IMPORT = "import", "Import"


class Stage(models.TextChoices):
    """The gift board's columns, and the one rule between a stage and an expense's status:
    Idea and To buy are planned, Bought and Given are paid."""

    IDEA = "idea", "Idea"
    TO_BUY = "to_buy", "To buy"
    BOUGHT = "bought", "Bought"
    GIVEN = "given", "Given"

    @classmethod
    def paid_stages(cls) -> list[str]:
        return [cls.BOUGHT.value, cls.GIVEN.value]

    @classmethod
    def planned_stages(cls) -> list[str]:
        return [cls.IDEA.value, cls.TO_BUY.value]

    @classmethod
    def counts_as_paid(cls, stage: str) -> bool:
        return stage in cls.paid_stages()

    @classmethod
    def status_for(cls, stage: str) -> str:
        """The status an item on the board has in its stage."""
        return ExpenseStatus.PAID if cls.counts_as_paid(stage) else ExpenseStatus.PLANNED

    @classmethod
    def for_status(cls, status: str) -> str:
        """The stage an item without one shows in: paid is Bought, planned is To buy."""
        return cls.BOUGHT.value if status == ExpenseStatus.PAID else cls.TO_BUY.value

    @classmethod
    def column(cls) -> models.Case:
        """`moved_to` in SQL: the board column of an item, from its stage and status."""
        return models.Case(
            models.When(status=ExpenseStatus.PAID, stage__in=cls.paid_stages(), then=models.F("stage")),
            models.When(status=ExpenseStatus.PLANNED, stage__in=cls.planned_stages(), then=models.F("stage")),
            models.When(status=ExpenseStatus.PAID, then=models.Value(cls.BOUGHT.value)),
            default=models.Value(cls.TO_BUY.value),
            output_field=models.CharField(),
        )

    @classmethod
    def moved_to(cls, stage: str, status: str) -> str:
        """The stage after an item's status changed: kept while it agrees (or the item is not on a
        board), else the status's stage."""
        if not stage or cls.status_for(stage) == status:
            return stage
        return cls.for_status(status)


class Recipient(HouseholdOwned):
    """A person gifts are for, reused across occasions: a dimension of the ledger, like a category.

    The table keeps the name it was created with (the model moved here without moving data)."""

    name = models.CharField(max_length=80)
    relationship = models.CharField(max_length=80, blank=True)

    class Meta:
        db_table = "budgets_recipient"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["household", "name"], name="recipient_unique_name_per_household")
        ]

    def __str__(self) -> str:
        return self.name


class Occasion(HouseholdOwned):
    """A wedding, a festival, a trip: a dimension of the ledger its items are tagged with. Its pages
    and its budgets live in the budgets app. The table keeps its first name, as Recipient's."""

    class Kind(models.TextChoices):
        BIRTHDAY = "birthday", "Birthday"
        FESTIVAL = "festival", "Festival"
        WEDDING = "wedding", "Wedding"
        TRIP = "trip", "Trip"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    date = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        db_table = "budgets_occasion"
        ordering = ["date", "name"]
        indexes = [models.Index(fields=["household", "date"], name="occasion_by_date")]

    def __str__(self) -> str:
        return self.name


# An amount column; households.money has the rule every amount follows (MAX_AMOUNT fits it).
money_field = partial(models.DecimalField, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)


def overdue_q(today: date) -> models.Q:
    """Overdue: planned, with a due date before today. `Expense.is_overdue` says it of one row."""
    return models.Q(status=ExpenseStatus.PLANNED, due_date__lt=today)


def due_soon_q(today: date, days: int) -> models.Q:
    """Due soon: planned, due from today to `days` ahead (both included)."""
    return models.Q(
        status=ExpenseStatus.PLANNED, due_date__gte=today, due_date__lte=today + timedelta(days=days)
    )


class ExpenseQuerySet(HouseholdQuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def in_trash(self):
        return self.filter(deleted_at__isnull=False)

    def paid(self):
        return self.filter(status=ExpenseStatus.PAID)

    def planned(self):
        return self.filter(status=ExpenseStatus.PLANNED)

    def in_period(self, start: date | None, end: date | None):
        """Expenses dated from `start` to `end`, both included (either may be open)."""
        qs = self
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        return qs

    def overdue(self, today: date):
        return self.filter(overdue_q(today))

    def due_soon(self, today: date, days: int):
        return self.filter(due_soon_q(today, days))


class Expense(HouseholdOwned):
    """What the household spent or plans to spend.

    Its links never take it away: `category` is PROTECT (a category is archived, never deleted
    while used; a merge moves its expenses first); `paid_by`/`logged_by` are SET_NULL, though the
    app never deletes a user row (`account_delete` keeps it, shown as "former member");
    `occasion`/`recipient` are SET_NULL (deleting an occasion detaches its items, with history).
    """

    amount = money_field()
    currency = models.CharField(max_length=3)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="expenses")
    description = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    status = models.CharField(max_length=8, choices=ExpenseStatus.choices, default=ExpenseStatus.PAID)
    due_date = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    deleted_at = models.DateTimeField(null=True, blank=True)
    occasion = models.ForeignKey(
        Occasion, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    recipient = models.ForeignKey(
        Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    stage = models.CharField(max_length=8, choices=Stage.choices, blank=True)

    history = HistoricalRecords(excluded_fields=["household", "created_at", "updated_at"])
    objects = ExpenseQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0) & models.Q(amount__lte=MAX_AMOUNT),
                name="expense_amount_positive_and_sane",
            ),
        ]
        indexes = [
            models.Index(
                fields=["household", "-date", "-created_at"],
                condition=models.Q(deleted_at__isnull=True),
                name="expense_alive_by_date",
            ),
            # Covers the period sums (dashboard, meters): an index-only range scan by date.
            models.Index(
                fields=["household", "date", "status", "amount"],
                condition=models.Q(deleted_at__isnull=True),
                name="expense_alive_amounts",
            ),
            models.Index(fields=["household", "category", "date"], name="expense_category_date"),
            models.Index(fields=["household", "paid_by", "date"], name="expense_member_date"),
            models.Index(fields=["household", "status", "due_date"], name="expense_status_due"),
            models.Index(fields=["household", "deleted_at"], name="expense_trash"),
            models.Index(fields=["household", "occasion", "stage"], name="expense_occasion"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} · {self.description or self.category}"

    def is_overdue(self, today: date) -> bool:
        """`overdue_q` for one expense."""
        return self.status == ExpenseStatus.PLANNED and self.due_date is not None and self.due_date < today


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    WEEKLY = "weekly", "Weekly"
    YEARLY = "yearly", "Yearly"


class RecurringRule(HouseholdOwned):
    """A template that makes a draft on every occurrence of its cadence.

    `category` is PROTECT (a merge moves rules first); `paid_by`/`created_by` SET_NULL (a
    departed payer makes drafts that ask who paid).
    """

    amount = money_field()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cadence = models.CharField(max_length=8, choices=Cadence.choices, default=Cadence.MONTHLY)
    day_of_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1–31; 31 means the last day of shorter months."
    )
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 = Monday … 6 = Sunday")
    month = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1–12, for yearly rules")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["description"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="rule_amount_positive"),
        ]
        indexes = [models.Index(fields=["household", "paused"])]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_cadence_display().lower()})"


class ImportBatch(HouseholdOwned):
    """One uploaded bank-statement file, mapped and turned into drafts."""

    class State(models.TextChoices):
        MAPPING = "mapping", "Waiting for column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file_name = models.CharField(max_length=200)
    content = models.TextField()
    mapping = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.MAPPING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    draft_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row": 12, "reason": "..."}]
    # Rows that are not expenses (income, transfers, settle-ups …): [{"row", "reason", "amount"}]
    skipped = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class DraftState(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    DISCARDED = "discarded", "Discarded"


class ExpenseDraft(HouseholdOwned):
    """What the chat, a recurring rule or an import proposes. Never counts in any total.

    Every link is SET_NULL: a draft outlives its category (then it asks for one), its payer, the
    expense it became or duplicates (purged from the trash), its rule (`rule_delete` keeps the
    drafts), its chat message and its import batch (an operator may delete a batch's file).
    """

    raw_text = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CHAT)
    amount = money_field(null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    description = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ExpenseStatus.choices, default=ExpenseStatus.PAID)
    due_date = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    problems = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=DraftState.choices, default=DraftState.PENDING)
    expense = models.OneToOneField(
        Expense, on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rule = models.ForeignKey(
        RecurringRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts"
    )
    occurrence_date = models.DateField(null=True, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts"
    )
    import_row = models.PositiveIntegerField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        Expense, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chat_message = models.ForeignKey(
        "ChatMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts"
    )
    # What the parser first proposed ({"category": pk, "description": …, "paid_by": pk}), so a
    # confirm can tell what the member corrected; empty for drafts no parser wrote.
    proposed = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "occurrence_date"],
                condition=models.Q(rule__isnull=False),
                name="draft_one_per_rule_occurrence",
            ),
        ]
        indexes = [models.Index(fields=["household", "state", "created_at"], name="draft_inbox")]

    def __str__(self) -> str:
        return f"Draft: {self.description or self.raw_text[:40]}"

    @property
    def is_pending(self) -> bool:
        return self.state == DraftState.PENDING


class ChatMessage(HouseholdOwned):
    """One line of the household's chat: a member's message, or Hearth's reply to it.

    `author` is SET_NULL ("a former member"); `reply_to` is SET_NULL, so a reply outlives the
    message it answers.
    """

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        HEARTH = "hearth", "Hearth"

    role = models.CharField(max_length=8, choices=Role.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    reply_to = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reply"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["household", "-created_at"], name="chat_recent")]

    def __str__(self) -> str:
        return self.text[:60]


class LearnedWord(HouseholdOwned):
    """A word or phrase the household taught the builtin parser by correcting a chat draft: the
    next message with it gets `category`, ahead of the built-in tables. Members see, rename and
    remove them on the categories page; removing one keeps its history.

    `category` is PROTECT: a merge moves the household's words first, like its expenses.
    """

    phrase = models.CharField(max_length=60)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="learned_words")
    times = models.PositiveIntegerField(default=1, help_text="How many confirmed corrections taught it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["household", "created_at", "updated_at"])

    class Meta:
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(fields=["household", "phrase"], name="learned_word_unique_per_household"),
        ]
        indexes = [models.Index(fields=["household", "-updated_at"], name="learned_word_recent")]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.category}"
