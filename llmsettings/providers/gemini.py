"""Placeholder: Gemini (being written)."""

from llmsettings.providers.openai_compat import OpenAIProvider


class GeminiProvider(OpenAIProvider):
    name = "gemini"
    label = "Gemini"
