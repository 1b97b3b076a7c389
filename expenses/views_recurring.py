"""The recurring-expenses page: list, new, edit, pause/resume, delete. Plain forms, PRG."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses.forms import (
    AmountField,
    DateInput,
    MemberChoiceField,
    active_categories,
    amounts_as_written_in,
    household_members,
)
from expenses.models import Cadence, Category, RecurringRule
from expenses.recurrence import MONTHS, WEEKDAYS, describe_cadence, next_occurrence, schedule_errors
from expenses.services import RuleData, rule_create, rule_delete, rule_set_paused, rule_update
from households.access import VIEWER_REFUSED, wants_fragment
from households.models import Household, User
from households.periods import DateField
from households.views import add_errors

_NONE = [("", "—")]
SCHEDULE_FIELDS = ("cadence", "day_of_month", "weekday", "month", "start_date", "end_date")


class RecurringRuleForm(forms.Form):
    description = forms.CharField(
        max_length=200,
        help_text="What it is, as you want it on the draft: “Rent”, “School fees”, “Netflix”.",
        error_messages={"required": "Describe it, like “Rent” or “Milk”."},
    )
    amount = AmountField(error_messages={"required": "Enter an amount."})
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Pick a category.",
            "invalid_choice": "Pick one of this household's categories.",
        },
    )
    paid_by = MemberChoiceField(
        queryset=User.objects.none(),
        empty_label="Pick a member",  # shown selected when a rule's payer has left
        label="Paid by",
        help_text="The member each draft says paid; you can change it on the draft.",
        error_messages={
            "required": "Pick the member who pays.",
            "invalid_choice": "Pick a member of this household.",
        },
    )
    cadence = forms.ChoiceField(
        choices=Cadence.choices,
        initial=Cadence.MONTHLY,
        label="Repeats",
        help_text="Monthly uses the day of the month; weekly the day of the week; "
        "yearly the month and the day of the month.",
    )
    day_of_month = forms.TypedChoiceField(
        choices=_NONE + [(d, str(d)) for d in range(1, 32)],
        coerce=int,
        empty_value=None,
        required=False,
        label="Day of the month",
        help_text="For monthly and yearly rules. 29, 30 or 31 fall on the last day of "
        "shorter months (31 → 30 April, 28 or 29 February).",
    )
    weekday = forms.TypedChoiceField(
        choices=_NONE + list(enumerate(WEEKDAYS)),
        coerce=int,
        empty_value=None,
        required=False,
        label="Day of the week",
        help_text="For weekly rules.",
    )
    month = forms.TypedChoiceField(
        choices=_NONE + [(n, name) for n, name in enumerate(MONTHS, start=1)],
        coerce=int,
        empty_value=None,
        required=False,
        label="Month",
        help_text="For yearly rules, with the day of the month: 29 February falls on "
        "28 February in other years.",
    )
    start_date = DateField(
        widget=DateInput,
        label="Starts on",
        help_text="The first date it can fall due. A date in the past makes drafts for the "
        "dates already gone by (up to 400 days back) for you to confirm or discard.",
        error_messages={"required": "Pick the date it starts."},
    )
    end_date = DateField(
        widget=DateInput,
        required=False,
        label="Ends on",
        help_text="Optional. Leave it empty to repeat until you pause or delete the rule.",
    )

    def __init__(self, *args, household: Household, current_category=None, **kwargs):
        super().__init__(*args, **kwargs)
        amounts_as_written_in(self, household)
        self.fields["category"].queryset = active_categories(household, include=current_category)
        self.fields["paid_by"].queryset = household_members(household)

    def clean(self):
        data = super().clean()
        errors = schedule_errors(**{name: data.get(name) for name in SCHEDULE_FIELDS})
        for name, message in errors.items():
            if name not in self.errors:  # a field's own error already says what is wrong
                self.add_error(name, message)
        return data

    def rule_data(self) -> RuleData:
        return RuleData(**self.cleaned_data)


def _rule(request, pk) -> RecurringRule:
    """Another household's rule is a 404, exactly like one that does not exist."""
    return get_object_or_404(RecurringRule.objects.for_household(request.household), pk=pk)


def _refuse_viewers(request) -> None:
    if not request.membership.can_write:
        raise PermissionDenied(VIEWER_REFUSED)


def _next_text(rule: RecurringRule, household: Household) -> str:
    upcoming = next_occurrence(rule, household.today())
    if upcoming is None:
        return "it has no more dates"
    return f"next draft on {upcoming:%a} {upcoming.day} {upcoming:%b %Y}"


@require_GET
def recurring_list(request):
    household = request.household
    today = household.today()
    rules = list(RecurringRule.objects.for_household(household).select_related("category", "paid_by"))
    for rule in rules:
        rule.cadence_text = describe_cadence(rule)
        rule.next_date = None if rule.paused else next_occurrence(rule, today)
        rule.ended = rule.end_date is not None and rule.end_date < today
    template = "expenses/recurring_list.html"
    if wants_fragment(request):
        template += "#rule-list"
    return render(request, template, {"rules": rules})


@require_http_methods(["GET", "POST"])
def recurring_new(request):
    _refuse_viewers(request)
    household = request.household
    form = RecurringRuleForm(
        request.POST if request.method == "POST" else None,
        household=household,
        initial={"paid_by": request.user, "start_date": household.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule = rule_create(household=household, user=request.user, data=form.rule_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Saved “{rule.description}”: {_next_text(rule, household)}.")
            return redirect("recurring")
    return render(request, "expenses/recurring_form.html", {"form": form, "rule": None})


@require_http_methods(["GET", "POST"])
def recurring_edit(request, pk):
    rule = _rule(request, pk)
    _refuse_viewers(request)
    household = request.household
    form = RecurringRuleForm(
        request.POST if request.method == "POST" else None,
        household=household,
        current_category=rule.category,
        initial={
            "description": rule.description,
            "amount": rule.amount,
            "category": rule.category_id,
            "paid_by": rule.paid_by_id,
            "cadence": rule.cadence,
            "day_of_month": rule.day_of_month,
            "weekday": rule.weekday,
            "month": rule.month,
            "start_date": rule.start_date,
            "end_date": rule.end_date,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule = rule_update(household=household, user=request.user, rule=rule, data=form.rule_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            text = "it is paused" if rule.paused else _next_text(rule, household)
            messages.success(request, f"Saved “{rule.description}”: {text}.")
            return redirect("recurring")
    return render(request, "expenses/recurring_form.html", {"form": form, "rule": rule})


@require_POST
def recurring_pause(request, pk):
    """Pause or resume. The form says which (paused=1 / paused=0), so a double submit is harmless."""
    rule = _rule(request, pk)
    wanted = request.POST.get("paused")
    paused = wanted == "1" if wanted in ("0", "1") else not rule.paused
    rule = rule_set_paused(household=request.household, user=request.user, rule=rule, paused=paused)
    if rule.paused:
        messages.success(request, f"Paused “{rule.description}”: it makes no drafts until you resume it.")
    else:
        messages.success(
            request,
            f"Resumed “{rule.description}”: {_next_text(rule, request.household)}. "
            "Dates that passed while it was paused are skipped.",
        )
    return redirect("recurring")


@require_POST
def recurring_delete(request, pk):
    rule = _rule(request, pk)
    description = rule.description
    rule_delete(household=request.household, user=request.user, rule=rule)
    messages.success(request, f"Deleted “{description}”. The drafts and expenses it made are kept.")
    return redirect("recurring")
