"""The ledger's writes, one module per sub-domain. Each takes the household and the acting user,
runs in one transaction, validates, keeps history and publishes after commit:

- `ledger`: expenses (create, change, mark paid, trash, restore) and the rules their fields follow;
- `categories`: the defaults, create, rename, archive, merge;
- `drafts`: what the chat, a rule or an import proposes, until confirmed or discarded;
- `chat`: a member's message, read into drafts and answered;
- `recurring`: recurring rules, and proposing their due occurrences;
- `imports`: CSV imports, batch by batch.

Background and periodic jobs are in `expenses.tasks`. The names below are the public ones, so
`from expenses.services import expense_create` reads the same wherever the write lives.
"""

from expenses.services.categories import (
    categories_create_defaults,
    categories_ensure,
    category_create,
    category_merge,
    category_set_archived,
    category_update,
)
from expenses.services.chat import (
    CHAT_MAX_CHARS,
    chat_message_post,
    chat_message_read,
    chat_read_stale,
    chat_text_problem,
)
from expenses.services.drafts import (
    CONFIRM_BATCH,
    DraftData,
    DraftNotPending,
    draft_confirm,
    draft_create,
    draft_discard,
    draft_fields_apply,
    draft_update,
    drafts_confirm_ready,
    drafts_discard,
    drafts_restore,
)
from expenses.services.imports import (
    BACKGROUND_ROWS,
    CHUNK_ROWS,
    TASK_NAME,
    import_batch_create,
    import_batch_run,
    import_batch_start,
    import_batch_undo,
    import_categories_remember,
    import_preview,
)
from expenses.services.learning import (
    LEARNED_READ_LIMIT,
    learned_pairs,
    learned_word_remove,
    learned_word_update,
    remember_word,
    words_learn,
)
from expenses.services.ledger import (
    LEDGER_TOPICS,
    TRASH_DAYS,
    ExpenseData,
    check_amount,
    check_category,
    check_member,
    expense_create,
    expense_delete,
    expense_fields_apply,
    expense_mark_paid,
    expense_restore,
    expense_update,
    ledger_change_announce,
    trash_purge,
)
from expenses.services.recurring import (
    CATCH_UP_DAYS,
    RuleData,
    make_due_drafts,
    rule_create,
    rule_delete,
    rule_set_paused,
    rule_update,
)

__all__ = [
    "BACKGROUND_ROWS",
    "CATCH_UP_DAYS",
    "CHAT_MAX_CHARS",
    "CHUNK_ROWS",
    "CONFIRM_BATCH",
    "LEARNED_READ_LIMIT",
    "LEDGER_TOPICS",
    "TASK_NAME",
    "TRASH_DAYS",
    "DraftData",
    "DraftNotPending",
    "ExpenseData",
    "RuleData",
    "categories_create_defaults",
    "categories_ensure",
    "category_create",
    "category_merge",
    "category_set_archived",
    "category_update",
    "chat_message_post",
    "chat_message_read",
    "chat_read_stale",
    "chat_text_problem",
    "check_amount",
    "check_category",
    "check_member",
    "draft_confirm",
    "draft_create",
    "draft_discard",
    "draft_fields_apply",
    "draft_update",
    "drafts_confirm_ready",
    "drafts_discard",
    "drafts_restore",
    "expense_create",
    "expense_delete",
    "expense_fields_apply",
    "expense_mark_paid",
    "expense_restore",
    "expense_update",
    "import_batch_create",
    "import_batch_run",
    "import_batch_start",
    "import_batch_undo",
    "import_categories_remember",
    "import_preview",
    "learned_pairs",
    "learned_word_remove",
    "learned_word_update",
    "ledger_change_announce",
    "make_due_drafts",
    "remember_word",
    "rule_create",
    "rule_delete",
    "rule_set_paused",
    "rule_update",
    "trash_purge",
    "words_learn",
]
