"""CSV import as writes: an upload becomes an ImportBatch, the person maps its columns, and the
rows become drafts in the inbox, CHUNK_ROWS per transaction (in the request for small files, in
the background from BACKGROUND_ROWS rows: expenses.tasks). Every data row ends up either as a
draft or in the batch's errors with a reason: nothing is skipped silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from expenses import import_formats
from expenses.csv_format import (
    ParsedUpload,
    RowError,
    data_rows,
    fold,
    parse_date,
    parse_signed_amount,
    read_records,
    untext_cell,
)
from expenses.import_formats import Skipped
from expenses.models import (
    Category,
    Expense,
    ExpenseDraft,
    ImportBatch,
    Source,
)
from expenses.services.drafts import DraftData, draft_fields_apply
from expenses.services.learning import learned_pairs
from households.live import publish
from households.models import Household, Membership, User
from households.money import format_money
from households.problems import problem_message
from llmsettings.parser import ParseContext, category_for

logger = logging.getLogger(__name__)

BACKGROUND_ROWS = 5000  # from this many data rows on, a django-q2 task does the work
CHUNK_ROWS = 500  # rows per transaction: one duplicate query, one bulk insert, one progress update
TASK_NAME = "expenses.tasks.import_batch_task"


# ---------------------------------------------------------------- services


@transaction.atomic
def import_batch_create(
    *, household: Household, user: User, file_name: str, upload: ParsedUpload
) -> ImportBatch:
    mapping = {"delimiter": upload.delimiter, "has_header": upload.has_header}
    if upload.has_header:
        header = next(read_records(upload.text, upload.delimiter), (0, []))[1]
        recognised = import_formats.recognise(header)
        if recognised is not None:  # what the form does not show: the layout, Splitwise's people
            mapping.update(
                {k: v for k, v in recognised.mapping.items() if k in ("preset", "shares", "currency")}
            )
    batch = ImportBatch(
        household=household,
        created_by=user,
        file_name=file_name[:200],
        content=upload.text,
        mapping=mapping,
        state=ImportBatch.State.MAPPING,
        total_rows=upload.total_rows,
    )
    batch.full_clean(exclude=["household", "created_by"])
    batch.save()
    return batch


def import_batch_start(*, household: Household, user: User, batch: ImportBatch, mapping: dict) -> ImportBatch:
    """Save the mapping and import: now, or in the background for BACKGROUND_ROWS rows or more.

    Starting twice (a double submit) imports once: only a batch still waiting for its mapping starts.
    """
    mapping = {**batch.mapping, **mapping}
    total = sum(1 for _ in data_rows(batch.content, mapping.get("delimiter", ","), mapping["has_header"]))
    background = total >= BACKGROUND_ROWS
    state = ImportBatch.State.QUEUED if background else ImportBatch.State.RUNNING
    started = (
        ImportBatch.objects.for_household(household)
        .filter(pk=batch.pk, state=ImportBatch.State.MAPPING)
        .update(mapping=mapping, total_rows=total, state=state, updated_at=timezone.now())
    )
    batch.refresh_from_db()
    batch.household = household
    if not started:
        return batch
    if background:
        transaction.on_commit(lambda: _enqueue(batch.pk))
    else:
        import_batch_run(batch=batch)
    return batch


def _enqueue(batch_id) -> None:
    from django_q.tasks import async_task

    try:
        async_task(TASK_NAME, str(batch_id), task_name=f"import-{batch_id}")
    except Exception:
        logger.exception("Could not queue import %s", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(state=ImportBatch.State.FAILED)


@dataclass
class _Context:
    household: Household
    batch: ImportBatch
    categories: dict[str, Category]
    paid_by: User | None
    mapping: dict
    members: dict[str, User] = field(default_factory=dict)  # folded full and first name -> member
    reader: ParseContext | None = None  # how a source category or a payee becomes a category
    suggested: dict[str, Category | None] = field(default_factory=dict)  # read once per text


def import_batch_run(*, batch: ImportBatch) -> ImportBatch:
    """Turn the batch's rows into drafts, CHUNK_ROWS per transaction, recording progress."""
    if batch.state not in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING):
        return batch
    if batch.state == ImportBatch.State.QUEUED:
        batch.state = ImportBatch.State.RUNNING
        batch.save(update_fields=["state", "updated_at"])
    household = batch.household
    paid_by = None
    if (
        batch.created_by_id
        and Membership.objects.filter(household=household, user_id=batch.created_by_id).exists()
    ):
        paid_by = batch.created_by
    categories = list(Category.objects.for_household(household).filter(archived=False))
    members = list(User.objects.filter(membership__household=household))
    context = _Context(
        household=household,
        batch=batch,
        categories={c.name.casefold(): c for c in categories},
        paid_by=paid_by,
        mapping=batch.mapping,
        members=_member_names(members),
        reader=_reader(household, categories, members),
        suggested={},
    )
    try:
        rows = list(
            data_rows(batch.content, batch.mapping.get("delimiter", ","), batch.mapping["has_header"])
        )
        for start in range(batch.processed_rows, len(rows), CHUNK_ROWS):
            _import_chunk(context, rows[start : start + CHUNK_ROWS])
    except Exception:
        logger.exception("Import %s stopped after %s rows", batch.pk, batch.processed_rows)
        batch.refresh_from_db()
        batch.state = ImportBatch.State.FAILED
        batch.save(update_fields=["state", "updated_at"])
        return batch
    batch.state = ImportBatch.State.DONE
    batch.total_rows = batch.processed_rows
    batch.save(update_fields=["state", "total_rows", "updated_at"])
    return batch


