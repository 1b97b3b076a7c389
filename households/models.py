import secrets
import uuid
import zoneinfo
from functools import cached_property

from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format
from babel.numbers import get_decimal_symbol, list_currencies
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def new_invite_code() -> str:
    """Ten characters a person can read out loud: no 0/O, 1/l/I."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def validate_currency(value: str) -> None:
    if value not in list_currencies():
        raise ValidationError(f"“{value}” is not an ISO 4217 currency code.")


def validate_locale(value: str) -> None:
    try:
        Locale.parse(value)
    except (ValueError, UnknownLocaleError) as exc:
        raise ValidationError(f"“{value}” is not a known locale.") from exc


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address; belongs to at most one household."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField("your name", max_length=80)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = UserManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Household(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=80)
    currency = models.CharField(max_length=3, default="INR", validators=[validate_currency])
    locale = models.CharField(max_length=20, default="en_IN", validators=[validate_locale])
    timezone = models.CharField(max_length=64, default="Asia/Kolkata", validators=[validate_timezone])
    invite_code = models.CharField(max_length=16, unique=True, default=new_invite_code)
    # Who made the current invite code (the household's creator, then whoever rotated it), named
    # on the join page. Empty for codes made before it was recorded, or if the account is gone:
    # the page then names the household's first admin (`households.selectors.invite_for_code`).
    invite_made_by = models.ForeignKey(
        "households.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def decimal_comma(self) -> bool:
        """Whether the household's locale writes 1.200,50 (de_DE, fr_FR …) rather than 1,200.50: how
        every amount it types or imports is read (households.money.read_amount)."""
        try:
            return get_decimal_symbol(self.locale) == ","
        except (UnknownLocaleError, ValueError, TypeError):
            return False

    @property
    def month_first(self) -> bool:
        """Whether the household's locale writes the month before the day (en_US 3/31/26, ja_JP
        2026/03/31): how 03/01 is read in the chat, the analysis chat and a CSV file's dates."""
        try:
            pattern = get_date_format("short", locale=self.locale).pattern
        except (UnknownLocaleError, ValueError, TypeError):
            return False
        return pattern.find("M") < pattern.find("d")

    def today(self):
        """Today's date where the household lives."""
        return timezone.localdate(timezone=self.tzinfo)

    @property
    def group_name(self) -> str:
        return f"household.{self.pk.hex}"


class HouseholdQuerySet(models.QuerySet):
    def for_household(self, household: Household) -> "HouseholdQuerySet":
        return self.filter(household=household)


class HouseholdOwned(models.Model):
    """Base of every row that belongs to one household: a UUID key and the household.

    `household` is the one CASCADE a household's data has: Hearth itself never deletes a
    household; an operator deleting a whole household in the admin deletes everything in it, on
    purpose. Every other link between household rows (and to a user) keeps the row: see
    `tests/test_no_cascade_loss.py`, which fails on a new CASCADE nobody justified.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class Membership(HouseholdOwned):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    # A membership is the person's seat, nothing they entered: it ends with the person. The app
    # never deletes a user row (`account_delete` empties it and ends the membership first).
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["user__name"]
        indexes = [models.Index(fields=["household", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.household}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_write(self) -> bool:
        return self.role in (Role.ADMIN, Role.MEMBER)
