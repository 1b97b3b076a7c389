from decimal import Decimal

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from households.models import Household, HouseholdOwned
from households.money import DECIMAL_PLACES, TOTAL_MAX_DIGITS


class Provider(models.TextChoices):
    BUILTIN = "builtin", "Builtin (offline)"
    OPENAI = "openai", "OpenAI"
    GEMINI = "gemini", "Gemini"
    COMPATIBLE = "compatible", "OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp)"


class Task(models.TextChoices):
    CHAT = "chat", "Reading chat messages"
    ANALYSIS = "analysis", "Answering analysis questions"
    TEST = "test", "Test connection"


class ProviderSettings(HouseholdOwned):
    """The household's choice of parser: builtin, or an LLM provider with its model and key.

    The API key is kept only as a Fernet token (``llmsettings.crypto``) and its last four
    characters, for the masked display; nothing shows or logs the key itself.
    """

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="provider_settings")
    provider = models.CharField(max_length=12, choices=Provider.choices, default=Provider.BUILTIN)
    model = models.CharField(max_length=120, blank=True)
    base_url = models.URLField(max_length=300, blank=True)
    api_key_token = models.TextField(blank=True, editable=False)
    api_key_last4 = models.CharField(max_length=4, blank=True, editable=False)
    use_for_chat = models.BooleanField(default=True)
    use_for_analysis = models.BooleanField(default=True)
    timeout_seconds = models.PositiveSmallIntegerField(default=15)

    history = HistoricalRecords(excluded_fields=["household", "created_at", "updated_at", "api_key_token"])

    class Meta:
        verbose_name_plural = "provider settings"

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.model}".strip()

    @property
    def has_key(self) -> bool:
        return bool(self.api_key_token)

    @property
    def masked_key(self) -> str:
        return f"•••• {self.api_key_last4}" if self.api_key_token else ""

    def uses_llm_for(self, task: str) -> bool:
        if self.provider == Provider.BUILTIN:
            return False
        return {Task.CHAT: self.use_for_chat, Task.ANALYSIS: self.use_for_analysis}.get(task, True)


class UsageRecord(HouseholdOwned):
    """One call to an LLM provider: who, what for, the tokens the provider counted, what it cost."""

    class Outcome(models.TextChoices):
        OK = "ok", "Answered"
        TIMEOUT = "timeout", "Timed out"
        AUTH = "auth", "Key refused"
        RATE_LIMIT = "rate_limit", "Rate limited"
        SERVER = "server", "Server error"
        CONNECTION = "connection", "Could not connect"
        BAD_OUTPUT = "bad_output", "Unusable answer"
        REFUSED = "refused", "Refused by the AI budget"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    provider = models.CharField(max_length=12, choices=Provider.choices)
    model = models.CharField(max_length=120, blank=True)
    task = models.CharField(max_length=10, choices=Task.choices)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=TOTAL_MAX_DIGITS, decimal_places=6, default=Decimal("0"))
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.OK)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["household", "-created_at"], name="usage_recent")]

    def __str__(self) -> str:
        return f"{self.provider} {self.model} {self.task} {self.cost}"


class ModelPrice(HouseholdOwned):
    """What a model costs this household, per million tokens, in the household's currency.

    Rows exist only where an admin changed a price; otherwise ``llmsettings.pricing`` gives the
    default for common models (0 for local servers).
    """

    provider = models.CharField(max_length=12, choices=Provider.choices)
    model = models.CharField(max_length=120)
    input_per_million = models.DecimalField(max_digits=12, decimal_places=DECIMAL_PLACES + 2)
    output_per_million = models.DecimalField(max_digits=12, decimal_places=DECIMAL_PLACES + 2)

    history = HistoricalRecords(excluded_fields=["household", "created_at", "updated_at"])

    class Meta:
        ordering = ["provider", "model"]
        constraints = [
            models.UniqueConstraint(fields=["household", "provider", "model"], name="one_price_per_model"),
            models.CheckConstraint(
                condition=models.Q(input_per_million__gte=0, output_per_million__gte=0),
                name="price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.model}"


class ParseLog(HouseholdOwned):
    """Every message given to a parser: what went in, what came out, what was wrong, how long it took."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    provider = models.CharField(max_length=40)
    input_text = models.TextField()
    raw_output = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    duration_ms = models.DecimalField(max_digits=10, decimal_places=3, default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["household", "-created_at"], name="parselog_recent")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.input_text[:50]}"
