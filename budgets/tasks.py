"""The budgets' periodic jobs (django-q2). Each calls the budgets' own functions and nothing else.

Scheduled by `manage.py setup_schedules` (BudgetsConfig.schedules).
"""

from budgets.ai import reservations_expire


def ai_reservations_expire() -> int:
    """Hourly: mark as expired the AI reservations whose call never reported back (a crashed
    worker). They stopped counting against the budgets at their `expires_at`; this keeps the books."""
    return reservations_expire()
