"""The ledger's background and periodic jobs (django-q2). Each calls services and does nothing else.

Scheduled by `manage.py setup_schedules` (daily: recurring drafts, emptying the trash); the CSV
import of a large file is queued by `services.imports.import_batch_start`.
"""

import logging

from expenses.models import ImportBatch, RecurringRule
from expenses.services.imports import import_batch_run
from expenses.services.ledger import trash_purge
from expenses.services.recurring import make_due_drafts
from households.models import Household

logger = logging.getLogger(__name__)


def make_all_due_drafts() -> int:
    """The daily django-q2 task: every household with an active rule, one at a time."""
    household_ids = list(
        RecurringRule.objects.filter(paused=False)
        .order_by()
        .values_list("household_id", flat=True)
        .distinct()
    )
    made, failed = 0, []
    for household_id in household_ids:
        household = Household.objects.filter(pk=household_id).first()
        if household is None:
            continue
        try:
            made += make_due_drafts(household=household)
        except Exception:
            # One household's trouble must not keep the others' drafts from being made.
            logger.exception("Recurring drafts failed for household %s", household_id)
            failed.append(household_id)
    if failed:
        raise RuntimeError(f"Recurring drafts failed for {len(failed)} household(s): {failed}")
    return made


def trash_empty() -> int:
    """The daily task: delete for good what has been in the trash for `TRASH_DAYS` days."""
    return trash_purge()


def import_batch_task(batch_id: str) -> None:
    """A queued CSV import. Safe to run again: it goes on from the last committed chunk."""
    batch = ImportBatch.objects.select_related("household").filter(pk=batch_id).first()
    if batch is not None:
        import_batch_run(batch=batch)
