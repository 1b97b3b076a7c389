from django.conf import settings
from django.db import models

from households.models import HouseholdOwned


class Question(HouseholdOwned):
    """A question asked in the analysis chat, the intent it was read as, and the answer given."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    intent = models.CharField(max_length=40, blank=True)  # "" when the question was not understood
    params = models.JSONField(default=dict, blank=True)
    answer = models.TextField(blank=True)
    classifier = models.CharField(max_length=40, default="builtin")

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["household", "-created_at"], name="question_recent")]

    def __str__(self) -> str:
        return self.text[:60]
