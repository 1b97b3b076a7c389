"""CSV export of the expense list, and the import pages: upload → map columns → status."""

from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses import csv_format, import_formats, selectors, services
from expenses.forms import ExpenseFilterForm
from expenses.models import Category, ImportBatch
from households.access import export_refused, wants_fragment
from households.views import add_errors

EXPORT_CHUNK = 2000
ERRORS_SHOWN = 500  # bad rows listed before "show all"
STALL_AFTER = timedelta(minutes=10)  # a running import with no progress for this long is called stuck


# ---------------------------------------------------------------- export


@require_GET
def expenses_export(request):
    """The expense list as CSV: the same query string gives the same rows."""
    household = request.household
    form = ExpenseFilterForm(request.GET, household=household)
    if not form.is_valid():
        return export_refused(form, "the expense list")
    filters = selectors.ExpenseFilter.from_cleaned(form.cleaned_data)
    rows = selectors.expense_rows(selectors.expenses_matching(household=household, filters=filters))
    if isinstance(request, ASGIRequest):  # daphne: stream for real, without a thread per chunk
        lines = csv_format.export_lines_async(rows, EXPORT_CHUNK)
    else:
        lines = csv_format.export_lines(rows.iterator(chunk_size=EXPORT_CHUNK))
    filename = f"hearth-expenses-{slugify(household.name) or 'household'}-{household.today().isoformat()}.csv"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- import: upload


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Bank statement (CSV)",
        help_text="A .csv file from your bank or card, up to 5 MB.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "This file is empty.",
            "invalid": "Choose a CSV file to upload.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data = b"" if upload.size > csv_format.MAX_UPLOAD_BYTES else upload.read()  # too large: unread
        try:
            self.parsed = csv_format.read_upload(
                upload.name or "", upload.content_type or "", upload.size, data
            )
        except csv_format.UploadError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


