import zoneinfo
from datetime import date
from functools import cache

from babel import Locale
from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies, list_currencies
from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from households.models import Household, Role, User

COMMON_CURRENCIES = ["INR", "USD", "EUR", "GBP", "AUD", "CAD", "SGD", "AED", "JPY"]
LOCALES = [
    "en_IN", "hi_IN", "ta_IN", "te_IN", "mr_IN", "bn_IN", "kn_IN", "ml_IN", "gu_IN",
    "en_US", "en_GB", "en_AU", "en_CA", "en_NZ", "en_SG", "en_AE", "en_ZA", "en_IE",
    "de_DE", "de_CH", "fr_FR", "es_ES", "es_MX", "it_IT", "nl_NL", "pt_BR", "pt_PT",
    "ja_JP", "zh_CN", "ar_AE",
]  # fmt: skip


def currencies_in_use() -> set[str]:
    """The currencies some country pays with today (about 150): no obsolete codes (ADP, AFA), no
    metals or test codes (XAU, XTS). A household may still hold another valid ISO code an operator
    set; the settings form keeps it."""
    today = date.today()
    found = set()
    for territory in get_global("territory_currencies"):
        found.update(get_territory_currencies(territory, today, tender=True))
    return found & set(list_currencies())


@cache
def currency_choices() -> list[tuple[str, str]]:
    def label(code: str) -> str:
        return f"{code} — {get_currency_name(code, locale='en')}"

    rest = sorted(currencies_in_use() - set(COMMON_CURRENCIES))
    return [(c, label(c)) for c in COMMON_CURRENCIES] + [(c, label(c)) for c in rest]


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [(z, z.replace("_", " ")) for z in ["UTC", *names]]


@cache
def locale_choices() -> list[tuple[str, str]]:
    return [(code, f"{Locale.parse(code).get_display_name('en')} ({code})") for code in LOCALES]


class HouseholdFieldsMixin(forms.Form):
    currency = forms.ChoiceField(choices=currency_choices, initial="INR")
    timezone = forms.ChoiceField(choices=timezone_choices, initial="Asia/Kolkata", label="Time zone")


class SignupForm(HouseholdFieldsMixin, BaseUserCreationForm):
    household_name = forms.CharField(
        max_length=80,
        required=False,
        label="Household name",
        help_text="For example “The Sharmas” or “Flat 4B”. Leave it empty if you were invited: "
        "you'll enter the invite code next.",
    )

    class Meta:
        model = User
        fields = ("name", "email")

    field_order = [
        "name",
        "email",
        "password1",
        "password2",
        "household_name",
        "currency",
        "timezone",
    ]

    def __init__(self, *args, invited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The first field is the one to type in first.
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["name"].widget.attrs["autofocus"] = True
        if invited:
            # Signing up through an invite link joins that household: nothing to start or set.
            for name in ("household_name", "currency", "timezone"):
                del self.fields[name]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists. Log in instead.")
        return email


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password don't match an account. Check them and try "
        "again, or reset your password.",
    }

    def clean_username(self):
        # Email addresses are matched whatever their case, also for accounts an operator made in
        # the Django admin (which keeps the case it was typed in).
        email = self.cleaned_data["username"].strip()
        stored = User.objects.filter(email__iexact=email).values_list("email", flat=True)
        return stored[0] if len(stored) == 1 else email.lower()


class HouseholdCreateForm(HouseholdFieldsMixin, forms.Form):
    name = forms.CharField(max_length=80, label="Household name")
    field_order = ["name", "currency", "timezone"]


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=16, label="Invite code", help_text="Ask an admin of the household for it."
    )


class HouseholdSettingsForm(forms.ModelForm):
    currency = forms.ChoiceField(choices=currency_choices)
    locale = forms.ChoiceField(
        choices=locale_choices,
        label="Number format",
        help_text="How amounts and dates are written.",
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices, label="Time zone", help_text="“Today” and every month start here."
    )

    class Meta:
        model = Household
        fields = ("name", "currency", "locale", "timezone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Keep a value the lists don't offer (set by an operator) so the other settings can be saved.
        for name, choices in (
            ("currency", currency_choices),
            ("locale", locale_choices),
            ("timezone", timezone_choices),
        ):
            current = getattr(self.instance, name)
            if current and current not in dict(choices()):
                self.fields[name].choices = [(current, current), *choices()]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
