"""Who may do what: markers read by CurrentHouseholdMiddleware, and the admin check."""

import uuid
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

VIEWER_REFUSED = (
    "You can look around this household but not change anything: your role is viewer. "
    "Ask an admin to make you a member."
)
ADMIN_ONLY = "Only an admin of this household can do that."


def household_optional(view):
    """The view works for a signed-in user who has no household yet."""
    view.household_optional = True
    return view


def viewer_allowed(view):
    """A viewer may POST here (it changes only their own account, never the household's money)."""
    view.viewer_allowed = True
    return view


def admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership is None or not request.membership.is_admin:
            raise PermissionDenied(ADMIN_ONLY)
        return view(request, *args, **kwargs)

    return wrapper


def wants_fragment(request) -> bool:
    """An htmx request that wants the fragment, not the page (not boosted, not a history restore)."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def parse_uuid(value) -> uuid.UUID | None:
    """A UUID from a query parameter or form value, or None for anything else (never an error)."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def safe_next(request) -> str:
    """The `next` address of the request if it stays on this site (a relative path, or this host
    over the request's scheme), else "". The one check every view uses before following `next`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    # A path ("/expenses/") or a full address: a bare word would be taken for a URL name by redirect().
    if not url.startswith(("/", "http://", "https://")):
        return ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def next_url(request, default: str, *args, **kwargs) -> str:
    """Where to go after a write: a safe `next`, else `default` (a URL name or path)."""
    return safe_next(request) or resolve_url(default, *args, **kwargs)


def redirect_next(request, default: str, *args, **kwargs):
    """A redirect to a safe `next`, else to `default`."""
    return redirect(next_url(request, default, *args, **kwargs))


def export_refused(form, page: str) -> HttpResponse:
    """A CSV export whose filters don't validate: a 400 in plain words, naming each field."""
    problems = "; ".join(
        f"{form.fields[name].label or name}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    )
    return HttpResponse(
        f"These filters are not valid ({problems}). Fix them on {page} and export again.",
        status=400,
        content_type="text/plain; charset=utf-8",
    )
