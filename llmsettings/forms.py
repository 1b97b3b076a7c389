from django import forms

from llmsettings.models import Provider, ProviderSettings
from llmsettings.providers.base import DEFAULT_TIMEOUT
from llmsettings.validation import (
    BASE_URL_PLACEHOLDER,
    MAX_BASE_URL,
    MAX_KEY,
    MAX_MODEL,
    MAX_TIMEOUT,
    MIN_TIMEOUT,
    SettingsData,
    settings_problems,
)

TIMEOUT_MESSAGE = f"Give a timeout from {MIN_TIMEOUT} to {MAX_TIMEOUT} seconds."
KEY_TOO_LONG = f"That is longer than any API key ({MAX_KEY} characters at most): paste the key alone."


# Short enough for a phone's select; the help text names the servers.
PROVIDER_CHOICES = [
    (Provider.BUILTIN, "Builtin (offline)"),
    (Provider.OPENAI, "OpenAI"),
    (Provider.GEMINI, "Gemini"),
    (Provider.COMPATIBLE, "OpenAI-compatible server"),
]


def datalist_id(provider: str) -> str:
    return f"models-{provider}"


class ProviderSettingsForm(forms.Form):
    """The household's AI provider, as typed. The key is never rendered back into the page, not
    even when the form comes back with errors (render_value=False)."""

    provider = forms.ChoiceField(
        choices=PROVIDER_CHOICES,
        initial=Provider.BUILTIN,
        label="Provider",
        help_text="Builtin reads messages offline, with no key and no network. OpenAI and Gemini "
        "need a key of yours; an OpenAI-compatible server is one you run: Ollama, vLLM, LM Studio "
        "or the llama.cpp server.",
        error_messages={
            "required": "Pick a provider.",
            "invalid_choice": "Pick one of the providers listed.",
        },
    )
    base_url = forms.CharField(
        max_length=MAX_BASE_URL,
        required=False,
        label="Server address",
        help_text="The OpenAI-compatible address of your server, usually ending in /v1: Ollama "
        f"{BASE_URL_PLACEHOLDER}, LM Studio http://localhost:1234/v1, vLLM and llama.cpp "
        "http://localhost:8000/v1.",
        widget=forms.URLInput(
            attrs={
                "placeholder": BASE_URL_PLACEHOLDER,
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
        error_messages={"max_length": f"Keep the address under {MAX_BASE_URL} characters."},
    )
    model = forms.CharField(
        max_length=MAX_MODEL,
        required=False,
        label="Model",
        help_text="Pick one from the list or type any model name the provider offers.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"max_length": f"Keep the model name under {MAX_MODEL} characters."},
    )
    api_key = forms.CharField(
        max_length=MAX_KEY,
        required=False,
        label="API key",
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"autocomplete": "new-password", "spellcheck": "false", "autocapitalize": "none"},
        ),
        error_messages={"max_length": KEY_TOO_LONG},
    )
    remove_key = forms.BooleanField(required=False, label="Remove the stored key")
    use_for_chat = forms.BooleanField(
        required=False, initial=True, label="Reading chat messages (“450 groceries yesterday”)"
    )
    use_for_analysis = forms.BooleanField(
        required=False,
        initial=True,
        label="Answering analysis questions (“How much on groceries last month?”)",
    )
    timeout_seconds = forms.IntegerField(
        min_value=MIN_TIMEOUT,
        max_value=MAX_TIMEOUT,
        initial=DEFAULT_TIMEOUT,
        label="Timeout (seconds)",
        help_text="How long to wait for an answer before reading the message offline instead.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": TIMEOUT_MESSAGE,
            "invalid": TIMEOUT_MESSAGE,
            "min_value": TIMEOUT_MESSAGE,
            "max_value": TIMEOUT_MESSAGE,
        },
    )

    def __init__(self, data=None, *, stored: ProviderSettings, need_model: bool = True, **kwargs):
        initial = {
            "provider": stored.provider,
            "model": stored.model,
            "base_url": stored.base_url,
            "use_for_chat": stored.use_for_chat,
            "use_for_analysis": stored.use_for_analysis,
            "timeout_seconds": stored.timeout_seconds,
        }
        super().__init__(data, initial=initial, **kwargs)
        self.stored = stored
        self.need_model = need_model
        if stored.has_key:
            self.fields["api_key"].label = "New API key"
            self.fields[
                "api_key"
            ].help_text = (
                f"Leave it empty to keep the stored key ({stored.masked_key}); a new one replaces it."
            )
        else:
            self.fields["api_key"].help_text = (
                "OpenAI and Gemini need one; a server of your own may need none. Stored encrypted, "
                "and never shown again: only its last four characters."
            )
        self.fields["model"].widget.attrs["list"] = datalist_id(self.current_provider)

    @property
    def current_provider(self) -> str:
        """The provider the page shows chosen: as typed, else as stored."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("provider"), "")
            return value if value in Provider.values else self.stored.provider
        return self.stored.provider

    def clean_model(self):
        return self.cleaned_data["model"].strip()

    def clean_base_url(self):
        return self.cleaned_data["base_url"].strip()

    def clean(self):
        cleaned = super().clean()
        # The fields that were read; a field with an error of its own takes its stored value here.
        read = {name: cleaned[name] for name in SettingsData.__dataclass_fields__ if name in cleaned}
        if "provider" not in read:
            return cleaned
        data = SettingsData(**{"timeout_seconds": self.stored.timeout_seconds, **read})
        for name, message in settings_problems(self.stored, data, need_model=self.need_model).items():
            if name not in self.errors:  # a field's own error already says what is wrong
                self.add_error(name, message)
        return cleaned

    def settings_data(self) -> SettingsData:
        return SettingsData(**{name: self.cleaned_data[name] for name in SettingsData.__dataclass_fields__})
