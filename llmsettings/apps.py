from django.apps import AppConfig


class LlmsettingsConfig(AppConfig):
    name = "llmsettings"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
