from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets import selectors, services
from budgets.forms import BudgetForm, ContextForm
from budgets.models import Budget, BudgetAlert
from households.access import parse_uuid, viewer_allowed, wants_fragment
from households.money import format_money
from households.periods import day_param, month_param
from households.views import add_errors


def chosen_day(request) -> date:
    """The day whose period the meters show: ?on=YYYY-MM-DD or ?month=YYYY-MM, else today."""
    today = request.household.today()
    if request.GET.get("on"):
        return day_param(request, today)
    return month_param(request, today)


def _all_budgets(household):
    return list(
        Budget.objects.for_household(household).select_related("category", "member", "recipient", "occasion")
    )


def _get_budget(request, pk) -> Budget:
    return get_object_or_404(Budget.objects.for_household(request.household), pk=pk)


def _budget_fields(cleaned: dict) -> dict:
    return {
        key: cleaned.get(key)
        for key in [
            "name",
            "amount",
            "parent",
            "period",
            "start_date",
            "end_date",
            "category",
            "member",
            "recipient",
            "occasion",
            "measure",
            "ai_task",
            "thresholds",
        ]
    }


AI_ADMIN_ONLY = (
    "Only an admin of this household can set an AI budget (as only an admin manages the provider keys)."
)


def _may_write(request, form: BudgetForm, budget: Budget | None = None) -> bool:
    """An AI budget limits what the household's provider key spends: only an admin sets one."""
    ai = form.cleaned_data.get("measure") == Budget.Measure.AI_USAGE or (budget is not None and budget.is_ai)
    if ai and not request.membership.is_admin:
        form.add_error("measure", AI_ADMIN_ONLY)
        return False
    return True


def _month_nav(on: date) -> dict:
    first = on.replace(day=1)
    previous = (first.replace(day=1) - date.resolution).replace(day=1)
    following = (first.replace(day=28) + 4 * date.resolution).replace(day=1)
    return {"previous_month": previous, "next_month": following, "month_value": first.strftime("%Y-%m")}


@require_GET
def budget_list(request):
    on = chosen_day(request)
    tree = selectors.budget_tree(household=request.household, on=on)
    context = {"tree": tree, "roots": [s for s in tree if s.depth == 0], "on": on, **_month_nav(on)}
    if wants_fragment(request) and request.GET.get("fragment") == "tree":
        return render(request, "budgets/list.html#budget-tree", context)
    return render(request, "budgets/list.html", context)


