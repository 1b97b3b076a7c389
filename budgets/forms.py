from django import forms
from django.db.models import Q

from budgets.models import AI_TASKS, Budget
from expenses.forms import (
    AmountField,
    DateInput,
    MemberChoiceField,
    active_categories,
    amounts_as_written_in,
    household_members,
)
from expenses.models import Category, Occasion, Recipient
from households.members import member_label
from households.models import Household, User
from households.money import to_decimal
from households.periods import DateField, MonthField
from llmsettings.models import Provider, Task, UsageRecord
from llmsettings.selectors import NOBODY, model_key, model_label
from llmsettings.services import PRICE_MESSAGES, PRICED_PROVIDERS, price_problem


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
    measure = forms.ChoiceField(
        choices=Budget.Measure.choices,
        required=False,
        initial=Budget.Measure.EXPENSES,
        label="Counts",
        help_text="Expenses, or what the household's AI provider calls cost (a hard limit: "
        "a call that could go past it is not made, and the offline reader answers instead).",
    )
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
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone",
        label="Paid by",
        help_text="For an AI usage budget: whose calls it counts.",
    )
    recipient = forms.ModelChoiceField(
        queryset=Recipient.objects.none(), required=False, empty_label="Anyone", label="For"
    )
    occasion = forms.ModelChoiceField(
        queryset=Occasion.objects.none(), required=False, empty_label="Any occasion"
    )
    ai_task = forms.ChoiceField(
        choices=[("", "Any task"), *AI_TASKS],
        required=False,
        label="AI task",
        help_text="For an AI usage budget only: the calls made for this task.",
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
        parents = Budget.objects.for_household(household).select_related("parent").order_by("name")
        if exclude is not None:
            parents = parents.exclude(pk=exclude.pk)
        self.fields["parent"].queryset = parents
        # Two "Transport" budgets (the household's and a wedding's) read apart by what they sit in.
        self.fields["parent"].label_from_instance = lambda b: (
            f"{b.parent.name} › {b.name}" if b.parent else b.name
        )
        # Editing keeps what the budget counts, even an archived category or a former member.
        self.fields["category"].queryset = active_categories(
            household, include=exclude.category if exclude is not None else None
        )
        self.fields["member"].queryset = household_members(
            household, include=exclude.member if exclude is not None else None
        )
        self.fields["recipient"].queryset = Recipient.objects.for_household(household)
        self.fields["occasion"].queryset = Occasion.objects.for_household(household)

    def common_fields(self):
        """The fields every budget has (the form template sets the expense and AI filters apart)."""
        apart = {"category", "recipient", "occasion", "ai_task", "thresholds"}
        return [self[name] for name in self.fields if name not in apart]

    def clean_measure(self):
        return self.cleaned_data.get("measure") or Budget.Measure.EXPENSES

    def clean(self):
        data = super().clean()
        if data.get("period") == Budget.Period.ONCE and not data.get("parent"):
            start, end = data.get("start_date"), data.get("end_date")
            if start and end and end < start:
                self.add_error("end_date", "The end date must be on or after the start date.")
        parent = data.get("parent")
        if parent is not None and parent.is_ai:
            data["measure"] = Budget.Measure.AI_USAGE  # a sub-budget counts what its parent counts
        if data.get("measure") == Budget.Measure.AI_USAGE:
            for name in ("category", "recipient", "occasion"):
                if data.get(name) is not None:
                    self.add_error(
                        name, "An AI usage budget counts provider calls, not expenses: leave this empty."
                    )
            if parent is not None and not parent.is_ai:
                self.add_error("parent", "An AI usage budget can sit only inside another AI usage budget.")
        elif data.get("ai_task"):
            self.add_error("ai_task", "Only an AI usage budget counts calls by task: leave this empty.")
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


class UsageFilterForm(forms.Form):
    """The usage page's filters, read from the query string (the CSV export takes the same)."""

    month = MonthField(required=False, widget=forms.TextInput(attrs={"type": "month"}))
    start = DateField(required=False, widget=forms.HiddenInput)  # a yearly or one-off budget's period
    end = DateField(required=False, widget=forms.HiddenInput)
    member = forms.ChoiceField(required=False, label="Member")
    model = forms.ChoiceField(required=False, label="Model")
    task = forms.ChoiceField(choices=[("", "Any task"), *Task.choices], required=False, label="Task")
    day = DateField(widget=DateInput, required=False, label="Day")

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        used = UsageRecord.objects.for_household(household)
        # The household's members, and anyone else a call of the household names (a former member).
        people = User.objects.filter(
            Q(membership__household=household) | Q(pk__in=used.values("user_id"))
        ).order_by("name")
        self.fields["member"].choices = [
            ("", "Everyone"),
            *((str(person.pk), member_label(person, household)) for person in people),
            (NOBODY, "No member (a background task)"),
        ]
        models = used.order_by("provider", "model").values_list("provider", "model").distinct()
        self.fields["model"].choices = [
            ("", "Every model"),
            *((model_key(provider, model), model_label(provider, model)) for provider, model in models),
        ]

    def clean(self):
        data = super().clean()
        # The period's fields are hidden (set by a link): their trouble is said above the form.
        for name in ("start", "end"):
            for error in self.errors.get(name, []):
                self.add_error(None, f"The period's {'first' if name == 'start' else 'last'} day: {error}")
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(None, "The period's last day must be on or after its first day.")
            del data["end"]
        return data


class PriceField(forms.Field):
    """A price per million tokens: 0 (a local server) up to what the price columns hold, at most
    four decimal places, written as the household writes numbers."""

    widget = forms.TextInput
    MAX_CHARS = 32

    def __init__(self, *, decimal_comma: bool = False, **kwargs):
        self.decimal_comma = decimal_comma
        kwargs.setdefault("error_messages", {"required": "Enter a price: 0 for a model that costs nothing."})
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"})
        attrs["maxlength"] = str(self.MAX_CHARS)
        return attrs

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_CHARS:
            raise forms.ValidationError(
                f"Write the price in at most {self.MAX_CHARS} characters, like 0.15.", code="max_length"
            )
        number = to_decimal(value, decimal_comma=self.decimal_comma)
        if number is None:
            raise forms.ValidationError(PRICE_MESSAGES["invalid"], code="invalid")
        if problem := price_problem(number):
            raise forms.ValidationError(problem, code="price")
        return number


class ModelPriceForm(forms.Form):
    """The household's own price for one model, per million tokens, in its currency."""

    provider = forms.ChoiceField(choices=[(p.value, p.label) for p in Provider if p in PRICED_PROVIDERS])
    model = forms.CharField(
        max_length=120, help_text="As the provider spells it: gpt-4o-mini, gemini-2.5-flash."
    )
    input_per_million = PriceField(label="Input, per million tokens")
    output_per_million = PriceField(label="Output, per million tokens")

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("input_per_million", "output_per_million"):
            self.fields[name].decimal_comma = household.decimal_comma

    def clean_model(self):
        model = " ".join(self.cleaned_data["model"].split())
        if not model:
            raise forms.ValidationError("Name the model, as the provider spells it (gpt-4o-mini).")
        return model
