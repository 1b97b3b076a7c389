"""The AI provider settings page (household admins only): choose the provider, its model and key,
test the connection, load a compatible server's models.

The key is never written into a page: not the stored one, and not one just typed (the form comes
back with the key field empty even after an error). Testing and listing models call the provider
with the settings as typed, without saving them, and hold no database connection while waiting.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from households.access import admin_required, wants_fragment
from households.views import add_errors
from llmsettings import connection, services
from llmsettings.calls import provider_settings
from llmsettings.forms import PROVIDER_CHOICES, ProviderSettingsForm
from llmsettings.models import Provider
from llmsettings.providers import SUGGESTED_MODELS
from llmsettings.validation import SettingsData

TEMPLATE = "llmsettings/settings.html"
HISTORY_SHOWN = 5


def _changes(stored) -> list[dict]:
    """The last few saves: when, who, and what changed (the key only as added/replaced/removed)."""
    if stored.pk is None:
        return []
    records = list(stored.history.select_related("history_user")[: HISTORY_SHOWN + 1])
    labels = {f.name: f.verbose_name for f in stored._meta.fields}
    labels.update(use_for_chat="reading chat messages", use_for_analysis="answering questions")
    shown = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        if len(shown) == HISTORY_SHOWN:
            break
        if previous is None:
            what = ["first saved"]
        else:
            diff = record.diff_against(previous)
            what = [str(labels.get(c.field, c.field)) for c in diff.changes if c.field != "api_key_last4"]
        if record.history_change_reason:
            what.append(record.history_change_reason.lower())
        shown.append({"record": record, "what": what or ["saved"]})
    return shown


def _suggestions(server_models=None) -> dict[str, list[str]]:
    """The model names offered per provider (a compatible server's own, once loaded)."""
    lists = {name: list(models) for name, models in SUGGESTED_MODELS.items()}
    if server_models:
        lists[Provider.COMPATIBLE] = list(server_models)
    return lists


def _page(request, form, stored, *, check=None, models=None, status=200, tested=False, listed=False):
    context = {
        "tested": tested,
        "listed": listed,
        "form": form,
        "stored": stored,
        "check": check,
        "models": models,
        "suggestions": _suggestions(models.models if models else None),
        "changes": _changes(stored),
        "stored_label": dict(PROVIDER_CHOICES).get(stored.provider, stored.provider),
    }
    return render(request, TEMPLATE, context, status=status)


def _typed(request, *, need_model: bool = True):
    """The stored settings, the form bound to what was typed, and the typed settings if valid."""
    stored = provider_settings(request.household)
    form = ProviderSettingsForm(request.POST, stored=stored, need_model=need_model)
    data: SettingsData | None = form.settings_data() if form.is_valid() else None
    return stored, form, data


@sensitive_post_parameters("api_key")
@admin_required
@require_http_methods(["GET", "POST"])
def llm_settings(request):
    stored = provider_settings(request.household)
    form = ProviderSettingsForm(request.POST or None, stored=stored)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_settings_save(
                household=request.household, user=request.user, data=form.settings_data()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "AI settings saved.")
            return redirect("llm_settings")
    return _page(request, form, stored, status=400 if form.errors else 200)


@sensitive_post_parameters("api_key")
@admin_required
@require_POST
def llm_settings_test(request):
    """Test connection: the fragment into #connection-result (htmx), or the whole page."""
    stored, form, data = _typed(request)
    check = connection.test_connection(stored, data, user=request.user) if data else None
    if wants_fragment(request):
        context = {"form": form, "check": check, "tested": True}
        return render(request, f"{TEMPLATE}#connection-result", context)
    return _page(request, form, stored, check=check, status=200 if data else 400, tested=True)


@sensitive_post_parameters("api_key")
@admin_required
@require_POST
def llm_settings_models(request):
    """Load the server's models: the fragment into #server-models (htmx), or the whole page."""
    stored, form, data = _typed(request, need_model=False)  # the list is there to pick one from
    models = None
    if data is not None:
        if data.provider == Provider.COMPATIBLE:
            models = connection.server_models(stored, data)
        else:
            models = connection.ModelList(error="Only an OpenAI-compatible server lists its models here.")
    if wants_fragment(request):
        suggestions = _suggestions(models.models if models else None)
        context = {"form": form, "models": models, "suggestions": suggestions, "listed": True}
        return render(request, f"{TEMPLATE}#server-models", context)
    return _page(request, form, stored, models=models, status=200 if data else 400, listed=True)
