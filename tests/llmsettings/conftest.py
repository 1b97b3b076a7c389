"""Fake LLM servers on 127.0.0.1 (``fakellm``) and no real waiting between retries."""

import pytest

from llmsettings.providers.llm import LLMProvider
from tests.llmsettings.fakellm import FakeLLM


@pytest.fixture
def fake_openai():
    """An OpenAI-compatible server: give providers ``fake_openai.base_url``."""
    server = FakeLLM("openai")
    yield server
    server.close()


@pytest.fixture
def fake_gemini():
    """A Gemini API server: give providers ``fake_gemini.base_url``."""
    server = FakeLLM("gemini")
    yield server
    server.close()


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """The waits providers would sleep between retries, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(LLMProvider, "sleep", staticmethod(slept.append))
    return slept
