"""What a call costs: a price per million tokens per model, in the household's currency.

Defaults are the providers' list prices in US dollars for common models, converted at an
approximate rate for common currencies; an admin's own price (a ``ModelPrice`` row) wins. Local
servers cost nothing. A paid model with no known price is priced as the dearest known model, so an
AI budget is never overrun by a model nobody priced.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from llmsettings.models import ModelPrice, Provider
from llmsettings.providers.base import MAX_ATTEMPTS, MAX_OUTPUT_TOKENS, Usage

MILLION = Decimal(1_000_000)
COST_PLACES = Decimal("0.000001")

# (provider, model) → (input, output) in USD per million tokens.
DEFAULT_PRICES_USD: dict[tuple[str, str], tuple[str, str]] = {
    (Provider.OPENAI, "gpt-4o-mini"): ("0.15", "0.60"),
    (Provider.OPENAI, "gpt-4o"): ("2.50", "10.00"),
    (Provider.OPENAI, "gpt-4.1-nano"): ("0.10", "0.40"),
    (Provider.OPENAI, "gpt-4.1-mini"): ("0.40", "1.60"),
    (Provider.OPENAI, "gpt-4.1"): ("2.00", "8.00"),
    (Provider.OPENAI, "gpt-5-mini"): ("0.25", "2.00"),
    (Provider.OPENAI, "gpt-5-nano"): ("0.05", "0.40"),
    (Provider.GEMINI, "gemini-2.5-flash-lite"): ("0.10", "0.40"),
    (Provider.GEMINI, "gemini-2.5-flash"): ("0.30", "2.50"),
    (Provider.GEMINI, "gemini-2.5-pro"): ("1.25", "10.00"),
    (Provider.GEMINI, "gemini-2.0-flash"): ("0.10", "0.40"),
}
# Approximate units of a currency per US dollar, for the defaults only.
USD_RATES: dict[str, str] = {
    "USD": "1",
    "INR": "88",
    "EUR": "0.87",
    "GBP": "0.76",
    "CAD": "1.40",
    "AUD": "1.53",
    "SGD": "1.30",
    "AED": "3.67",
    "JPY": "155",
    "CHF": "0.80",
}


@dataclass(frozen=True)
class Price:
    input_per_million: Decimal
    output_per_million: Decimal
    own: bool = False  # set by an admin, not a default

    def cost(self, usage: Usage) -> Decimal:
        total = (
            Decimal(usage.input_tokens) * self.input_per_million
            + Decimal(usage.output_tokens) * self.output_per_million
        ) / MILLION
        return total.quantize(COST_PLACES, rounding=ROUND_CEILING)

    def most(self, prompt: str, max_output_tokens: int = MAX_OUTPUT_TOKENS) -> Decimal:
        """The most a call with this prompt can cost: no tokenizer yields more tokens than the
        prompt has bytes (plus room for the provider's own framing), output is capped, and a call
        makes at most MAX_ATTEMPTS attempts, each of which a provider may bill."""
        one = Usage(input_tokens=len(prompt.encode()) + 200, output_tokens=max_output_tokens)
        return self.cost(Usage(one.input_tokens * MAX_ATTEMPTS, one.output_tokens * MAX_ATTEMPTS))


FREE = Price(Decimal(0), Decimal(0))


def default_price(provider: str, model: str, currency: str) -> Price:
    if provider in (Provider.BUILTIN, Provider.COMPATIBLE):
        return FREE
    known = DEFAULT_PRICES_USD.get((provider, model))
    if known is None:
        known = max(DEFAULT_PRICES_USD.values(), key=lambda p: Decimal(p[1]))
    rate = Decimal(USD_RATES.get(currency, "1"))
    return Price(Decimal(known[0]) * rate, Decimal(known[1]) * rate)


def price_for(household, provider: str, model: str) -> Price:
    own = ModelPrice.objects.for_household(household).filter(provider=provider, model=model).first()
    if own is not None:
        return Price(own.input_per_million, own.output_per_million, own=True)
    return default_price(provider, model, household.currency)
