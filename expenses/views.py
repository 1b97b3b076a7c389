import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses import selectors, services
from expenses.forms import (
    CategoryForm,
    ChatForm,
    DraftForm,
    ExpenseFilterForm,
    ExpenseForm,
    LearnedWordForm,
    MergeForm,
    household_members,
)
from expenses.models import (
    Category,
    ChatMessage,
    DraftState,
    Expense,
    ExpenseDraft,
    ExpenseStatus,
    ImportBatch,
    LearnedWord,
)
from expenses.services import DraftData, DraftNotPending, ExpenseData
from households.access import next_url, redirect_next, wants_fragment
from households.views import add_errors

PAGE_SIZE = 50


def _expense_data(cleaned: dict) -> ExpenseData:
    return ExpenseData(
        amount=cleaned["amount"],
        category=cleaned["category"],
        date=cleaned["date"],
        description=cleaned.get("description", ""),
        status=cleaned["status"],
        due_date=cleaned.get("due_date"),
        paid_by=cleaned["paid_by"],
    )


def _new_expense_form(request, data=None, *, ranked=None):
    return ExpenseForm(
        data,
        household=request.household,
        ranked=ranked,
        prefix="add",
        initial={
            "date": request.household.today(),
            "paid_by": request.user,
            "status": ExpenseStatus.PAID,
        },
    )


def _list_context(request, query: QueryDict) -> dict:
    household = request.household
    # A bare /expenses/ shows this month, so the page costs the same with years of expenses;
    # "All time" is one click away (an empty month).
    default_month = not query
    if default_month:
        query = QueryDict(f"month={household.today():%Y-%m}")
    ranked = selectors.categories_by_use(household=household)  # the filter's and the add form's
    filter_form = ExpenseFilterForm(query, household=household, ranked=ranked)
    cleaned = filter_form.cleaned_data if filter_form.is_valid() else {}
    filters = selectors.ExpenseFilter.from_cleaned(cleaned)
    matching = selectors.expenses_matching(household=household, filters=filters)
    page = Paginator(selectors.expense_rows(matching), PAGE_SIZE).get_page(query.get("page"))
    params = query.copy()
    params.pop("page", None)
    return {
        "filter_form": filter_form,
        "filters": filters,
        "page": page,
        "totals": selectors.spend_totals(matching),
        "today": household.today(),
        "query": params.urlencode(),
        "is_filtered": not default_month and any(v for k, v in query.items() if k != "page"),
        "default_month": default_month,
        "ranked": ranked,
    }


@require_GET
def expense_list(request):
    context = _list_context(request, request.GET)
    if wants_fragment(request):
        return render(request, "expenses/list.html#expense-results", {**context, "oob_summary": True})
    context["add_form"] = _new_expense_form(request, ranked=context["ranked"])
    return render(request, "expenses/list.html", context)


