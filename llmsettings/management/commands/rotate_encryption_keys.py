from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from llmsettings.crypto import InvalidToken, rotate
from llmsettings.models import ProviderSettings


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored provider key with the first key of APP_ENCRYPTION_KEYS. Put the new "
        "key first, keep the old ones after it, run this, then drop the old ones."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        rows = list(ProviderSettings.objects.select_for_update().exclude(api_key_token=""))
        failed = []
        for row in rows:
            try:
                row.api_key_token = rotate(row.api_key_token)
            except InvalidToken:
                failed.append(str(row.household_id))
                continue
            row.save(update_fields=["api_key_token", "updated_at"])
        if failed:
            raise CommandError(
                f"No configured key opens the stored key of {len(failed)} household(s) "
                f"({', '.join(failed)}); nothing was changed. Add the key they were encrypted with "
                "to APP_ENCRYPTION_KEYS."
            )
        self.stdout.write(f"Re-encrypted {len(rows)} provider key(s) with the first key.")
