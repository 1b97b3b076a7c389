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
from simple_history.utils import bulk_update_with_history

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
    DraftState,
    Expense,
    ExpenseDraft,
    ImportBatch,
    Source,
)
from expenses.services.categories import category_create
from expenses.services.drafts import DraftData, draft_fields_apply, drafts_discard
from expenses.services.learning import learned_pairs, remember_word
from expenses.services.ledger import ledger_change_announce
from households.live import publish
from households.models import Household, Membership, User
from households.money import format_money
from households.problems import problem_message
from llmsettings.parser import ParseContext, category_for, learned_category

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


@transaction.atomic
def import_batch_undo(*, household: Household, user: User, batch: ImportBatch) -> tuple[int, int]:
    """Undo an import as a whole: its pending drafts are discarded (restorable from the inbox)
    and the expenses confirmed from it go to the trash (restorable there), each with a history
    entry. Returns (drafts discarded, expenses moved to the trash); a second undo moves nothing."""
    drafts = ExpenseDraft.objects.for_household(household).filter(import_batch=batch)
    discarded = drafts_discard(household=household, user=user, drafts=drafts)
    expenses = list(
        Expense.objects.for_household(household).alive().select_for_update().filter(draft__import_batch=batch)
    )
    now = timezone.now()
    for expense in expenses:
        expense.deleted_at, expense.updated_at = now, now
        expense._change_reason = f"Import {batch.file_name} undone"
    bulk_update_with_history(
        expenses, Expense, ["deleted_at", "updated_at"], batch_size=500, default_user=user
    )
    if expenses:
        ledger_change_announce(household, *{e.date for e in expenses})
    return discarded, len(expenses)


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
    context = _context_for(household, batch, batch.mapping, paid_by)
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


def _context_for(household: Household, batch: ImportBatch, mapping: dict, paid_by: User | None) -> _Context:
    categories = list(Category.objects.for_household(household).filter(archived=False))
    members = list(User.objects.filter(membership__household=household))
    by_pk = {str(c.pk): c for c in categories}
    chosen = {
        key: by_pk.get(str(pk))
        for key, pk in (mapping.get("category_choices") or {}).items()
        if str(pk) in by_pk
    }
    return _Context(
        household=household,
        batch=batch,
        categories={c.name.casefold(): c for c in categories},
        paid_by=paid_by,
        mapping=mapping,
        members=_member_names(members),
        reader=_reader(household, categories, members),
        suggested=chosen,  # the person's choices in the preview come before any suggestion
    )


# ---------------------------------------------------------------- the preview


@dataclass
class SourceCategory:
    """One of the file's own categories: how many rows, their total, and where they go."""

    name: str
    key: str
    rows: int = 0
    total: Decimal = Decimal(0)
    category: Category | None = None


@dataclass
class Preview:
    """What an import will do, read before anything is written, with the same reading as the
    import itself: so the drafts made add up to `total`."""

    rows: int = 0
    drafts: int = 0
    total: Decimal = Decimal(0)
    skipped: dict[str, list] = field(default_factory=dict)  # reason -> [count, total]
    bad: dict[str, int] = field(default_factory=dict)  # reason -> count
    sources: dict[str, SourceCategory] = field(default_factory=dict)
    read_rows: int = 0  # rows read, when a long file's preview reads only its start

    @property
    def skipped_count(self) -> int:
        return sum(count for count, _ in self.skipped.values())

    @property
    def bad_count(self) -> int:
        return sum(self.bad.values())


PREVIEW_MAX_ROWS = BACKGROUND_ROWS  # a longer file's preview reads its first rows only


def import_preview(*, household: Household, batch: ImportBatch, mapping: dict) -> Preview:
    """Read the batch's rows with `mapping` as the import will, and count: nothing is written."""
    mapping = {**batch.mapping, **mapping}
    context = _context_for(household, batch, mapping, None)
    rows = data_rows(batch.content, mapping.get("delimiter", ","), mapping["has_header"])
    preview = Preview(rows=batch.total_rows)
    for _, row in rows:
        if preview.read_rows >= PREVIEW_MAX_ROWS:
            break
        preview.read_rows += 1
        try:
            data = _row_data(context, row)
        except Skipped as exc:
            entry = preview.skipped.setdefault(exc.reason, [0, Decimal(0)])
            entry[0] += 1
            entry[1] += exc.amount or 0
            continue
        except RowError as exc:
            reason = str(exc)
            preview.bad[reason] = preview.bad.get(reason, 0) + 1
            continue
        preview.drafts += 1
        preview.total += data.amount or 0
        source = untext_cell(import_formats.cell(row, mapping.get("category")))
        if mapping.get("category") is not None and source:
            key = _source_key(source)
            entry = preview.sources.setdefault(key, SourceCategory(name=" ".join(source.split()), key=key))
            entry.rows += 1
            entry.total += data.amount or 0
            entry.category = context.suggested.get(key)
    return preview


