"""Placeholder: OpenAI and OpenAI-compatible servers (being written)."""

from llmsettings.providers.base import DEFAULT_TIMEOUT, ProviderError


class OpenAIProvider:
    name = "openai"
    label = "OpenAI"
    paid = True

    def __init__(self, *, model="", api_key="", base_url="", timeout=DEFAULT_TIMEOUT):
        self.model, self.api_key, self.base_url, self.timeout = model, api_key, base_url, timeout

    def parse_expenses(self, text, context):
        raise ProviderError("connection", "is not available yet")

    classify_question = phrase_answer = parse_expenses

    def test_connection(self):
        raise ProviderError("connection", "is not available yet")

    def list_models(self):
        return []


class CompatibleProvider(OpenAIProvider):
    name = "compatible"
    label = "The OpenAI-compatible server"
    paid = False