@require_http_methods(["GET", "POST"])
def budget_new(request):
    initial = {}
    if parent_id := request.GET.get("parent"):
        pk = parse_uuid(parent_id)
        initial["parent"] = (
            Budget.objects.for_household(request.household).filter(pk=pk).first() if pk else None
        )
    if request.GET.get("measure") == Budget.Measure.AI_USAGE:
        initial["measure"] = Budget.Measure.AI_USAGE
    form = BudgetForm(request.POST or None, household=request.household, initial=initial)
    if request.method == "POST" and form.is_valid() and _may_write(request, form):
        try:
            budget = services.budget_create(
                household=request.household, user=request.user, **_budget_fields(form.cleaned_data)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _warn_if_children_exceed(request, budget.parent or budget)
            messages.success(request, f"Budget “{budget.name}” saved.")
            return redirect("budgets")
    return render(request, "budgets/form.html", {"form": form, "budget": None})


def _warn_if_children_exceed(request, budget: Budget) -> None:
    status = next(
        (
            s
            for s in selectors.budget_tree(household=request.household, on=request.household.today())
            if s.budget.pk == budget.pk
        ),
        None,
    )
    if status is not None and status.children_exceed:
        children = format_money(status.children_total, request.household)
        total = format_money(status.total, request.household)
        messages.warning(
            request, f"The sub-budgets of “{budget.name}” add up to {children}, more than its {total}."
        )


@require_GET
def budget_detail(request, pk):
    budget = _get_budget(request, pk)
    on = chosen_day(request)
    tree = selectors.budget_tree(household=request.household, on=on)
    status = next(s for s in tree if s.budget.pk == budget.pk)
    subtree = []
    collecting = False
    for node in tree:
        if node is status:
            collecting = True
            continue
        if collecting:
            if node.depth <= status.depth:
                break
            subtree.append(node)
    return render(
        request,
        "budgets/detail.html",
        {"status": status, "subtree": subtree, "on": on, **_month_nav(on)},
    )


@require_http_methods(["GET", "POST"])
def budget_edit(request, pk):
    budget = _get_budget(request, pk)
    initial = {
        **{
            k: getattr(budget, k)
            for k in ["name", "amount", "period", "start_date", "end_date", "thresholds"]
        },
        "parent": budget.parent_id,
        "category": budget.category_id,
        "member": budget.member_id,
        "recipient": budget.recipient_id,
        "occasion": budget.occasion_id,
        "measure": budget.measure,
        "ai_task": budget.ai_task,
    }
    form = BudgetForm(request.POST or None, household=request.household, exclude=budget, initial=initial)
    if request.method == "POST" and form.is_valid() and _may_write(request, form, budget):
        try:
            budget = services.budget_update(
                household=request.household,
                user=request.user,
                budget=budget,
                **_budget_fields(form.cleaned_data),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            _warn_if_children_exceed(request, budget.parent or budget)
            messages.success(request, "Budget saved.")
            return redirect("budget_detail", pk=budget.pk)
    return render(request, "budgets/form.html", {"form": form, "budget": budget})


@require_POST
def budget_delete(request, pk):
    budget = _get_budget(request, pk)
    if budget.is_ai and not request.membership.is_admin:
        raise PermissionDenied(AI_ADMIN_ONLY)
    moved = services.budget_delete(household=request.household, user=request.user, budget=budget)
    note = ""
    if moved:
        names = ", ".join(f"“{child.name}”" for child in moved)
        where = f"“{budget.parent.name}”" if budget.parent_id else "the top level"
        note = f" Its sub-budgets {names} moved up to {where}."
    messages.success(request, f"Deleted the budget “{budget.name}”. No expense was changed.{note}")
    return redirect("budgets")


@require_GET
def budget_meter(request, pk):
    """One meter, re-fetched live."""
    budget = _get_budget(request, pk)
    on = chosen_day(request)
    all_budgets = _all_budgets(request.household)
    target = next(b for b in all_budgets if b.pk == budget.pk)
    status = selectors.statuses(
        household=request.household, budgets=[target], on=on, all_budgets=all_budgets
    )[0]
    compact = request.GET.get("compact") == "1"
    return render(request, "budgets/meter.html", {"status": status, "on": on, "compact": compact})


@require_GET
def budget_items(request, pk):
    """The top five items behind one segment of a meter."""
    budget = _get_budget(request, pk)
    on = chosen_day(request)
    all_budgets = _all_budgets(request.household)
    by_id = {b.pk: b for b in all_budgets}
    target = by_id[budget.pk]
    status = selectors.statuses(
        household=request.household, budgets=[target], on=on, all_budgets=all_budgets
    )[0]
    segment = "planned" if request.GET.get("segment") == "planned" else "paid"
    items = selectors.segment_items(household=request.household, status=status, segment=segment, by_id=by_id)
    return render(
        request,
        "budgets/items.html",
        {"status": status, "items": items, "segment": segment, "on": on},
    )


def _unprefixed(query: QueryDict) -> QueryDict:
    """Form fields arrive as add-amount, d1a2b3c4-category …: keep the last part of each name."""
    plain = QueryDict(mutable=True)
    for key in query:
        plain[key.rsplit("-", 1)[-1]] = query.get(key)
    return plain


@require_GET
def budget_context(request):
    """Beside an amount field: the budgets this expense would count against, and what is left after it."""
    form = ContextForm(_unprefixed(request.GET), household=request.household)
    form.is_valid()
    data = form.cleaned_data  # the fields that are valid: a half-typed form still gets its context
    rows = selectors.budget_context(
        household=request.household,
        amount=data.get("amount"),
        category=data.get("category"),
        member=data.get("paid_by"),
        occasion=data.get("occasion"),
        recipient=data.get("recipient"),
        on=data.get("date") or request.household.today(),
    )
    return render(request, "budgets/context.html", {"rows": rows, "amount": data.get("amount")})


@viewer_allowed
@require_http_methods(["GET", "POST"])
def alerts(request):
    """The household's alerts, newest first, each marked new or read for the member looking.

    POST marks them read for this member alone: the one named by `alert` (another household's,
    or no alert at all, is a 404), or all of them. A viewer may: it changes only what they have
    read, never the household's money.
    """
    if request.method == "POST":
        alert = None
        if "alert" in request.POST:
            alert = get_object_or_404(
                BudgetAlert.objects.for_household(request.household), pk=parse_uuid(request.POST["alert"])
            )
        services.alerts_mark_read(household=request.household, user=request.user, alert=alert)
        if wants_fragment(request):
            if alert is not None:
                row = BudgetAlert.objects.with_unread(request.user).select_related("budget").get(pk=alert.pk)
                return render(request, "budgets/alerts.html#alert-row", {"alert": row, "bell_oob": True})
            return render(request, "budgets/alerts.html#alert-bell", {})
        return redirect("alerts")
    rows = (
        BudgetAlert.objects.for_household(request.household)
        .with_unread(request.user)
        .select_related("budget")
        .order_by("-created_at")[:100]
    )
    return render(request, "budgets/alerts.html", {"alerts": rows})


@require_GET
def alert_bell(request):
    return render(request, "budgets/alerts.html#alert-bell", {})
