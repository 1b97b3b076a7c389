from django.apps import AppConfig


class LlmsettingsConfig(AppConfig):
    name = "llmsettings"
