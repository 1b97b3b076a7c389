"""What can be wrong with a draft: every message a proposed expense may carry, written once.

A draft keeps what was proposed (by the builtin parser, an LLM provider, a recurring rule or a CSV
row) and names each doubt with one of these, so a member sees the same words whichever way the
expense came in. Amounts have theirs in `households.money.MESSAGES` (one list: `PROBLEMS` includes
them). Standard library only: the builtin parser uses it.
"""

from __future__ import annotations

from households.money import MESSAGES

PROBLEMS: dict[str, str] = {
    **MESSAGES,
    "two_amounts": "Two amounts ({first} and {second}): check the amount.",
    "several_amounts": "Several amounts ({listed}): check the amount.",
    "other_currency": "The amount is in {theirs} but the household uses {ours}: check it.",
    "money_back": "This reads as money coming back (a refund, cashback or a minus): check it is an expense.",
    "no_date": "No date: check it.",
    "not_a_date": "“{text}” is not a real date: check the date.",
    "date_long_ago": "The date is more than a year ago: check it.",
    "date_far_ahead": "The date is more than a month ahead: check it.",
    "no_category": "No category: pick one.",
    "no_category_fits": "No category fits: pick one.",
    "not_a_category": "“{name}” is not one of your categories: check it.",
    "former_payer": "{name} is no longer a member: pick who paid.",
    "not_a_member": "“{name}” is not a member of the household: pick who paid.",
    "duplicate": "Looks like a duplicate of “{what}” ({money}) on {day}: check it.",
    "text_cut": "Only the first {limit:,} characters of the message were read.",
    "items_cut": "Only the first {limit} expenses of the message were read: send the rest again.",
}


def problem_message(code: str, **values) -> str:
    """The message for `code`, filled in: problem_message("former_payer", name="Ravi")."""
    return PROBLEMS[code].format(**values)