def _cell(row: list[str], index) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _row_data(context: _Context, row: list[str]) -> DraftData:
    """A row as a draft's data; Skipped when it is not an expense, RowError when unreadable."""
    mapping = context.mapping
    reasons = []
    when = amount = None
    decimal_comma = mapping.get("decimal_comma", context.household.decimal_comma)
    try:
        when = parse_date(_cell(row, mapping["date"]), mapping["date_format"])
    except RowError as exc:
        reasons.append(str(exc))
    try:
        amount = import_formats.spent(row, mapping, decimal_comma=bool(decimal_comma))
    except RowError as exc:
        reasons.append(str(exc))
    if reasons:
        reason = "; ".join(reasons)
        raise RowError(reason[0].upper() + reason[1:] + ".")
    description = untext_cell(_cell(row, mapping["description"]))
    data = DraftData(
        amount=amount,
        date=when,
        description=description,
        category=_suggest_category(context, untext_cell(_cell(row, mapping.get("category"))), description),
    )
    if mapping.get("shares"):
        data.amount, data.paid_by, problems = _splitwise_share(context, row, amount, decimal_comma)
        data.problems.extend(problems)
    currency = _cell(row, mapping.get("currency")).upper()
    if currency and currency != context.household.currency:
        data.problems.append(
            problem_message("other_currency", theirs=currency, ours=context.household.currency)
        )
    return data


def _member_names(members) -> dict[str, User]:
    names: dict[str, User] = {}
    for member in members:
        full = " ".join(member.name.split()).casefold()
        if full:
            names.setdefault(full, member)
            names.setdefault(full.split()[0], member)
    return names


def _reader(household: Household, categories, members) -> ParseContext:
    return ParseContext(
        today=household.today(),
        speaker="",
        members=[m.name for m in members],
        categories=[c.name for c in categories],
        currency=household.currency,
        learned=learned_pairs(household),
    )


def _suggest_category(context: _Context, source: str, description: str) -> Category | None:
    """The Hearth category for a row: the source app's category by its name, a synonym or its
    words ("Dining Out" → Dining, "Rent/Mortgage" → Housing), else the payee's words, as the chat
    reads them (learned words first); the household's fallback category when nothing says."""
    key = " ".join(source.split()).casefold()
    if key not in context.suggested:
        found = context.categories.get(key)
        if found is None and key:
            found = context.categories.get(import_formats.SYNONYMS.get(key, "").casefold())
        if found is None and key and context.reader is not None:
            name = category_for(source.replace("/", " ").replace("&", " "), context.reader)
            found = context.categories.get((name or "").casefold())
            if found is not None and found.name.casefold() == "other" and key != "other":
                found = None  # a word the tables only know as Other says nothing
        context.suggested[key] = found
    found = context.suggested[key]
    if found is None and context.reader is not None:
        name = category_for(description, context.reader)
        found = context.categories.get((name or "").casefold()) or context.categories.get("other")
    return found


