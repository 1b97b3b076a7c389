# An alert's "used" is a sum of amounts: wide enough for any sum of legal amounts (households.money).

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="budgetalert",
            name="used",
            field=models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=28),
        ),
    ]