@require_http_methods(["GET", "POST"])
def import_upload(request):
    household = request.household
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.import_batch_create(
                    household=household,
                    user=request.user,
                    file_name=form.cleaned_data["file"].name,
                    upload=form.parsed,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("import_map", pk=batch.pk)
    else:
        form = ImportUploadForm()
    recent = ImportBatch.objects.for_household(household).defer("content", "errors")[:5]
    return render(
        request,
        "expenses/import_upload.html",
        {"form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- import: map the columns


def _column_choices(records: list[tuple[int, list[str]]]) -> list[tuple[int, str]]:
    first = records[0][1] if records else []
    width = max((len(cells) for _, cells in records), default=0)
    choices = []
    for index in range(width):
        cell = first[index].strip() if index < len(first) else ""
        if len(cell) > 40:
            cell = cell[:39] + "…"
        letter = csv_format.column_letter(index)
        choices.append((index, f"{letter}: {cell}" if cell else letter))
    return choices


def _optional_column(label: str, help_text: str) -> forms.TypedChoiceField:
    """A column the mapping may leave out: its index, or None."""
    return forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=label, help_text=help_text
    )


class ImportMappingForm(forms.Form):
    """Which column holds what, checked against the file's first rows."""

    date = forms.TypedChoiceField(
        coerce=int, label="Date column", error_messages={"required": "Pick the column with the dates."}
    )
    date_format = forms.ChoiceField(
        choices=[(f.key, f"{f.key} (like {f.example})") for f in csv_format.DATE_FORMATS],
        label="Dates are written as",
    )
    amount = forms.TypedChoiceField(
        coerce=int,
        label="Amount column",
        help_text="The money spent (YNAB's Outflow, a bank's Withdrawal). Money coming in is "
        "listed as skipped, not imported.",
        error_messages={"required": "Pick the column with the amounts."},
    )
    sign = forms.ChoiceField(choices=import_formats.SIGNS, required=False, label="Which amounts are spending")
    inflow = _optional_column(
        "Money-in column (optional)",
        "A separate column for money coming in: YNAB's Inflow, a bank's Deposit.",
    )
    type = _optional_column(
        "Debit/credit column (optional)",
        "A column saying debit or credit (Dr/Cr, Withdrawal/Deposit) for each row.",
    )
    decimal_comma = forms.TypedChoiceField(
        coerce=lambda value: value == "1",
        required=False,
        empty_value=None,
        choices=[("0", "1,234.56 (point before cents)"), ("1", "1.234,56 (comma before cents)")],
        label="Numbers are written as",
    )
    description = forms.TypedChoiceField(
        coerce=int,
        label="Description column",
        error_messages={"required": "Pick the column that says what the money was for."},
    )
    category = _optional_column(
        "Category column (optional)",
        "Read into your categories by name or meaning (“Dining Out” → Dining); "
        "you can change any in the inbox.",
    )
    has_header = forms.BooleanField(required=False, label="The first row is a header")

    def __init__(self, *args, records: list[tuple[int, list[str]]], decimal_comma: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = records
        self.decimal_comma = decimal_comma
        columns = _column_choices(records)
        for name in csv_format.REQUIRED_FIELDS:
            self.fields[name].choices = [("", "Choose a column"), *columns]
        self.fields["category"].choices = [("", "None: read from the description"), *columns]
        self.fields["inflow"].choices = [("", "None"), *columns]
        self.fields["type"].choices = [("", "None"), *columns]

    def clean(self):
        cleaned = super().clean()
        used: dict[int, str] = {}
        for name in (*csv_format.FIELDS, "inflow", "type"):
            index = cleaned.get(name)
            if index is None:
                continue
            if index in used:
                self.add_error(
                    name,
                    f"Column {csv_format.column_letter(index)} is already the {used[index]} column: "
                    "pick another.",
                )
            else:
                used[index] = name
        if self.errors:
            return cleaned
        rows = [cells for _, cells in self.records[1 if cleaned.get("has_header") else 0 :]]
        if not rows:
            raise ValidationError("There are no rows to import below the header.")
        self._check_dates(cleaned, rows)
        self._check_amounts(cleaned, rows)
        return cleaned

    def _check_dates(self, cleaned: dict, rows: list[list[str]]) -> None:
        index, date_format = cleaned["date"], cleaned["date_format"]
        values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
        if not values:
            self.add_error("date", "This column is empty in the first rows: pick the one with dates.")
            return
        for value in values:
            try:
                csv_format.parse_date(value, date_format)
            except csv_format.RowError:
                continue
            return
        self.add_error(
            "date_format",
            f"None of the first dates (like “{values[0][:40]}”) is written as {date_format}: "
            "pick the format they are in, or another column.",
        )

    def _check_amounts(self, cleaned: dict, rows: list[list[str]]) -> None:
        index = cleaned["amount"]
        values = [row[index].strip() for row in rows if index < len(row) and row[index].strip()]
        decimal_comma = cleaned.get("decimal_comma")
        decimal_comma = self.decimal_comma if decimal_comma is None else decimal_comma
        if cleaned.get("inflow") is not None:
            index_in = cleaned["inflow"]
            values += [row[index_in].strip() for row in rows if index_in < len(row) and row[index_in].strip()]
        for value in values:
            try:
                csv_format.parse_signed_amount(value, decimal_comma=decimal_comma)
            except csv_format.RowError:
                continue
            return
        example = f" (it has “{values[0][:40]}”)" if values else ""
        self.add_error(
            "amount",
            f"This column has no amounts in the first rows{example}: pick the one with the money.",
        )

    def mapping(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "date_format": data["date_format"],
            "amount": data["amount"],
            "description": data["description"],
            "category": data["category"],
            "has_header": data["has_header"],
            "sign": data["sign"] or import_formats.SPENT_POSITIVE,
            "inflow": data["inflow"],
            "type": data["type"],
            **({} if data["decimal_comma"] is None else {"decimal_comma": data["decimal_comma"]}),
        }


def _guess(batch: ImportBatch, records, household) -> dict:
    """The mapping the form opens with: the recognised layout's, else guessed from the header
    and the values; the date and number formats read from the columns' values."""
    has_header = bool(batch.mapping.get("has_header"))
    header = records[0][1] if has_header and records else None
    sample = [cells for _, cells in records[1 if has_header else 0 :]]
    recognised = import_formats.recognise(header)
    columns = dict(recognised.mapping) if recognised else csv_format.guess_columns(header, sample)

    def values(name: str) -> list[str]:
        index = columns.get(name)
        return [row[index] for row in sample if index is not None and index < len(row)]

    decimal_comma = csv_format.guess_decimal_comma(
        values("amount") + values("inflow"), default=household.decimal_comma
    )
    if "sign" not in columns:
        columns["sign"] = import_formats.guess_sign(values("amount"), decimal_comma=decimal_comma)
    return {
        **{k: v for k, v in columns.items() if k in ImportMappingForm.base_fields},
        "date_format": csv_format.guess_date_format(values("date"), month_first=household.month_first),
        "decimal_comma": "1" if decimal_comma else "0",
        "has_header": has_header,
    }


_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _initial_mapping(initial: dict) -> dict | None:
    """The guessed mapping as the import reads one, or None while a needed column is unknown."""
    if any(initial.get(name) is None for name in csv_format.REQUIRED_FIELDS):
        return None
    mapping = {k: initial.get(k) for k in ("date", "amount", "description", "category", "inflow", "type")}
    mapping.update(
        date_format=initial["date_format"],
        has_header=bool(initial.get("has_header")),
        sign=initial.get("sign") or import_formats.SPENT_POSITIVE,
        decimal_comma=initial.get("decimal_comma") == "1",
    )
    return mapping


def _category_choices(post, categories) -> dict[str, str]:
    """The preview's category table as posted: {source key: a category id of this household, or
    "new"}; anything else is left out."""
    allowed = {str(c.pk) for c in categories} | {"new"}
    choices = {}
    for name, key in post.items():
        if name.startswith("catkey-"):
            value = post.get("cat-" + name.removeprefix("catkey-"), "")
            if value in allowed and key.strip():
                choices[" ".join(key.split()).casefold()[:200]] = value
    return choices


@dataclass
class AmbiguousDates:
    """A date column every date of which reads day first and month first: the two formats, and
    two rows read both ways, to ask the person once."""

    day_first: str
    month_first: str
    samples: list  # (row number, text, as day first, as month first)


def _ambiguous_dates(records, mapping: dict | None) -> AmbiguousDates | None:
    if not mapping:
        return None
    index, start = mapping["date"], 1 if mapping["has_header"] else 0
    values = [
        (n, cells[index].strip())
        for n, cells in records[start:]
        if index < len(cells) and cells[index].strip()
    ]
    for day_first, month_first in (("DD/MM/YYYY", "MM/DD/YYYY"), ("DD/MM/YY", "MM/DD/YY")):
        both = []
        for number, value in values:
            try:
                as_day = csv_format.parse_date(value, day_first)
                as_month = csv_format.parse_date(value, month_first)
            except csv_format.RowError:
                break
            both.append((number, value, as_day, as_month))
        else:
            differ = [b for b in both if b[2] != b[3]]
            if differ:
                return AmbiguousDates(day_first, month_first, differ[:2])
    return None


DATE_ORDER_REQUIRED = "These dates read two ways: pick day first or month first above, then import."


@require_http_methods(["GET", "POST"])
def import_map(request, pk):
    household = request.household
    batch = get_object_or_404(ImportBatch.objects.for_household(household), pk=pk)
    if batch.state != ImportBatch.State.MAPPING:  # already started (a second submit, the back button)
        return redirect("import_status", pk=batch.pk)
    delimiter = batch.mapping.get("delimiter", ",")
    records = list(islice(csv_format.read_records(batch.content, delimiter), csv_format.SAMPLE_ROWS + 1))
    categories = list(Category.objects.for_household(household).filter(archived=False).order_by("name"))
    mapping = None
    if request.method == "POST":
        form = ImportMappingForm(request.POST, records=records, decimal_comma=household.decimal_comma)
        if form.is_valid():
            mapping = form.mapping()
            included = request.POST.getlist("include")
            mapping["include"] = [r for r in import_formats.INCLUDABLE if r in included]
            choices = _category_choices(request.POST, categories)
            ambiguous = _ambiguous_dates(records, mapping)
            order = request.POST.get("date_order")
            if ambiguous and order in ("day", "month"):
                mapping["date_format"] = ambiguous.day_first if order == "day" else ambiguous.month_first
            if (
                request.POST.get("action", "import") == "import"
                and ambiguous
                and order not in ("day", "month")
            ):
                form.add_error("date_format", DATE_ORDER_REQUIRED)  # asked once, before anything is written
            elif request.POST.get("action", "import") == "import":
                mapping["category_choices"] = services.import_categories_remember(
                    household=household, user=request.user, batch=batch, choices=choices
                )
                services.import_batch_start(
                    household=household, user=request.user, batch=batch, mapping=mapping
                )
                return redirect("import_status", pk=batch.pk)
            mapping["category_choices"] = {k: v for k, v in choices.items() if v != "new"}
    else:
        form = ImportMappingForm(initial=_guess(batch, records, household), records=records)
        mapping = _initial_mapping(form.initial)
    recognised = import_formats.recognise(
        records[0][1] if records and batch.mapping.get("has_header") else None
    )
    preview = services.import_preview(household=household, batch=batch, mapping=mapping) if mapping else None
    preview_rows = records[: csv_format.PREVIEW_ROWS]
    width = max((len(cells) for _, cells in preview_rows), default=0)
    return render(
        request,
        "expenses/import_map.html",
        {
            "batch": batch,
            "form": form,
            "letters": [csv_format.column_letter(i) for i in range(width)],
            "preview": [(number, cells + [""] * (width - len(cells))) for number, cells in preview_rows],
            "delimiter_name": _DELIMITER_NAMES.get(delimiter, f"“{delimiter}”"),
            "background": batch.total_rows >= services.BACKGROUND_ROWS,
            "recognised": recognised,
            "outcome": preview,
            "sources": sorted(preview.sources.values(), key=lambda s: (-s.rows, s.name)) if preview else [],
            "categories": categories,
            "ambiguous": _ambiguous_dates(records, mapping),
            "date_order": request.POST.get("date_order", ""),
            "includable": import_formats.INCLUDABLE,
            "included": (mapping or {}).get("include") or [],
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- import: status


@require_GET
def import_status(request, pk):
    batch = get_object_or_404(ImportBatch.objects.for_household(request.household).defer("content"), pk=pk)
    if batch.state == ImportBatch.State.MAPPING:
        return redirect("import_map", pk=batch.pk)
    running = batch.state in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING)
    show_all = request.GET.get("errors") == "all"
    context = {
        "batch": batch,
        "running": running,
        "stalled": running and timezone.now() - batch.updated_at > STALL_AFTER,
        "stall_minutes": int(STALL_AFTER.total_seconds() // 60),
        "bad_count": len(batch.errors),
        "errors": batch.errors if show_all else batch.errors[:ERRORS_SHOWN],
        "errors_hidden": 0 if show_all else max(0, len(batch.errors) - ERRORS_SHOWN),
        "skipped": selectors.skipped_by_reason(batch),
        "skipped_count": len(batch.skipped),
        "drafts_total": selectors.import_drafts_total(batch) if not running else None,
        "undoable": selectors.import_undoable(batch) if not running else 0,
    }
    if wants_fragment(request):
        return render(request, "expenses/import_status.html#import-status", context)
    return render(request, "expenses/import_status.html", context)


@require_POST
def import_undo(request, pk):
    """Undo an import as a whole: its pending drafts discarded, its confirmed expenses trashed."""
    batch = get_object_or_404(ImportBatch.objects.for_household(request.household).defer("content"), pk=pk)
    if batch.state in (ImportBatch.State.MAPPING, ImportBatch.State.QUEUED, ImportBatch.State.RUNNING):
        messages.error(request, "This import is not finished: undo it once it is.")
        return redirect("import_status", pk=batch.pk)
    discarded, trashed = services.import_batch_undo(
        household=request.household, user=request.user, batch=batch
    )
    messages.success(
        request,
        f"Undid {batch.file_name}: {discarded} draft{'s' if discarded != 1 else ''} discarded, "
        f"{trashed} expense{'s' if trashed != 1 else ''} moved to the trash.",
    )
    return redirect("import_status", pk=batch.pk)
