"""What the kernel announces, so higher apps can act without the kernel importing them.

`household_created` is sent inside the transaction that created the household: a receiver's
rows (the ledger's default categories) are part of the same write, or none of it is.
"""

from django.dispatch import Signal

household_created = Signal()  # household=
