"""The AI usage page — this month's AI spend against its limits, by member, by model and by day, the
calls behind each figure and their CSV file — and the price table the calls are charged at.

Every figure comes from ``llmsettings.selectors`` (the aggregates and the calls) and
``budgets.selectors`` (the AI budgets' meters), scoped to ``request.household``. Anyone in the
household reads them; only an admin changes a price (as only an admin manages the provider keys).
"""

import csv
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets import selectors
from budgets.forms import ModelPriceForm, UsageFilterForm
from budgets.models import Budget
from expenses.csv_format import text_cell
from households.access import ADMIN_ONLY, admin_required, export_refused, wants_fragment
from households.members import household_member_ids, member_label
from households.periods import MAX_DATE, MIN_DATE, month_end, shift_months
from households.views import add_errors
from llmsettings import selectors as usage
from llmsettings.models import ModelPrice, UsageRecord
from llmsettings.services import model_price_delete, model_price_set

PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def _filter_form(request) -> UsageFilterForm:
    """The query string's filters; this month unless it names a period (so the month stays put
    while other filters change)."""
    data = request.GET.copy()
    if not any(data.get(name) for name in ("month", "start", "end")):
        data["month"] = f"{request.household.today():%Y-%m}"
    return UsageFilterForm(data, household=request.household)


def _filters(request, form: UsageFilterForm) -> usage.UsageFilter:
    """The calls the form asks for: its valid fields (the errors show beside the others)."""
    form.is_valid()
    cleaned = dict(form.cleaned_data)
    if not any(cleaned.get(name) for name in ("month", "start", "end")):  # a bad month: this one
        cleaned["month"] = request.household.today().replace(day=1)
    return usage.UsageFilter.from_cleaned(cleaned)


def _meters_day(request, filters: usage.UsageFilter):
    """The day whose period the AI budgets' meters show: today, or the start of the month asked for."""
    today = request.household.today()
    if filters.start and filters.end and not filters.start <= today <= filters.end:
        return filters.start
    return today


@require_GET
def ai_usage(request):
    household = request.household
    form = _filter_form(request)
    filters = _filters(request, form)
    page = Paginator(usage.usage_records(household=household, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "filters": filters,
        "query": filters.query(),
        "totals": usage.usage_totals(household=household, filters=filters),
        "aggregates": [
            ("By member", "Member", usage.usage_by_member(household=household, filters=filters), "member"),
            ("By model", "Model", usage.usage_by_model(household=household, filters=filters), "model"),
            ("By day", "Day", usage.usage_by_day(household=household, filters=filters), "day"),
        ],
        "page": page,
        "is_filtered": bool(filters.member or filters.model or filters.task or filters.day),
    }
    if wants_fragment(request):
        return render(request, "budgets/ai_usage.html#usage-results", context)
    on = _meters_day(request, filters)
    month = (filters.start or on).replace(day=1)
    context.update(
        tree=selectors.budget_tree(household=household, on=on, measure=Budget.Measure.AI_USAGE),
        books=selectors.ai_reservation_books(household=household),
        on=on,
        previous_query=_month_query(filters, shift_months(month, -1)),
        next_query=_month_query(filters, shift_months(month, 1)),
        period_query=usage.UsageFilter(start=filters.start, end=filters.end).query(),
    )
    return render(request, "budgets/ai_usage.html", context)


def _month_query(filters: usage.UsageFilter, first: date) -> str:
    """Another month, with the same member, model and task."""
    if not MIN_DATE <= first <= MAX_DATE:
        first = filters.start or MIN_DATE
    return filters.narrowed(start=first, end=month_end(first), day=None).query()


# ---------------------------------------------------------------- the CSV file

COLUMNS = [
    "Time",
    "Member",
    "Provider",
    "Model",
    "Task",
    "Input tokens",
    "Output tokens",
    "Cost",
    "Currency",
    "Latency (ms)",
    "Outcome",
    "Error",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_row(record: UsageRecord, household) -> list:
    return [
        timezone.localtime(record.created_at, household.tzinfo).strftime("%Y-%m-%d %H:%M:%S"),
        text_cell(member_label(record.user, household) if record.user_id else ""),
        record.provider,
        text_cell(record.model),
        record.task,
        record.input_tokens,
        record.output_tokens,
        f"{record.cost:f}",
        household.currency,
        record.latency_ms,
        record.get_outcome_display(),
        text_cell(record.error),
    ]


def _lines(records: Iterable[UsageRecord], household) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    for record in records:
        yield writer.writerow(_csv_row(record, household))


async def _lines_async(records, household) -> AsyncIterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(COLUMNS)
    async for record in records.aiterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow(_csv_row(record, household))


@require_GET
def ai_usage_csv(request):
    """The calls of the usage page as CSV: the same query string gives the same calls."""
    household = request.household
    form = _filter_form(request)
    if not form.is_valid():
        return export_refused(form, "the usage page")
    filters = _filters(request, form)
    records = usage.usage_records(household=household, filters=filters)
    household_member_ids(household)  # read now: the rows are named without a query each
    if isinstance(request, ASGIRequest):  # daphne: stream for real, without a thread per chunk
        lines = _lines_async(records, household)
    else:
        lines = _lines(records.iterator(chunk_size=EXPORT_CHUNK), household)
    name = slugify(household.name) or "household"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="hearth-ai-usage-{name}-{household.today().isoformat()}.csv"'
    )
    return response


# ---------------------------------------------------------------- the price table


def _price_forms(household, rows, bound: ModelPriceForm | None):
    """A form per row (the bound one where a POST failed), and the form that adds a model."""
    key = (bound.data.get("provider"), " ".join(str(bound.data.get("model", "")).split())) if bound else None
    pairs = []
    for index, row in enumerate(rows):
        if bound is not None and key == (row.provider, row.model) and bound.data.get("row"):
            form = bound
        else:
            price = row.price
            form = ModelPriceForm(
                household=household,
                initial={
                    "provider": row.provider,
                    "model": row.model,
                    "input_per_million": f"{price.input_per_million.normalize():f}",
                    "output_per_million": f"{price.output_per_million.normalize():f}",
                },
            )
        form.auto_id = f"price-{index}-%s"
        pairs.append((row, form))
    new = bound if bound is not None and not bound.data.get("row") else ModelPriceForm(household=household)
    new.auto_id = "price-new-%s"
    return pairs, new


@require_http_methods(["GET", "POST"])
def ai_prices(request):
    household = request.household
    can_edit = request.membership.is_admin
    bound = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(ADMIN_ONLY)
        bound = ModelPriceForm(request.POST, household=household)
        if bound.is_valid():
            try:
                price = model_price_set(household=household, user=request.user, **bound.cleaned_data)
            except ValidationError as exc:
                add_errors(bound, exc)
            else:
                messages.success(
                    request, f"Saved the price of {usage.model_label(price.provider, price.model)}."
                )
                return redirect("ai_prices")
    rows = usage.price_table(household=household)
    pairs, new = _price_forms(household, rows, bound)
    return render(
        request,
        "budgets/ai_prices.html",
        {"pairs": pairs, "new_form": new, "can_edit": can_edit},
        status=400 if bound is not None and bound.errors else 200,
    )


@require_POST
@admin_required
def ai_price_delete(request, pk):
    price = get_object_or_404(ModelPrice.objects.for_household(request.household), pk=pk)
    model_price_delete(household=request.household, user=request.user, price=price)
    messages.success(
        request, f"{usage.model_label(price.provider, price.model)} is charged at its default price again."
    )
    return redirect("ai_prices")
