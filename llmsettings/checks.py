from django.conf import settings
from django.core.checks import Error, register

from llmsettings.crypto import key_problem


@register()
def encryption_keys(app_configs=None, **kwargs):
    """Without DEBUG, provider keys need APP_ENCRYPTION_KEYS, each a valid Fernet key."""
    keys = [k.strip() for k in settings.APP_ENCRYPTION_KEYS if k.strip()]
    errors = []
    if not keys and not settings.DEBUG:
        errors.append(
            Error(
                "APP_ENCRYPTION_KEYS is not set.",
                hint=(
                    "Hearth encrypts AI provider keys with it. Generate one with python -c "
                    "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' "
                    "and set APP_ENCRYPTION_KEYS to it (comma-separated, newest first, when rotating)."
                ),
                id="llmsettings.E001",
            )
        )
    for position, key in enumerate(keys, start=1):
        if problem := key_problem(key):
            errors.append(Error(f"Key {position} of APP_ENCRYPTION_KEYS {problem}.", id="llmsettings.E002"))
    return errors
