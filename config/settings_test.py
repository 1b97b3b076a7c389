"""Settings for the test suite: the same app, with fast hashing and nothing leaving the process."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("EMAIL_URL", "consolemail://")  # replaced by the locmem mailer below

from config.settings import *  # noqa: F403
from config.settings import Q_CLUSTER, STORAGES

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
