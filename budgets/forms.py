from django import forms

from budgets.models import Budget
from expenses.forms import (
    AmountField,
    DateInput,
    MemberChoiceField,
    active_categories,
    amounts_as_written_in,
    household_members,
)
from expenses.models import Category, Occasion, Recipient
from households.models import Household, User
from households.periods import DateField


class BudgetAmountField(AmountField):
    """Like an expense amount, but a budget of zero is allowed ("spend nothing on this")."""

    def __init__(self, **kwargs):
        super().__init__(allow_zero=True, **kwargs)


class ThresholdsField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return [50, 75, 90, 100]
        try:
            numbers = sorted({int(part.strip().rstrip("%")) for part in value.split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError(
                "Write whole percentages separated by commas, like 50, 75, 90, 100."
            ) from None
        if not numbers or any(n < 1 or n > 1000 for n in numbers):
            raise forms.ValidationError("Each threshold is a percentage from 1 to 1000.")
        return numbers

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value


class BudgetForm(forms.Form):
    name = forms.CharField(max_length=120)
    amount = BudgetAmountField()
    parent = forms.ModelChoiceField(
        queryset=Budget.objects.none(),
        required=False,
        empty_label="None (a top-level budget)",
        label="Inside",
        help_text="A sub-budget takes its parent's period and counts only what the parent counts.",
    )
    period = forms.ChoiceField(choices=Budget.Period.choices, initial=Budget.Period.MONTHLY)
    start_date = DateField(widget=DateInput, required=False, label="From", help_text="For a one-off budget.")
    end_date = DateField(widget=DateInput, required=False, label="To", help_text="For a one-off budget.")
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="Any category"
    )
    member = MemberChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone", label="Paid by"
    )
    recipient = forms.ModelChoiceField(
        queryset=Recipient.objects.none(), required=False, empty_label="Anyone", label="For"
    )
    occasion = forms.ModelChoiceField(
        queryset=Occasion.objects.none(), required=False, empty_label="Any occasion"
    )
    thresholds = ThresholdsField(
        required=False,
        initial="50, 75, 90, 100",
        label="Alert at (%)",
        help_text="An alert is raised once per period when the budget reaches each of these.",
    )

    def __init__(self, *args, household: Household, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        amounts_as_written_in(self, household)
        parents = Budget.objects.for_household(household).order_by("name")
        if exclude is not None:
            parents = parents.exclude(pk=exclude.pk)
        self.fields["parent"].queryset = parents
        # Editing keeps what the budget counts, even an archived category or a former member.
        self.fields["category"].queryset = active_categories(
            household, include=exclude.category if exclude is not None else None
        )
        self.fields["member"].queryset = household_members(
            household, include=exclude.member if exclude is not None else None
        )
        self.fields["recipient"].queryset = Recipient.objects.for_household(household)
        self.fields["occasion"].queryset = Occasion.objects.for_household(household)

    def clean(self):
        data = super().clean()
        if data.get("period") == Budget.Period.ONCE and not data.get("parent"):
            start, end = data.get("start_date"), data.get("end_date")
            if start and end and end < start:
                self.add_error("end_date", "The end date must be on or after the start date.")
        return data


class ContextForm(forms.Form):
    """What the member is typing: the budgets an expense like it would count against."""

    amount = forms.CharField(required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False)
    paid_by = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    occasion = forms.ModelChoiceField(queryset=Occasion.objects.none(), required=False)
    recipient = forms.ModelChoiceField(queryset=Recipient.objects.none(), required=False)
    date = DateField(required=False)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.decimal_comma = household.decimal_comma
        self.fields["category"].queryset = Category.objects.for_household(household)
        self.fields["paid_by"].queryset = household_members(household)
        self.fields["occasion"].queryset = Occasion.objects.for_household(household)
        self.fields["recipient"].queryset = Recipient.objects.for_household(household)

    def clean_amount(self):
        raw = (self.cleaned_data.get("amount") or "").strip()
        if not raw:
            return None
        try:
            return AmountField(decimal_comma=self.decimal_comma).clean(raw)
        except forms.ValidationError:
            return None
