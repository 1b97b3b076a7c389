"""The builtin parser as a provider: offline, free, and the fallback of every other provider."""

from __future__ import annotations

from llmsettings.parser import ParseContext, parse_expenses
from llmsettings.providers.base import Classification, ConnectionCheck, ParseResult, Phrased, QuestionContext


class BuiltinProvider:
    name = "builtin"
    label = "Builtin"
    paid = False
    model = ""

    def parse_expenses(self, text: str, context: ParseContext) -> ParseResult:
        items = parse_expenses(text, context)
        return ParseResult(items=items, provider=self.name, raw_output=[item.as_json() for item in items])

    def classify_question(self, text: str, context: QuestionContext) -> Classification:
        raise NotImplementedError("The analysis chat reads questions with analysis.intents itself.")

    def phrase_answer(self, answer: str, figures: list[str], context: QuestionContext):
        return Phrased(answer)

    def test_connection(self) -> ConnectionCheck:
        return ConnectionCheck(
            ok=True, model="builtin", latency_ms=0, message="The builtin parser needs no connection."
        )

    def list_models(self) -> list[str]:
        return []
