from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone

from households.access import VIEWER_REFUSED
from households.models import Membership

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CurrentHouseholdMiddleware:
    """Sets request.membership and request.household from the signed-in user's membership.

    A signed-in user without a household is sent to onboarding; a viewer's writes are refused
    here, before any view runs, so no view can forget to refuse them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.household = None
        if request.user.is_authenticated:
            membership = Membership.objects.select_related("household").filter(user=request.user).first()
            if membership is not None:
                request.membership = membership
                request.household = membership.household
        if request.household is None:
            return self.get_response(request)
        # Times on every page are shown in the household's time zone.
        with timezone.override(request.household.tzinfo):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            return None
        # Django's own account views (password change, reset, log-out) belong to the person.
        own_account = view_func.__module__.startswith("django.contrib.auth")
        if request.household is None:
            if own_account or getattr(view_func, "household_optional", False):
                return None
            return redirect("onboarding")
        if (
            request.method not in SAFE_METHODS
            and not request.membership.can_write
            and not own_account
            and not getattr(view_func, "viewer_allowed", False)
        ):
            raise PermissionDenied(VIEWER_REFUSED)
        return None
