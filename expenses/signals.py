"""What the ledger announces, so the apps above it react without the ledger importing them.

`ledger_changed` is sent inside the transaction of a write that moved money, with the dates it
touched: the budgets app raises the alerts the write crossed, in the same transaction.
"""

from django.dispatch import Signal

ledger_changed = Signal()  # household=, dates=[date, …]
