"""Run the builtin parser from the command line, with no household and no database.

    manage.py parse_expenses --today 2026-03-18 --speaker Asha --members Asha,Ravi "450 groceries"
    manage.py parse_expenses --batch rows.json

The first form prints one JSON list of items; the batch form reads a JSON list of rows
(``text``, ``today``, ``speaker``, ``members``, ``currency``, ``month_first``, ``categories``;
other keys are ignored) and prints one JSON list holding each row's list of items, in order.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from llmsettings.parser import DEFAULT_CATEGORY_NAMES, ParseContext, parse_expenses

DEFAULT_SPEAKER = "Me"
DEFAULT_CURRENCY = "INR"


def _date(value, where: str) -> datetime.date:
    if value in (None, ""):
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise CommandError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _members(value, speaker: str) -> list[str]:
    if value in (None, "", []):
        return [speaker]
    names = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    names = [n.strip() for n in names if n and n.strip()]
    if speaker not in names:
        names.append(speaker)
    return names


def _context(*, today, speaker, members, currency, categories, where: str, month_first=False) -> ParseContext:
    speaker = (str(speaker).strip() if speaker else "") or DEFAULT_SPEAKER
    return ParseContext(
        today=_date(today, where),
        speaker=speaker,
        members=_members(members, speaker),
        categories=categories,
        currency=(str(currency).strip().upper() if currency else "") or DEFAULT_CURRENCY,
        month_first=month_first is True,
    )


def _names(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)


class Command(BaseCommand):
    help = "Parse expense messages with the builtin parser and print the drafts as JSON."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="?", help="the message to parse")
        parser.add_argument("--batch", metavar="FILE", help="a JSON list of rows to parse")
        parser.add_argument("--today", help="today's date, YYYY-MM-DD (default: today)")
        parser.add_argument("--speaker", default=DEFAULT_SPEAKER, help='default: "Me"')
        parser.add_argument("--members", help="comma-separated names (default: the speaker)")
        parser.add_argument("--currency", default=DEFAULT_CURRENCY, help="ISO 4217 (default: INR)")
        parser.add_argument(
            "--categories",
            help="comma-separated category names (default: the default categories)",
        )

    def handle(self, *args, **options):
        categories = list(DEFAULT_CATEGORY_NAMES)
        if options["categories"]:
            categories = [c.strip() for c in options["categories"].split(",") if c.strip()]
        if options["batch"]:
            if options["text"] is not None:
                raise CommandError("Give either a message or --batch, not both.")
            output = [
                [item.as_json() for item in parse_expenses(text, context)]
                for text, context in self._rows(options["batch"], categories)
            ]
        else:
            if options["text"] is None:
                raise CommandError("Give a message to parse, or --batch FILE.")
            context = _context(
                today=options["today"],
                speaker=options["speaker"],
                members=options["members"],
                currency=options["currency"],
                categories=categories,
                where="--today",
            )
            output = [item.as_json() for item in parse_expenses(options["text"], context)]
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def _rows(self, path: str, categories: list[str]):
        try:
            rows = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not JSON: {exc}") from exc
        if not isinstance(rows, list):
            raise CommandError(f"{path} must hold a JSON list of rows.")
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise CommandError(f"Row {number} of {path} is not an object.")
            text = row.get("text")
            context = _context(
                today=row.get("today"),
                speaker=row.get("speaker"),
                members=row.get("members"),
                currency=row.get("currency"),
                categories=row.get("categories") if _names(row.get("categories")) else categories,
                where=f"Row {number} of {path}",
                month_first=row.get("month_first", False),
            )
            yield ("" if text is None else str(text)), context