def _splitwise_share(context: _Context, row: list[str], cost, decimal_comma):
    """The household's part of a Splitwise row and who paid: each member column holds what that
    person paid less their share. A household member with a positive balance paid; the others'
    negative balances are their shares, which the household does not pay for."""
    ours, theirs, payer = [], [], None
    best = outsider = None
    for index, name in context.mapping["shares"].items():
        text = _cell(row, int(index))
        try:
            value = parse_signed_amount(text, decimal_comma=decimal_comma) if text else Decimal(0)
        except RowError:
            continue
        member = context.members.get(" ".join(name.split()).casefold()) or context.members.get(
            name.split()[0].casefold() if name.split() else ""
        )
        (ours if member else theirs).append(value)
        if member and value > 0 and (best is None or value > best):
            best, payer = value, member
        if not member and value > 0:
            outsider = name
    if not ours:  # no column names a member: the whole cost, flagged to check who paid
        return (
            cost,
            None,
            [problem_message("not_a_member", name=", ".join(context.mapping["shares"].values())[:60])],
        )
    if payer is not None:
        share = cost + sum((v for v in theirs if v < 0), Decimal(0))
    else:  # someone outside the household paid: the household's part is what it owes them
        share = -sum(ours, Decimal(0))
    if share <= 0:
        raise Skipped(import_formats.NOT_OURS, cost)
    problems = [] if payer or not outsider else [problem_message("not_a_member", name=outsider[:60])]
    return share, payer, problems


def _duplicate_problem(expense: Expense, household: Household) -> str:
    what = expense.description or expense.category.name
    money = format_money(expense.amount, household, currency=expense.currency)
    day = f"{expense.date.day} {expense.date:%b %Y}"
    return problem_message("duplicate", what=what, money=money, day=day)


def _existing(household: Household, rows: list[DraftData]) -> dict[tuple, Expense]:
    """The household's live expenses these rows may repeat, by (date, amount, folded description).

    One query for the whole chunk, whatever its size.
    """
    if not rows:
        return {}
    dates = [d.date for d in rows]
    matches = (
        Expense.objects.for_household(household)
        .alive()
        .filter(Q(date__range=(min(dates), max(dates))) & Q(amount__in={d.amount for d in rows}))
        .select_related("category")
        .order_by("date", "created_at")
    )
    found: dict[tuple, Expense] = {}
    for expense in matches:
        found.setdefault((expense.date, expense.amount, fold(expense.description)), expense)
    return found


def _import_chunk(context: _Context, rows: list[tuple[int, list[str]]]) -> None:
    household, batch = context.household, context.batch
    errors, parsed, skipped = [], [], []
    for number, row in rows:
        try:
            parsed.append((number, row, _row_data(context, row)))
        except Skipped as exc:
            amount = f"{exc.amount:.2f}" if exc.amount is not None else None
            skipped.append({"row": number, "reason": exc.reason, "amount": amount})
        except RowError as exc:
            errors.append({"row": number, "reason": str(exc)})
    existing = _existing(household, [data for _, _, data in parsed])
    drafts, duplicates = [], 0
    for number, row, data in parsed:
        match = existing.get((data.date, data.amount, fold(data.description)))
        if match is not None:
            duplicates += 1
            data.problems.append(_duplicate_problem(match, household))
        draft = ExpenseDraft(
            household=household,
            source=Source.IMPORT,
            raw_text=", ".join(cell.strip() for cell in row),
            created_by_id=batch.created_by_id,
            import_batch=batch,
            import_row=number,
            duplicate_of=match,
        )
        draft_fields_apply(household, draft, data)  # the same checks and problems as draft_create
        draft.paid_by = data.paid_by or context.paid_by
        drafts.append(draft)
    with transaction.atomic():
        ExpenseDraft.objects.bulk_create(drafts)
        batch.processed_rows += len(rows)
        batch.draft_count += len(drafts)
        batch.duplicate_count += duplicates
        batch.errors = [*batch.errors, *errors]
        batch.skipped = [*batch.skipped, *skipped]
        batch.save(
            update_fields=[
                "processed_rows",
                "draft_count",
                "duplicate_count",
                "errors",
                "skipped",
                "updated_at",
            ]
        )
        if drafts:
            publish(household, "drafts")
