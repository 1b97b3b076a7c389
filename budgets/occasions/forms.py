from django import forms

from budgets.forms import BudgetAmountField
from budgets.occasions.selectors import occasion_categories
from budgets.occasions.wedding import TemplateRow
from expenses.forms import CHOOSE, AmountField, DateInput, amounts_as_written_in, offer_categories
from expenses.models import Category, Occasion, Recipient, Stage
from expenses.selectors import most_used
from households.models import Household
from households.money import format_money
from households.periods import DateField


class OccasionForm(forms.Form):
    name = forms.CharField(max_length=120, widget=forms.TextInput(attrs={"placeholder": "Diwali"}))
    kind = forms.ChoiceField(choices=Occasion.Kind.choices, initial=Occasion.Kind.OTHER)
    date = DateField(widget=DateInput)
    amount = BudgetAmountField(label="Budget", help_text="What you mean to spend on it, all in.")
    notes = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Notes"
    )
    wedding_template = forms.BooleanField(
        required=False,
        label="Start from the wedding template",
        help_text="Sub-budgets for venue, catering, photography and 12 more, as shares of the budget. "
        "You can change every amount before they are saved.",
    )

    def __init__(self, *args, household: Household | None = None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        amounts_as_written_in(self, household)
        if editing:
            del self.fields["wedding_template"]

    def clean(self):
        data = super().clean()
        if data.get("wedding_template") and data.get("kind") != Occasion.Kind.WEDDING:
            self.add_error(
                "wedding_template", "The wedding template is for weddings: pick Wedding, or untick this."
            )
        return data


class SubBudgetForm(forms.Form):
    recipient = forms.ModelChoiceField(
        queryset=Recipient.objects.none(), required=False, empty_label="—", label="For a person"
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="—", label="Or a category"
    )
    amount = BudgetAmountField()

    def __init__(
        self, *args, household: Household, occasion: Occasion, categories: list | None = None, **kwargs
    ):
        """`categories`: `selectors.occasion_categories(…)` when the page has them already."""
        kwargs.setdefault("prefix", "sub")
        super().__init__(*args, **kwargs)
        amounts_as_written_in(self, household)
        self.fields["recipient"].queryset = Recipient.objects.for_household(household)
        if categories is None:
            categories = occasion_categories(household=household, occasion=occasion)
        offer_categories(self.fields["category"], household, categories, empty_label="—")

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("recipient") is None) == (data.get("category") is None):
            self.add_error("recipient", "Pick a person or a category (one of the two).")
        return data


class ItemForm(forms.Form):
    description = forms.CharField(
        max_length=200, label="What", widget=forms.TextInput(attrs={"placeholder": "Silk saree"})
    )
    amount = AmountField(label="Price")
    recipient = forms.ModelChoiceField(
        queryset=Recipient.objects.none(), required=False, empty_label="Nobody in particular", label="For"
    )
    new_recipient = forms.CharField(
        max_length=80, required=False, label="Or someone new", help_text="Added to your list of people."
    )
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label=None)
    stage = forms.ChoiceField(
        choices=Stage.choices,
        initial=Stage.IDEA,
        label="Column",
        help_text="Idea and To buy count as planned; Bought and Given as spent.",
    )
    date = DateField(widget=DateInput)

    def __init__(
        self,
        *args,
        household: Household,
        occasion: Occasion,
        today: date,
        categories: list | None = None,
        **kwargs,
    ):
        """The categories: every expense's and the occasion's own, most used first; it starts on
        Gifts (a board of gifts), else on the most used, else on "— choose —"."""
        kwargs.setdefault("prefix", "item")
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("date", occasion.date if occasion.date >= today else today)
        initial.setdefault("stage", Stage.IDEA)
        super().__init__(*args, **kwargs)
        amounts_as_written_in(self, household)
        self.fields["recipient"].queryset = Recipient.objects.for_household(household)
        if categories is None:
            categories = occasion_categories(household=household, occasion=occasion)
        if "category" not in self.initial:
            gifts = next((c for c in categories if c.name.lower() == "gifts"), None)
            self.initial["category"] = gifts or most_used(categories)
        choose = CHOOSE if self.initial["category"] is None else None
        offer_categories(self.fields["category"], household, categories, empty_label=choose)


class RecipientForm(forms.Form):
    name = forms.CharField(max_length=80, widget=forms.TextInput(attrs={"placeholder": "Meera"}))
    relationship = forms.CharField(
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "daughter, grandmother, friend…"}),
    )


class WeddingTemplateForm(forms.Form):
    """One editable amount per template row; zero is allowed."""

    def __init__(self, *args, rows: list[TemplateRow], household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[row.key] = BudgetAmountField(
                label=f"{row.category} ({row.share} %)",
                initial=row.amount,
                help_text=f"Suggested: {format_money(row.amount, household)}",
            )
        amounts_as_written_in(self, household)

    def amounts(self) -> dict:
        return {row.category: self.cleaned_data[row.key] for row in self.rows}

    def row_fields(self):
        return [(row, self[row.key]) for row in self.rows]