@require_POST
def expense_add(request):
    form = _new_expense_form(request, request.POST)
    if form.is_valid():
        try:
            expense = services.expense_create(
                household=request.household,
                user=request.user,
                data=_expense_data(form.cleaned_data),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if not wants_fragment(request):
                messages.success(request, f"Saved {expense.description or expense.category.name}.")
                return redirect("expenses")
            context = _list_context(request, QueryDict(request.GET.urlencode()))
            form = _new_expense_form(request, ranked=context["ranked"])
            context.update(add_form=form, just_added=expense)
            return render(request, "expenses/list.html#expense-workspace", context)
    if wants_fragment(request):
        context = _list_context(request, QueryDict(request.GET.urlencode()))
        context["add_form"] = form
        return render(request, "expenses/list.html#expense-workspace", context, status=200)
    context = _list_context(request, QueryDict())
    context["add_form"] = form
    return render(request, "expenses/list.html", context, status=400)


def _get_expense(request, pk, *, alive=True) -> Expense:
    qs = Expense.objects.for_household(request.household).select_related("category", "paid_by")
    qs = qs.alive() if alive else qs
    return get_object_or_404(qs, pk=pk)


def _row(request, expense, **extra):
    return render(
        request,
        "expenses/list.html#expense-row",
        {"expense": expense, "today": request.household.today(), **extra},
    )


@require_GET
def expense_detail(request, pk):
    expense = get_object_or_404(
        Expense.objects.for_household(request.household).select_related("category", "paid_by", "logged_by"),
        pk=pk,
    )
    history = expense.history.select_related("history_user", "category").order_by("-history_date")[:50]
    changes = []
    records = list(history)
    for newer, older in zip(records, [*records[1:], None], strict=True):
        diff = newer.diff_against(older).changes if older is not None else []
        changes.append({"record": newer, "changes": diff})
    return render(
        request,
        "expenses/detail.html",
        {"expense": expense, "changes": changes, "today": request.household.today()},
    )


@require_http_methods(["GET", "POST"])
def expense_edit(request, pk):
    expense = _get_expense(request, pk)
    initial = {
        "amount": expense.amount,
        "description": expense.description,
        "category": expense.category,
        "date": expense.date,
        "paid_by": expense.paid_by,
        "status": expense.status,
        "due_date": expense.due_date,
    }
    form = ExpenseForm(
        request.POST or None,
        household=request.household,
        current_category=expense.category,
        current_paid_by=expense.paid_by,
        occasion=expense.occasion_id,
        initial=initial,
        prefix=f"e{expense.pk.hex[:8]}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.expense_update(
                household=request.household,
                user=request.user,
                expense=expense,
                data=_expense_data(form.cleaned_data),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if wants_fragment(request):
                return _row(request, _get_expense(request, expense.pk), flash="Saved")
            messages.success(request, "Expense saved.")
            return redirect("expense_detail", pk=expense.pk)
    template = "expenses/list.html#expense-edit-row" if wants_fragment(request) else "expenses/edit.html"
    return render(request, template, {"expense": expense, "form": form})


@require_GET
def expense_row(request, pk):
    return _row(request, _get_expense(request, pk))


@require_POST
def expense_mark_paid(request, pk):
    expense = services.expense_mark_paid(
        household=request.household, user=request.user, expense=_get_expense(request, pk)
    )
    if wants_fragment(request):
        return _row(request, _get_expense(request, expense.pk), flash="Marked paid")
    messages.success(request, "Marked as paid.")
    return redirect_next(request, "expenses")


@require_POST
def expense_delete(request, pk):
    expense = services.expense_delete(
        household=request.household, user=request.user, expense=_get_expense(request, pk)
    )
    if wants_fragment(request):
        return render(request, "expenses/list.html#expense-deleted-row", {"expense": expense})
    messages.success(request, "Moved to the trash. You can restore it from there for 30 days.")
    return redirect("expenses")


@require_POST
def expense_restore(request, pk):
    expense = services.expense_restore(
        household=request.household,
        user=request.user,
        expense=_get_expense(request, pk, alive=False),
    )
    if wants_fragment(request) and request.POST.get("from") == "list":
        return _row(request, _get_expense(request, expense.pk), flash="Restored")
    if wants_fragment(request):
        return HttpResponse("")
    messages.success(request, "Restored.")
    return redirect_next(request, "trash")


@require_GET
def trash(request):
    page = Paginator(selectors.trash(household=request.household), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "expenses/trash.html", {"page": page})


# ---------------------------------------------------------------- inbox


def draft_card_context(request, drafts) -> dict:
    """Cards share their pickers: one categories query and one members query per page. The
    categories are those of a new expense, most used first, and any a card's draft names."""
    pickers = _draft_pickers(request, [draft.category_id for draft in drafts])
    cards = [
        {
            "draft": draft,
            "form": DraftForm(
                household=request.household,
                pickers=pickers,
                prefix=f"d{draft.pk.hex[:8]}",
                initial={
                    "amount": draft.amount,
                    "description": draft.description,
                    "category": draft.category_id,
                    "date": draft.date,
                    "paid_by": draft.paid_by_id,
                    "status": draft.status,
                    "due_date": draft.due_date,
                },
            ),
        }
        for draft in drafts
    ]
    return {"cards": cards}


def _draft_pickers(request, category_ids) -> tuple[list, list]:
    ranked = selectors.categories_by_use(household=request.household)
    categories = selectors.entry_categories(ranked, also=frozenset(filter(None, category_ids)))
    return categories, list(household_members(request.household))


def _draft_form(request, draft, data=None):
    return DraftForm(
        data,
        household=request.household,
        pickers=_draft_pickers(request, [draft.category_id]),
        prefix=f"d{draft.pk.hex[:8]}",
    )


def _draft_data(cleaned: dict) -> DraftData:
    return DraftData(
        amount=cleaned.get("amount"),
        category=cleaned.get("category"),
        date=cleaned.get("date"),
        description=cleaned.get("description") or "",
        status=cleaned.get("status") or ExpenseStatus.PAID,
        due_date=cleaned.get("due_date"),
        paid_by=cleaned.get("paid_by"),
    )


INBOX_PAGE_SIZE = 25
INBOX_SHOWS = {"": "All pending", "ready": "Ready", "review": "Needs review", "discarded": "Discarded"}


def _inbox_batch(request):
    """The import batch the inbox is narrowed to (?batch=<id>), or None for every draft."""
    value = request.GET.get("batch") or request.POST.get("batch") or ""
    if not value:
        return None
    try:
        return ImportBatch.objects.for_household(request.household).only("pk", "file_name").get(pk=value)
    except (ImportBatch.DoesNotExist, ValidationError, ValueError):
        messages.info(request, "That import is not in this household's inbox; showing every draft.")
        return None


def _inbox_context(request) -> dict:
    """One page of cards and the counts above them: the same few queries with 10 or 50,000 drafts."""
    household = request.household
    batch = _inbox_batch(request)
    show = request.GET.get("show", "")
    show = show if show in INBOX_SHOWS else ""
    scope = ExpenseDraft.objects.for_household(household)
    if batch is not None:
        scope = scope.filter(import_batch=batch)
    counts = selectors.draft_counts(scope)
    state = DraftState.DISCARDED if show == "discarded" else DraftState.PENDING
    drafts = selectors.pending_drafts(household=household, state=state)
    if batch is not None:
        drafts = drafts.filter(import_batch=batch)
    if show == "ready":
        drafts = selectors.ready_drafts(drafts)
    elif show == "review":
        drafts = drafts.exclude(problems=[])
    total = {"": "pending", "ready": "ready", "review": "review", "discarded": "discarded"}[show]
    paginator = Paginator(drafts, INBOX_PAGE_SIZE)
    paginator.count = counts[total]  # known already: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    params = QueryDict(mutable=True)
    if batch is not None:
        params["batch"] = str(batch.pk)
    if show:
        params["show"] = show
    here = params.copy()
    if page.number > 1:
        here["page"] = page.number
    base = f"batch={batch.pk}&" if batch is not None else ""
    tabs = [
        {
            "label": label,
            "count": counts["pending" if key == "" else key],
            "href": f"?{base}show={key}" if key else f"?{base}".rstrip("&") or "?",
            "current": key == show,
        }
        for key, label in INBOX_SHOWS.items()
    ]
    context = draft_card_context(request, page.object_list)
    context.update(
        tabs=tabs,
        page=page,
        counts=counts,
        batch=batch,
        show=show,
        shows=INBOX_SHOWS,
        batches=selectors.import_batches_with_pending(household=household) if batch is None else [],
        query=params.urlencode(),
        here=f"{reverse('inbox')}?{here.urlencode()}" if here else reverse("inbox"),
    )
    return context


@require_GET
def inbox(request):
    context = _inbox_context(request)
    if wants_fragment(request):
        return render(request, "expenses/inbox.html#inbox-cards", context)
    return render(request, "expenses/inbox.html", context)


def _get_draft(request, pk) -> ExpenseDraft:
    return get_object_or_404(
        ExpenseDraft.objects.for_household(request.household).select_related(
            "category", "paid_by", "expense"
        ),
        pk=pk,
    )


def _card(request, draft, form=None, **extra):
    if form is None:
        context = draft_card_context(request, [draft])
        card = context["cards"][0]
    else:
        card = {"draft": draft, "form": form}
    if request.POST.get("from") == "chat":
        extra.update(in_chat=True, next=reverse("chat"))
    return render(request, "expenses/inbox.html#draft-card", {"card": card, **extra})


def _with_chat_confirm_all(request, draft, response):
    """A card confirmed or discarded in the chat also updates its message's "Confirm all" button
    (gone once fewer than two drafts of the message wait). Only the chat page has that button."""
    if request.POST.get("from") != "chat" or draft.chat_message_id is None:
        return response
    pending = ExpenseDraft.objects.for_household(request.household).filter(
        chat_message_id=draft.chat_message_id, state=DraftState.PENDING
    )
    oob = render(
        request,
        "expenses/chat.html#chat-confirm-all",
        {
            "reply_pk": draft.chat_message_id,
            "pending": list(pending.values_list("pk", flat=True)),
            "oob": True,
        },
    )
    response.content += oob.content
    return response


@require_POST
def draft_confirm(request, pk):
    draft = _get_draft(request, pk)
    form = _draft_form(request, draft, request.POST)
    error = None
    if form.is_valid():
        try:
            expense = services.draft_confirm(
                household=request.household,
                user=request.user,
                draft=draft,
                data=_draft_data(form.cleaned_data),
            )
        except DraftNotPending as exc:
            error = exc.messages[0]
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if wants_fragment(request):
                return _with_chat_confirm_all(
                    request,
                    draft,
                    render(
                        request,
                        "expenses/inbox.html#draft-saved",
                        {"draft": _get_draft(request, pk), "expense": expense},
                    ),
                )
            messages.success(request, "Saved to the ledger.")
            return redirect_next(request, "inbox")
    if error and not wants_fragment(request):
        messages.info(request, error)
        return redirect_next(request, "inbox")
    if error:
        return _card(request, _get_draft(request, pk), notice=error)
    if wants_fragment(request):
        return _card(request, draft, form=form)
    context = _inbox_context(request)
    for card in context["cards"]:
        if card["draft"].pk == draft.pk:
            card["form"] = form
    return render(request, "expenses/inbox.html", context, status=400)


@require_POST
def draft_discard(request, pk):
    draft = _get_draft(request, pk)
    try:
        services.draft_discard(household=request.household, user=request.user, draft=draft)
    except DraftNotPending as exc:
        if wants_fragment(request):
            return _card(request, draft, notice=exc.messages[0])
        messages.info(request, exc.messages[0])
        return redirect_next(request, "inbox")
    if wants_fragment(request):
        return _with_chat_confirm_all(
            request, draft, render(request, "expenses/inbox.html#draft-discarded", {"draft": draft})
        )
    messages.success(request, "Draft discarded.")
    return redirect_next(request, "inbox")


@require_POST
def draft_undo(request, pk):
    """Undo a confirm: the expense it made goes to the trash."""
    draft = _get_draft(request, pk)
    if draft.expense is not None:
        services.expense_delete(household=request.household, user=request.user, expense=draft.expense)
    if wants_fragment(request):
        return render(request, "expenses/inbox.html#draft-undone", {"draft": draft})
    messages.success(request, "Moved to the trash.")
    return redirect_next(request, "inbox")


def _bulk_drafts(request):
    """The drafts a bulk action is for: the ticked ones (`draft`), or with `scope=all` every draft
    of the inbox (or of the import `batch`). None when nothing was chosen: never "all" by default."""
    drafts = ExpenseDraft.objects.for_household(request.household)
    if request.POST.get("scope") == "all":
        batch = _inbox_batch(request)
        return drafts.filter(import_batch=batch) if batch is not None else drafts
    ids = []
    for value in request.POST.getlist("draft"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return drafts.filter(pk__in=ids) if ids else None


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _chat_entry(request, pk, notice=""):
    """A reply of the chat with its cards, re-rendered after a bulk action on them."""
    reply = get_object_or_404(
        ChatMessage.objects.for_household(request.household).select_related("author"),
        pk=pk,
        role=ChatMessage.Role.HEARTH,
    )
    entry = _chat_thread(request, [reply])[0]
    return render(
        request, "expenses/chat.html#chat-entry", {"entry": entry, "notice": notice, "next": reverse("chat")}
    )


@require_POST
def drafts_confirm_all(request):
    """Confirm all ready drafts (`scope=all`, optionally of one import) or the ticked ones; the
    drafts that need something stay pending with their problems."""
    drafts = _bulk_drafts(request)
    if drafts is None:
        notice = "Tick the drafts to confirm first, or use “Confirm all ready”."
        saved = left = 0
    else:
        saved = services.drafts_confirm_ready(household=request.household, user=request.user, drafts=drafts)
        left = drafts.filter(state=DraftState.PENDING).count()
        if saved and left:
            notice = (
                f"Saved {_plural(saved, 'expense')}; {left:,} still need{'s' if left == 1 else ''} something."
            )
        elif saved:
            notice = f"Saved {_plural(saved, 'expense')}."
        elif left:
            who = "the draft needs" if left == 1 else f"all {left:,} need"
            notice = f"Nothing was saved: {who} something first."
        else:
            notice = "Nothing was waiting: those drafts were already confirmed or discarded."
    message_pk = request.POST.get("message")
    if wants_fragment(request) and message_pk:
        return _chat_entry(request, message_pk, notice)
    (messages.success if saved else messages.info)(request, notice)
    if wants_fragment(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = next_url(request, "inbox")
        return response
    return redirect_next(request, "inbox")


@require_POST
def drafts_discard_many(request):
    """Discard the ticked drafts, or with `scope=all` every pending one (of one import)."""
    drafts = _bulk_drafts(request)
    if drafts is None:
        messages.info(request, "Tick the drafts to discard first.")
        return redirect_next(request, "inbox")
    count = services.drafts_discard(household=request.household, user=request.user, drafts=drafts)
    if count:
        messages.success(
            request,
            f"Discarded {_plural(count, 'draft')}. They are kept: “Discarded” above brings them back.",
        )
    else:
        messages.info(request, "Nothing was discarded: those drafts were already confirmed or discarded.")
    return redirect_next(request, "inbox")


@require_POST
def drafts_restore_many(request):
    """Bring the ticked discarded drafts (or with `scope=all` every one) back to the inbox."""
    drafts = _bulk_drafts(request)
    if drafts is None:
        messages.info(request, "Tick the drafts to bring back first.")
        return redirect_next(request, "inbox")
    count = services.drafts_restore(household=request.household, user=request.user, drafts=drafts)
    messages.success(request, f"{_plural(count, 'draft')} back in the inbox.")
    return redirect_next(request, "inbox")


# ---------------------------------------------------------------- categories


def _get_category(request, pk) -> Category:
    return get_object_or_404(Category.objects.for_household(request.household), pk=pk)


@require_http_methods(["GET", "POST"])
def categories(request):
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(
                household=request.household, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Added {category.name}.")
            return redirect("categories")
    rows = (
        Category.objects.for_household(request.household)
        .select_related("occasion")
        .order_by("archived", "name")
    )
    words = LearnedWord.objects.for_household(request.household)
    return render(
        request,
        "expenses/categories.html",
        {
            "form": form,
            "categories": rows,
            "learned_words": words.select_related("category").order_by("-updated_at")[:LEARNED_SHOWN],
            "learned_count": words.count(),
        },
    )


LEARNED_SHOWN = 100  # the words taught most recently, on the categories page


@require_http_methods(["GET", "POST"])
def learned_word_edit(request, pk):
    word = get_object_or_404(
        LearnedWord.objects.for_household(request.household).select_related("category"), pk=pk
    )
    action = request.POST.get("action")
    form = LearnedWordForm(
        request.POST if action == "save" else None,
        household=request.household,
        initial={"phrase": word.phrase, "category": word.category_id},
    )
    if request.method == "POST":
        if action == "remove":
            services.learned_word_remove(household=request.household, user=request.user, word=word)
            messages.success(request, f"Hearth forgot “{word.phrase}”.")
            return redirect("categories")
        if action == "save" and form.is_valid():
            try:
                services.learned_word_update(
                    household=request.household, user=request.user, word=word, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"“{word.phrase}” now means {word.category.name}.")
                return redirect("categories")
    return render(request, "expenses/learned_word_edit.html", {"word": word, "form": form})


@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    category = _get_category(request, pk)
    form = CategoryForm(
        request.POST if request.POST.get("action") == "save" else None,
        initial={"name": category.name, "colour": category.colour},
    )
    merge_form = MergeForm(
        request.POST if request.POST.get("action") == "merge" else None,
        household=request.household,
        source=category,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and form.is_valid():
                services.category_update(
                    household=request.household,
                    user=request.user,
                    category=category,
                    **form.cleaned_data,
                )
                messages.success(request, "Category saved.")
                return redirect("categories")
            if action == "merge" and merge_form.is_valid():
                target = merge_form.cleaned_data["target"]
                moved = services.category_merge(
                    household=request.household, user=request.user, source=category, target=target
                )
                messages.success(
                    request, f"Merged {category.name} into {target.name} ({moved} expenses moved)."
                )
                return redirect("categories")
            if action == "archive":
                services.category_set_archived(
                    household=request.household,
                    user=request.user,
                    category=category,
                    archived=not category.archived,
                )
                messages.success(
                    request,
                    f"{category.name} {'archived' if category.archived else 'is back in the pickers'}.",
                )
                return redirect("categories")
        except ValidationError as exc:
            add_errors(merge_form if action == "merge" else form, exc)
    return render(
        request,
        "expenses/category_edit.html",
        {"category": category, "form": form, "merge_form": merge_form},
    )


# ---------------------------------------------------------------- chat

CHAT_HISTORY = 30


def _chat_thread(request, messages_qs, *, mark_latest: bool = False) -> list[dict]:
    """Member messages with Hearth's replies, the cards of the drafts each reply made and the ids
    of those still pending. With `mark_latest`, the last member message carries the #latest anchor."""
    messages_list = list(messages_qs)
    drafts = list(
        ExpenseDraft.objects.for_household(request.household)
        .filter(chat_message__in=[m for m in messages_list if m.role == ChatMessage.Role.HEARTH])
        .select_related("category", "paid_by", "expense", "duplicate_of")
        .order_by("created_at")
    )
    cards = {card["draft"].pk: card for card in draft_card_context(request, drafts)["cards"]}
    by_reply: dict = {}
    for draft in drafts:
        by_reply.setdefault(draft.chat_message_id, []).append(cards[draft.pk])
    replied = {m.reply_to_id for m in messages_list if m.role == ChatMessage.Role.HEARTH}
    thread = []
    for message in messages_list:
        cards_of = by_reply.get(message.pk, [])
        pending = [card["draft"].pk for card in cards_of if card["draft"].is_pending]
        reading = message.role == ChatMessage.Role.MEMBER and message.pk not in replied
        thread.append({"message": message, "cards": cards_of, "pending": pending, "reading": reading})
    if mark_latest:
        for entry in reversed(thread):
            if entry["message"].role == ChatMessage.Role.MEMBER:
                entry["latest"] = True
                break
    return thread


@require_GET
def chat_message(request, pk):
    """A member's message and, once read, Hearth's reply with its drafts: what a "Reading…"
    entry polls for until its provider has answered."""
    message = get_object_or_404(
        ChatMessage.objects.for_household(request.household).select_related("author"),
        pk=pk,
        role=ChatMessage.Role.MEMBER,
    )
    if message.created_at < timezone.now() - services.chat.STALE_AFTER:
        services.chat_read_stale(household=request.household)
    reply = ChatMessage.objects.filter(reply_to=message).first()
    thread = _chat_thread(request, [message, reply] if reply else [message])
    return render(request, "expenses/chat.html#chat-entries", {"thread": thread, "next": reverse("chat")})


@require_http_methods(["GET", "POST"])
def chat(request):
    form = ChatForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                message = services.chat_message_post(
                    household=request.household, user=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if not wants_fragment(request):
                    return redirect(f"{reverse('chat')}#latest")
                message = ChatMessage.objects.select_related("author").get(pk=message.pk)
                reply = ChatMessage.objects.filter(reply_to=message).first()
                thread = _chat_thread(request, [message, reply] if reply else [message])
                return render(
                    request,
                    "expenses/chat.html#chat-sent",
                    {
                        "thread": thread,
                        "form": ChatForm(),
                        "next": reverse("chat"),
                    },
                )
        if wants_fragment(request):
            return render(request, "expenses/chat.html#chat-form", {"form": form, "oob": True})
    services.chat_read_stale(household=request.household)
    recent = (
        ChatMessage.objects.for_household(request.household)
        .select_related("author")
        .order_by("-created_at")[:CHAT_HISTORY]
    )
    thread = _chat_thread(request, reversed(list(recent)), mark_latest=True)
    return render(
        request,
        "expenses/chat.html",
        {"thread": thread, "form": form, "next": reverse("chat")},
        status=400 if form.errors else 200,
    )
