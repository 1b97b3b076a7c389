"""Settings for the test suite: the same app, with fast hashing and nothing leaving the process."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("EMAIL_URL", "consolemail://")  # replaced by the locmem mailer below
# A fixed key for provider keys at rest (tests only).
os.environ.setdefault("APP_ENCRYPTION_KEYS", "mIHJDYBFOk3OB1zoBXg7DfW4Tzf6hXJcMnsdBbBi3iU=")
# Nothing in the suite may reach a real provider: the SDKs read these.
for _name in [n for n in os.environ if n.startswith(("OPENAI_", "GEMINI_", "GOOGLE_"))]:
    del os.environ[_name]

from config.settings import *  # noqa: E402, F403
from config.settings import Q_CLUSTER, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# django-q2 reads "sync" once at import: tasks run inline in tests.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
AXES_VERBOSE = False
# Background work (households.background) runs inline, after commit: tests see its result at once.
BACKGROUND_INLINE = True
