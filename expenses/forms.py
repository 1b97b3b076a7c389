import re
from datetime import date

from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q

from expenses import selectors
from expenses.models import Category, ExpenseStatus, Occasion, Recipient
from expenses.services import CHAT_MAX_CHARS, chat_text_problem
from households.access import parse_uuid
from households.members import FORMER_MEMBER
from households.models import Household, User
from households.money import AmountError, read_amount
from households.periods import DateField, MonthField


class AmountField(forms.CharField):
    """Accepts what people type: 1200 · 1,200.50 · ₹1,20,000 · 1 200. Gives a Decimal.

    The reading, the limits and the messages are households.money's, as for every way in.
    `allow_zero` is for budgets ("spend nothing on this").
    """

    def __init__(self, *, allow_zero: bool = False, decimal_comma: bool = False, **kwargs):
        self.allow_zero = allow_zero
        self.decimal_comma = decimal_comma  # set from the household by `amounts_as_written_in`
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00", "maxlength": "32"}
        )
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return read_amount(value, allow_zero=self.allow_zero, decimal_comma=self.decimal_comma)
        except AmountError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


def amounts_as_written_in(form: forms.Form, household: Household | None) -> None:
    """The form's amount fields read numbers as the household's locale writes them (1.200,50 or
    1,200.50). Every form with an amount calls it from its __init__."""
    if household is None:
        return
    for field in form.fields.values():
        if isinstance(field, AmountField):
            field.decimal_comma = household.decimal_comma


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if isinstance(value, date) else value


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if not obj.name:
            return FORMER_MEMBER
        if getattr(obj, "is_current_member", True):
            return obj.name
        return f"{obj.name} ({FORMER_MEMBER})"


def household_members(household: Household, include: User | None = None):
    """The household's members; with `include`, also the person a row names now, though they left
    (so editing the row keeps them instead of silently picking someone else)."""
    now = Q(membership__household=household)
    people = User.objects.filter(now | Q(pk=include.pk) if include is not None else now)
    return people.annotate(is_current_member=ExpressionWrapper(now, output_field=BooleanField())).order_by(
        "name"
    )


def active_categories(household: Household, include=None):
    qs = Category.objects.for_household(household).filter(archived=False)
    if include is not None:
        qs = Category.objects.for_household(household).filter(pk=include.pk) | qs
    return qs.order_by("name")


CHOOSE = "— choose —"


def offer_categories(
    field: forms.ModelChoiceField, household: Household, categories: list, *, empty_label=None
):
    """Let a category field offer `categories` (a list a selector chose and ordered) and accept
    only them: the options come from the list, so rendering asks the database nothing more."""
    field.queryset = Category.objects.for_household(household).filter(pk__in=[c.pk for c in categories])
    field.empty_label = empty_label
    field.choices = ([("", empty_label)] if empty_label is not None else []) + [
        (c.pk, c.name) for c in categories
    ]


class ExpenseForm(forms.Form):
    """Quick add and inline edit share this form.

    The categories are the household's, most used first; an occasion's own (its template's) only
    when the expense is that occasion's, and the expense's category always. A new expense starts
    on the most used category, or on "— choose —" before the first expense."""

    amount = AmountField()
    description = forms.CharField(max_length=200, required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label=None)
    date = DateField(widget=DateInput)
    paid_by = MemberChoiceField(queryset=User.objects.none(), empty_label=None, label="Paid by")
    status = forms.ChoiceField(choices=ExpenseStatus.choices, initial=ExpenseStatus.PAID)
    due_date = DateField(widget=DateInput, required=False, label="Due date")

    def __init__(
        self,
        *args,
        household: Household,
        current_category=None,
        current_paid_by=None,
        occasion=None,
        ranked: list | None = None,
        **kwargs,
    ):
        """`ranked` is `selectors.categories_by_use(household=…)` when the page has it already."""
        super().__init__(*args, **kwargs)
        self.household = household
        amounts_as_written_in(self, household)
        if ranked is None:
            ranked = selectors.categories_by_use(household=household)
        categories = selectors.entry_categories(ranked, occasion=occasion, include=current_category)
        default = None
        if current_category is None and self.initial.get("category") is None:
            default = selectors.most_used(categories)
            self.initial["category"] = default
        choose = CHOOSE if current_category is None and default is None else None
        offer_categories(self.fields["category"], household, categories, empty_label=choose)
        self.fields["paid_by"].queryset = household_members(household, include=current_paid_by)

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        if due and self.cleaned_data.get("status") != ExpenseStatus.PLANNED:
            return None
        return due


