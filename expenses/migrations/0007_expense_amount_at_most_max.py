# The expense amount check names households.money's maximum (999,999,999,999.99, inclusive); it
# admits the same amounts as the old "less than 10^12".

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("expenses", "0006_expense_paid_by_optional"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="expense",
            name="expense_amount_positive_and_sane",
        ),
        migrations.AddConstraint(
            model_name="expense",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0), ("amount__lte", Decimal("999999999999.99"))),
                name="expense_amount_positive_and_sane",
            ),
        ),
    ]