def _source_key(source: str) -> str:
    return " ".join(source.split()).casefold()


def import_categories_remember(
    *, household: Household, user: User, batch: ImportBatch, choices: dict[str, str]
) -> dict[str, str]:
    """The person's category for each of the file's own categories, as {source key: category
    pk}: "new" makes a category of the source's name first. A choice that differs from what
    Hearth suggested is remembered as the household's word, so the next file says it again."""
    if not choices:
        return {}
    context = _context_for(household, batch, {**batch.mapping, "category_choices": {}}, None)
    categories = {str(c.pk): c for c in Category.objects.for_household(household).filter(archived=False)}
    names = {c.name.casefold(): c for c in categories.values()}
    out: dict[str, str] = {}
    for key, value in choices.items():
        if value == "new":
            name = " ".join(key.split()).title()[:60]
            category = names.get(name.casefold()) or category_create(
                household=household, user=user, name=name, colour="#546e7a"
            )
            names[category.name.casefold()] = category
        else:
            category = categories.get(value)
        if category is None:
            continue
        out[key] = str(category.pk)
        suggested = _suggest_category(context, key, "")
        if suggested is None or suggested.pk != category.pk:
            remember_word(household=household, user=user, phrase=key, category=category)
    return out


def _row_data(context: _Context, row: list[str]) -> DraftData:
    """A row as a draft's data; Skipped when it is not an expense, RowError when unreadable."""
    mapping = context.mapping
    reasons = []
    when = amount = None
    decimal_comma = mapping.get("decimal_comma", context.household.decimal_comma)
    try:
        when = parse_date(import_formats.cell(row, mapping["date"]), mapping["date_format"])
    except RowError as exc:
        reasons.append(str(exc))
    try:
        amount = import_formats.spent(row, mapping, decimal_comma=bool(decimal_comma))
    except RowError as exc:
        reasons.append(str(exc))
    if reasons:
        reason = "; ".join(reasons)
        raise RowError(reason[0].upper() + reason[1:] + ".")
    description = untext_cell(import_formats.cell(row, mapping["description"]))
    data = DraftData(
        amount=amount,
        date=when,
        description=description,
        category=_suggest_category(
            context, untext_cell(import_formats.cell(row, mapping.get("category"))), description
        ),
    )
    if mapping.get("shares"):
        data.amount, data.paid_by, problems = _splitwise_share(context, row, amount, decimal_comma)
        data.problems.extend(problems)
    currency = import_formats.cell(row, mapping.get("currency")).upper()
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
    """The Hearth category for a row: the source app's category by its name, the household's
    learned words, a synonym or its words ("Dining Out" → Dining, "Rent/Mortgage" → Housing),
    else the payee's words, as the chat reads them; the household's fallback category when
    nothing says."""
    key = " ".join(source.split()).casefold()
    if key not in context.suggested:
        found = context.categories.get(key)
        if found is None and key and context.reader is not None:  # what the household taught
            found = context.categories.get((learned_category(source, context.reader) or "").casefold())
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
        text = import_formats.cell(row, int(index))
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


def _duplicate_problem(row, household: Household) -> str:
    """The problem of a row that repeats an expense or a pending draft."""
    what = row.description or (row.category.name if row.category else "an expense")
    money = format_money(row.amount, household, currency=getattr(row, "currency", None) or household.currency)
    day = f"{row.date.day} {row.date:%b %Y}"
    return problem_message("duplicate", what=what, money=money, day=day)


def _existing(household: Household, rows: list[DraftData], batch: ImportBatch) -> dict[tuple, object]:
    """The household's live expenses and pending drafts (of other imports, the chat …) these rows
    may repeat, by (date, amount, folded description): expenses first.

    Two queries for the whole chunk, whatever its size.
    """
    rows = [d for d in rows if d.date is not None and d.amount is not None]
    if not rows:
        return {}
    dates = [d.date for d in rows]
    near = Q(date__range=(min(dates), max(dates))) & Q(amount__in={d.amount for d in rows})
    expenses = (
        Expense.objects.for_household(household)
        .alive()
        .filter(near)
        .select_related("category")
        .order_by("date", "created_at")
    )
    drafts = (
        ExpenseDraft.objects.for_household(household)
        .filter(near, state=DraftState.PENDING)
        .exclude(import_batch=batch)
        .select_related("category")
        .order_by("date", "created_at")
    )
    found: dict[tuple, object] = {}
    for row in [*expenses, *drafts]:
        found.setdefault((row.date, row.amount, fold(row.description)), row)
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
    existing = _existing(household, [data for _, _, data in parsed], batch)
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
            duplicate_of=match if isinstance(match, Expense) else None,
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