class DraftForm(forms.Form):
    """The editable card: every field may be blank until it is confirmed."""

    amount = AmountField(required=False)
    description = forms.CharField(max_length=200, required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False)
    date = DateField(widget=DateInput, required=False)
    paid_by = MemberChoiceField(queryset=User.objects.none(), required=False, label="Paid by")
    status = forms.ChoiceField(choices=ExpenseStatus.choices, initial=ExpenseStatus.PAID)
    due_date = DateField(widget=DateInput, required=False, label="Due date")

    def __init__(self, *args, household: Household, pickers: tuple[list, list] | None = None, **kwargs):
        """`pickers` (categories, members), loaded once, lets a page of cards render without a
        query per card; a form that validates input always checks against the querysets."""
        super().__init__(*args, **kwargs)
        amounts_as_written_in(self, household)
        self.fields["category"].queryset = active_categories(household)
        self.fields["paid_by"].queryset = household_members(household)
        if pickers is not None:
            categories, members = pickers
            self.fields["category"].choices = [("", "Pick a category")] + [(c.pk, c.name) for c in categories]
            self.fields["paid_by"].choices = [("", "Who paid?")] + [(m.pk, m.name) for m in members]


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=60)
    colour = forms.CharField(max_length=7, initial="#546e7a", widget=forms.TextInput(attrs={"type": "color"}))

    def clean_colour(self):
        colour = self.cleaned_data["colour"]
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            raise forms.ValidationError("Pick a colour.")
        return colour.lower()


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Category.objects.none(), label="Merge into", empty_label="Pick a category"
    )

    def __init__(self, *args, household: Household, source: Category, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Category.objects.for_household(household).exclude(pk=source.pk).order_by("name")
        )


class LearnedWordForm(forms.Form):
    phrase = forms.CharField(
        max_length=60, label="Word or phrase", help_text="As members type it, like “gopalji”."
    )
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label="Pick a category")

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.for_household(household).filter(archived=False)


class ExpenseFilterForm(forms.Form):
    """The expense list's filters, read from the query string (bookmarkable)."""

    q = forms.CharField(required=False, label="Search", max_length=100)
    month = MonthField(required=False, widget=forms.TextInput(attrs={"type": "month"}))
    start = DateField(widget=DateInput, required=False, label="From")
    end = DateField(widget=DateInput, required=False, label="To")
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, empty_label="All categories"
    )
    member = MemberChoiceField(queryset=User.objects.none(), required=False, empty_label="Everyone")
    status = forms.ChoiceField(choices=[("", "Planned and paid"), *ExpenseStatus.choices], required=False)
    overdue = forms.BooleanField(required=False, label="Overdue only")
    # Set by links (an occasion's meter, a gift recipient's): kept while the other filters change.
    occasion = forms.ModelChoiceField(
        queryset=Occasion.objects.none(), required=False, widget=forms.HiddenInput
    )
    recipient = forms.ModelChoiceField(
        queryset=Recipient.objects.none(), required=False, widget=forms.HiddenInput
    )
    # Set by the analysis chat's "what's due soon": planned, overdue or due within this many days.
    due = forms.IntegerField(required=False, min_value=0, max_value=366, widget=forms.HiddenInput)

    def __init__(self, *args, household: Household, ranked: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if ranked is None:
            ranked = selectors.categories_by_use(household=household)
        data = self.data if self.is_bound else {}
        categories = selectors.filter_categories(
            ranked,
            occasion=parse_uuid(data.get(self.add_prefix("occasion"))),
            selected=parse_uuid(data.get(self.add_prefix("category"))),
        )
        offer_categories(self.fields["category"], household, categories, empty_label="All categories")
        self.fields["member"].queryset = household_members(household)
        self.fields["occasion"].queryset = Occasion.objects.for_household(household)
        self.fields["recipient"].queryset = Recipient.objects.for_household(household)


class ChatForm(forms.Form):
    text = forms.CharField(
        label="What did you spend?",
        # No max_length: the browser's maxlength cuts a long paste silently. The limit is checked
        # in clean_text, and the text stays in the box with the error next to it.
        widget=forms.Textarea(
            attrs={
                "rows": 1,
                "autofocus": True,
                "placeholder": "450 groceries yesterday, Ravi paid 1,200 for electricity",
                "enterkeyhint": "send",
                "autocomplete": "off",
                "data-limit": CHAT_MAX_CHARS,  # static/js/chat.js counts against it
            }
        ),
        error_messages={"required": "Type what you spent, like “450 groceries yesterday”."},
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if problem := chat_text_problem(text.strip()):
            raise forms.ValidationError(problem)
        return text
