"""Sign-in throttling (django-axes) shown as a page a person understands, and no caching of
signed-in pages."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from households.access import safe_next
from households.forms import LoginForm


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed sign-ins for this account or from this network, so signing in is paused "
        f"for {minutes} minutes. Wait and try again, or reset your password with “Forgot your password?”."
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again (the admin's for the admin), with the reason as
    the form's error, answered 429 — not a bare error text."""
    # Unbound (validating it would try to sign in again), with the email kept and the reason shown.
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    form.cleaned_data = {}
    form.add_error(None, lockout_message())
    if request.path.startswith(reverse("admin:login")):
        context = {
            **admin.site.each_context(request),
            "form": form,
            "title": "Log in",
            "app_path": request.path,
        }
        return render(request, "admin/login.html", context, status=429)
    return render(request, "registration/login.html", {"form": form, "next": safe_next(request)}, status=429)


class NoStoreForSignedInMiddleware:
    """Signed-in pages carry a household's money: `Cache-Control: private, no-store`, so neither a
    shared proxy nor the browser's back button on a shared computer keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)  # private, no-store, no-cache, max-age=0
        return response
