"""Provider keys at rest: Fernet tokens under the keys in ``APP_ENCRYPTION_KEYS``.

The first key encrypts; every key decrypts, so a new key goes first and the old ones stay until
``manage.py rotate_encryption_keys`` has re-encrypted every stored token. With DEBUG and no keys,
one key is generated once into ``data/encryption.key`` (with a warning); without DEBUG and no
keys the system check ``llmsettings.E001`` stops start-up.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

log = logging.getLogger(__name__)

__all__ = ["InvalidToken", "configured_keys", "decrypt", "encrypt", "fernet", "rotate"]


def _debug_key_file() -> Path:
    return Path(settings.DATA_DIR) / "encryption.key"


def configured_keys() -> list[str]:
    """The keys from the environment, or with DEBUG the development key (made on first use)."""
    keys = [k.strip() for k in settings.APP_ENCRYPTION_KEYS if k.strip()]
    if keys or not settings.DEBUG:
        return keys
    path = _debug_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode() + "\n")
        path.chmod(0o600)
        log.warning(
            "APP_ENCRYPTION_KEYS is not set: generated a development key into %s. "
            "Set APP_ENCRYPTION_KEYS outside development.",
            path,
        )
    return [path.read_text().strip()]


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    keys = configured_keys()
    if not keys:
        raise RuntimeError("APP_ENCRYPTION_KEYS is not set; provider keys cannot be stored.")
    return _fernet(tuple(keys))


def encrypt(secret: str) -> str:
    return fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    """The secret behind a token; raises InvalidToken when no configured key opens it."""
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same secret encrypted with the first key."""
    return fernet().rotate(token.encode()).decode()


def key_problem(value: str) -> str:
    """What is wrong with one configured key, or ""."""
    try:
        Fernet(value.encode())
    except (ValueError, TypeError):
        return "is not a Fernet key (32 url-safe base64-encoded bytes)"
    return ""
