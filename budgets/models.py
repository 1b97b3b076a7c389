from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from simple_history.models import HistoricalRecords

from expenses.models import Occasion, Recipient
from households.models import HouseholdOwned, HouseholdQuerySet
from households.money import DECIMAL_PLACES, MAX_DIGITS, TOTAL_MAX_DIGITS
from llmsettings.models import Task, UsageRecord

DEFAULT_THRESHOLDS = [50, 75, 90, 100]
# The tasks an AI budget can be limited to (a connection test counts only towards a budget for any task).
AI_TASKS = [
    (Task.CHAT.value, "Chat: reading messages"),
    (Task.ANALYSIS.value, "Analysis: answering questions"),
]


def default_thresholds() -> list[int]:
    return list(DEFAULT_THRESHOLDS)


class Budget(HouseholdOwned):
    """What the household means to spend, and on what (its filters).

    No link may take a budget away or silently widen it (a budget whose filter was nulled would
    count everything): `category`, `recipient`, `occasion` and `parent` are PROTECT, so whatever
    removes one of them deals with the budgets first, with history — a category merge moves them
    to the target, `occasion_delete` deletes the occasion's own budgets (the page says so),
    `budget_delete` moves a deleted budget's sub-budgets up a level, and recipients have no
    delete. `member` is SET_NULL for the rare raw delete; the app never deletes a user row
    (`account_delete` keeps it), so a budget for what a former member paid keeps counting it.
    """

    class Period(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        YEARLY = "yearly", "Yearly"
        ONCE = "once", "Once (between two dates)"

    class Measure(models.TextChoices):
        EXPENSES = "expenses", "Expenses"
        AI_USAGE = "ai_usage", "AI usage cost"

    name = models.CharField(max_length=120)
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    period = models.CharField(max_length=8, choices=Period.choices, default=Period.MONTHLY)
    start_date = models.DateField(null=True, blank=True, help_text="For a one-off budget.")
    end_date = models.DateField(null=True, blank=True, help_text="For a one-off budget.")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    measure = models.CharField(max_length=10, choices=Measure.choices, default=Measure.EXPENSES)
    category = models.ForeignKey(
        "expenses.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="budgets"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets"
    )
    occasion = models.ForeignKey(
        Occasion, on_delete=models.PROTECT, null=True, blank=True, related_name="budgets"
    )
    # An AI budget's own filter: the calls made for one task (with `member`: by one person).
    ai_task = models.CharField(max_length=10, choices=AI_TASKS, blank=True)
    thresholds = models.JSONField(default=default_thresholds, blank=True)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["household", "created_at", "updated_at"])

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["household", "parent"], name="budget_tree")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if (
            self.period == self.Period.ONCE
            and self.start_date
            and self.end_date
            and self.end_date < self.start_date
        ):
            raise ValidationError({"end_date": "The end date must be on or after the start date."})

    @property
    def has_filters(self) -> bool:
        return any([self.category_id, self.member_id, self.recipient_id, self.occasion_id, self.ai_task])

    @property
    def is_ai(self) -> bool:
        return self.measure == self.Measure.AI_USAGE


class BudgetAlertQuerySet(HouseholdQuerySet):
    def unread_by(self, user) -> "BudgetAlertQuerySet":
        """The alerts `user` has not read yet (their own: another member's reading changes nothing)."""
        return self.filter(unread_by=user)

    def with_unread(self, user) -> "BudgetAlertQuerySet":
        """Each alert with `unread`: whether `user` has still to read it."""
        unread = BudgetAlert.unread_by.through.objects.filter(budgetalert_id=OuterRef("pk"), user_id=user.pk)
        return self.annotate(unread=Exists(unread))


class BudgetAlert(HouseholdOwned):
    """A budget crossed a threshold in a period: raised once per budget, period and threshold.

    An alert outlives its budget: `budget` is SET_NULL, and `budget_name`, `period_label` and
    `total` keep what it was called, which period it was about and what it allowed then.

    Read state is each member's own: `unread_by` holds the members who have still to read it —
    everyone in the household when it is raised, so a member who joins later finds the older
    alerts read. Reading removes the reader's row and no one else's; the unread count is one
    query on the user's index of that table, however many alerts the household has.
    """

    budget = models.ForeignKey(Budget, on_delete=models.SET_NULL, null=True, related_name="alerts")
    budget_name = models.CharField(max_length=120, blank=True)
    period_start = models.DateField()
    # How pages name the period: "December 2026", "2026", "Diwali (12 Nov 2026)", "1 Oct 2026 – 10 Nov 2026".
    period_label = models.CharField(max_length=200, blank=True)
    threshold = models.PositiveSmallIntegerField()
    # Sums of amounts: wide enough for any sum of legal amounts (households.money).
    used = models.DecimalField(
        max_digits=TOTAL_MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=Decimal("0")
    )
    total = models.DecimalField(
        max_digits=TOTAL_MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    unread_by = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    objects = BudgetAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "period_start", "threshold"], name="alert_once_per_budget_period_threshold"
            )
        ]
        indexes = [models.Index(fields=["household", "-created_at"], name="alert_newest")]

    def save(self, *args, **kwargs):
        if self.budget is not None and not self.budget_name:
            self.budget_name = self.budget.name
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.message

    @property
    def name(self) -> str:
        return self.budget.name if self.budget is not None else self.budget_name or "A budget"

    @property
    def is_over(self) -> bool:
        """Whether what was used had gone past what the budget allowed when the alert was raised."""
        return self.total is not None and self.used > self.total

    @property
    def budget_words(self) -> str:
        """The budget and its period: "its budget for December 2026", "its budget from 1 Oct 2026"."""
        label = self.period_label or f"from {self.period_start:%-d %b %Y}"
        if label.startswith(("from ", "until ")):
            return f"its budget {label}"
        return f"its budget for {label}"

    @property
    def message(self) -> str:
        """What the alert says, in plain words (the email, the admin; the page marks it up the same)."""
        if self.is_over:
            return f"{self.name} went over {self.budget_words} (past {self.threshold}%)"
        return f"{self.name} reached {self.threshold}% of {self.budget_words}"


class AIReservation(HouseholdOwned):
    """The most a paid provider call may cost, held against the household's AI budgets while the
    call runs (``budgets.ai``).

    Active, it counts on every AI budget whose filters match its user and task, until it expires;
    settled, the call's UsageRecord carries the real cost and the reservation counts no more;
    expired, the call never reported back (a crash) and it stopped counting at `expires_at`. Every
    reservation is in exactly one of the three states, so what was reserved is what was settled,
    expired or is still active.
    """

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SETTLED = "settled", "Settled"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    task = models.CharField(max_length=10, choices=Task.choices)
    amount = models.DecimalField(max_digits=TOTAL_MAX_DIGITS, decimal_places=6)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    cost = models.DecimalField(max_digits=TOTAL_MAX_DIGITS, decimal_places=6, null=True, blank=True)
    expires_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    usage_record = models.ForeignKey(
        UsageRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="reservation_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["household", "state", "expires_at"], name="reservation_active")]

    def __str__(self) -> str:
        return f"{self.amount} for {self.task} ({self.state})"
