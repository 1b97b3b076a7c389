"""Parsers behind one interface: `parse_expenses(text, context)` → items, whatever the provider.

The builtin parser is the default and needs no key and no network. LLM providers (OpenAI, Gemini,
OpenAI-compatible servers) plug in here, chosen per household, and fall back to builtin on failure.
"""

from dataclasses import dataclass, field
from typing import Protocol

from llmsettings.parser import ParseContext, ParsedItem, parse_expenses


@dataclass
class ParseResult:
    items: list[ParsedItem]
    provider: str
    raw_output: list | dict = field(default_factory=list)
    notice: str = ""  # shown to the member, e.g. "The AI provider timed out; used the builtin parser."


class ExpenseParser(Protocol):
    name: str

    def parse_expenses(self, text: str, context: ParseContext) -> ParseResult: ...


class BuiltinParser:
    """Offline and deterministic: the default for every household."""

    name = "builtin"

    def parse_expenses(self, text: str, context: ParseContext) -> ParseResult:
        items = parse_expenses(text, context)
        return ParseResult(items=items, provider=self.name, raw_output=[item.as_json() for item in items])


def parser_for(household) -> ExpenseParser:
    """The parser a household has chosen; builtin until it configures an LLM provider."""
    return BuiltinParser()
