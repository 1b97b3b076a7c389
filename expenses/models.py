from django.db import models
from django.db.models.functions import Lower

from households.models import HouseholdOwned

DEFAULT_CATEGORIES = [
    ("Groceries", "#2e7d32"),
    ("Dining", "#ef6c00"),
    ("Housing", "#5d4037"),
    ("Utilities", "#0277bd"),
    ("Transport", "#6a1b9a"),
    ("Health", "#c62828"),
    ("Education", "#283593"),
    ("Shopping", "#ad1457"),
    ("Entertainment", "#00838f"),
    ("Travel", "#00695c"),
    ("Gifts", "#d81b60"),
    ("Personal care", "#8e24aa"),
    ("Kids", "#f9a825"),
    ("Other", "#546e7a"),
]


class Category(HouseholdOwned):
    name = models.CharField(max_length=60)
    colour = models.CharField(max_length=7, default="#546e7a")
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                "household", Lower("name"), name="category_unique_name_per_household"
            ),
        ]
        indexes = [models.Index(fields=["household", "archived"])]

    def __str__(self) -> str:
        return self.name
