from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets.models import Budget
from budgets.occasions import selectors, services
from budgets.occasions.forms import ItemForm, OccasionForm, RecipientForm, SubBudgetForm, WeddingTemplateForm
from budgets.occasions.wedding import template_rows
from budgets.services import recipient_create
from expenses.models import Expense, Occasion, Recipient
from households.access import parse_uuid, wants_fragment
from households.money import format_money
from households.views import add_errors


def _get_occasion(request, pk) -> Occasion:
    return get_object_or_404(Occasion.objects.for_household(request.household), pk=pk)


def _occasion_fields(cleaned: dict) -> dict:
    return {key: cleaned.get(key) for key in ["name", "kind", "date", "amount", "notes"]}


# ---------------------------------------------------------------- occasions


@require_GET
def occasion_list(request):
    today = request.household.today()
    upcoming, past = selectors.occasion_rows(household=request.household, on=today)
    return render(request, "budgets/occasion_list.html", {"upcoming": upcoming, "past": past, "on": today})


@require_http_methods(["GET", "POST"])
def occasion_new(request):
    form = OccasionForm(
        request.POST or None, household=request.household, initial={"date": request.household.today()}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                occasion = services.occasion_create(
                    household=request.household, user=request.user, **_occasion_fields(form.cleaned_data)
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"Occasion “{occasion.name}” saved, with its budget.")
                if form.cleaned_data.get("wedding_template"):
                    return redirect("occasion_wedding_template", pk=occasion.pk)
                return redirect("occasion_detail", pk=occasion.pk)
        return render(request, "budgets/occasion_form.html", {"form": form, "occasion": None}, status=400)
    return render(request, "budgets/occasion_form.html", {"form": form, "occasion": None})


def _view_params(source) -> dict:
    """The board/list choice and the picked sub-budget, kept across moves and refreshes."""
    params = {}
    if source.get("view") == "list":
        params["view"] = "list"
    if sub := parse_uuid(source.get("sub")):
        params["sub"] = str(sub)
    return params


def _detail_context(request, occasion: Occasion, params: dict, **extra) -> dict:
    today = request.household.today()
    page = selectors.occasion_page(
        household=request.household, occasion=occasion, on=today, focus_id=params.get("sub")
    )
    context = {
        "occasion": occasion,
        "page": page,
        "on": today,
        "view": params.get("view", "board"),
        "sub": page.focus.budget.pk if page.focus else "",
        "query": urlencode(params),
        "board_query": urlencode({k: v for k, v in params.items() if k != "view"}),
        "list_query": urlencode({**params, "view": "list"}),
        "all_query": urlencode({k: v for k, v in params.items() if k != "sub"}),
    }
    if request.membership.can_write:
        categories = selectors.occasion_categories(household=request.household, occasion=occasion)
        context["item_form"] = ItemForm(
            household=request.household, occasion=occasion, today=today, categories=categories
        )
        context["sub_form"] = SubBudgetForm(
            household=request.household, occasion=occasion, categories=categories
        )
    context.update(extra)
    return context


def _detail_url(occasion: Occasion, params: dict, anchor: str = "") -> str:
    url = reverse("occasion_detail", kwargs={"pk": occasion.pk})
    if params:
        url += "?" + urlencode(params)
    return url + (f"#{anchor}" if anchor else "")


@require_GET
def occasion_detail(request, pk):
    occasion = _get_occasion(request, pk)
    params = _view_params(request.GET)
    context = _detail_context(request, occasion, params)
    if wants_fragment(request) and request.GET.get("fragment") == "items":
        return render(request, "budgets/occasion_detail.html#occasion-items", context)
    return render(request, "budgets/occasion_detail.html", context)


@require_http_methods(["GET", "POST"])
def occasion_edit(request, pk):
    occasion = _get_occasion(request, pk)
    budget = selectors.occasion_budget(household=request.household, occasion=occasion)
    initial = {
        "name": occasion.name,
        "kind": occasion.kind,
        "date": occasion.date,
        "notes": occasion.notes,
        "amount": budget.amount if budget is not None else None,
    }
    form = OccasionForm(request.POST or None, household=request.household, initial=initial, editing=True)
    if request.method == "POST":
        if form.is_valid():
            try:
                occasion = services.occasion_update(
                    household=request.household,
                    user=request.user,
                    occasion=occasion,
                    **_occasion_fields(form.cleaned_data),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Occasion saved.")
                return redirect("occasion_detail", pk=occasion.pk)
        return render(request, "budgets/occasion_form.html", {"form": form, "occasion": occasion}, status=400)
    return render(request, "budgets/occasion_form.html", {"form": form, "occasion": occasion})


@require_POST
def occasion_delete(request, pk):
    occasion = _get_occasion(request, pk)
    kept = services.occasion_delete(household=request.household, user=request.user, occasion=occasion)
    note = f" Its {kept} item{'s' if kept != 1 else ''} stay in your expenses." if kept else ""
    messages.success(request, f"Deleted “{occasion.name}” and its budgets.{note}")
    return redirect("occasions")


@require_POST
def occasion_subbudget_add(request, pk):
    occasion = _get_occasion(request, pk)
    form = SubBudgetForm(request.POST, household=request.household, occasion=occasion)
    if form.is_valid():
        try:
            budget = services.subbudget_create(
                household=request.household,
                user=request.user,
                occasion=occasion,
                amount=form.cleaned_data["amount"],
                recipient=form.cleaned_data.get("recipient"),
                category=form.cleaned_data.get("category"),
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # not about a field: e.g. the occasion lost its budget
                messages.error(request, " ".join(exc.messages))
                return redirect(_detail_url(occasion, {}, "occasion-budget"))
            add_errors(form, exc)
        else:
            messages.success(request, f"Sub-budget “{budget.name}” added.")
            return redirect(_detail_url(occasion, {}, "occasion-budget"))
    context = _detail_context(request, occasion, {}, sub_form=form, sub_form_open=True)
    return render(request, "budgets/occasion_detail.html", context, status=400)


@require_POST
def occasion_item_add(request, pk):
    occasion = _get_occasion(request, pk)
    params = _view_params(request.POST)
    today = request.household.today()
    form = ItemForm(request.POST, household=request.household, occasion=occasion, today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_create(
                household=request.household,
                user=request.user,
                occasion=occasion,
                data=services.ItemData(
                    description=data["description"],
                    amount=data["amount"],
                    category=data["category"],
                    stage=data["stage"],
                    date=data["date"],
                    recipient=data.get("recipient"),
                    new_recipient=data.get("new_recipient", ""),
                ),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not wants_fragment(request):
                messages.success(request, f"Added “{item.description}” to {item.get_stage_display()}.")
                return redirect(_detail_url(occasion, params, f"item-{item.pk}"))
            context = _detail_context(request, occasion, params, just_added=item, oob=True)
            return render(request, "budgets/occasion_detail.html#item-added", context)
    if wants_fragment(request):
        context = _detail_context(request, occasion, params, item_form=form)
        return render(request, "budgets/occasion_detail.html#item-form", context)
    context = _detail_context(request, occasion, params, item_form=form)
    return render(request, "budgets/occasion_detail.html", context, status=400)


@require_POST
def occasion_item_move(request, pk, item_pk):
    occasion = _get_occasion(request, pk)
    item = get_object_or_404(
        Expense.objects.for_household(request.household).alive().filter(occasion=occasion), pk=item_pk
    )
    params = _view_params(request.POST)
    error = ""
    try:
        item = services.item_move(
            household=request.household,
            user=request.user,
            occasion=occasion,
            item=item,
            stage=request.POST.get("stage", ""),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if wants_fragment(request):
        context = _detail_context(request, occasion, params, move_error=error, moved=item, oob=True)
        return render(request, "budgets/occasion_detail.html#item-moved", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Moved “{item.description}” to {item.get_stage_display()}.")
    return redirect(_detail_url(occasion, params, f"item-{item.pk}"))


@require_http_methods(["GET", "POST"])
def occasion_wedding_template(request, pk):
    """Preview the wedding template's rows with editable amounts; saving creates the sub-budgets."""
    occasion = _get_occasion(request, pk)
    budget = selectors.occasion_budget(household=request.household, occasion=occasion)
    if budget is None:
        messages.error(request, "This occasion has no budget yet. Give it one first.")
        return redirect("occasion_edit", pk=occasion.pk)
    rows = template_rows(budget.amount)
    form = WeddingTemplateForm(request.POST or None, rows=rows, household=request.household)
    entered = None
    if request.method == "POST" and form.is_valid():
        amounts = form.amounts()
        entered = sum(amounts.values())  # what the person typed, before anything is saved
        if request.POST.get("action") != "preview":
            try:
                created = services.wedding_template_apply(
                    household=request.household, user=request.user, occasion=occasion, amounts=amounts
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if created:
                    messages.success(request, f"Added {len(created)} sub-budgets from the wedding template.")
                else:
                    messages.info(request, "Every category of the template already has a sub-budget here.")
                if entered > budget.amount:
                    messages.warning(request, _over_message(request, entered, budget.amount))
                return redirect(_detail_url(occasion, {}, "occasion-budget"))
    taken = set(
        Budget.objects.for_household(request.household)
        .filter(parent=budget, category__isnull=False)
        .values_list("category__name", flat=True)
    )
    taken = {name.lower() for name in taken}
    context = {
        "occasion": occasion,
        "budget": budget,
        "form": form,
        "wedding": True,
        "taken": taken,
        "to_create": sum(1 for row in rows if row.category.lower() not in taken),
        "entered": entered,
        "over_message": _over_message(request, entered, budget.amount)
        if entered is not None and entered > budget.amount
        else "",
    }
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "budgets/occasion_form.html", context, status=status)


def _over_message(request, entered, total) -> str:
    return (
        f"The sub-budgets add up to more than the budget: {format_money(entered, request.household)} "
        f"against {format_money(total, request.household)}. You can save them anyway."
    )


# ---------------------------------------------------------------- people


@require_http_methods(["GET", "POST"])
def recipients(request):
    form = RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = recipient_create(
                household=request.household,
                user=request.user,
                name=form.cleaned_data["name"],
                relationship=form.cleaned_data.get("relationship", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Added {person.name}.")
            return redirect("recipients")
    people = Recipient.objects.for_household(request.household).order_by("name")
    status = 400 if form.errors else 200
    return render(request, "budgets/recipients.html", {"form": form, "people": people}, status=status)


@require_http_methods(["GET", "POST"])
def recipient_edit(request, pk):
    person = get_object_or_404(Recipient.objects.for_household(request.household), pk=pk)
    form = RecipientForm(
        request.POST or None, initial={"name": person.name, "relationship": person.relationship}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                person = services.recipient_update(
                    household=request.household,
                    user=request.user,
                    recipient=person,
                    name=form.cleaned_data["name"],
                    relationship=form.cleaned_data.get("relationship", ""),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"Saved {person.name}.")
                return redirect("recipients")
        return render(request, "budgets/recipients.html", {"form": form, "person": person}, status=400)
    return render(request, "budgets/recipients.html", {"form": form, "person": person})
