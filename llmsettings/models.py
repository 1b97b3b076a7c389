from django.conf import settings
from django.db import models

from households.models import HouseholdOwned


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
