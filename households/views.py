import copy

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households import services
from households.access import ADMIN_ONLY, admin_required, household_optional, safe_next, viewer_allowed
from households.forms import (
    HouseholdCreateForm,
    HouseholdSettingsForm,
    JoinForm,
    RoleForm,
    SignupForm,
)
from households.models import Membership


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_not_required
@household_optional
@require_http_methods(["GET", "POST"])
def signup(request):
    """A new account, with a new household, or without one to join by invite code next."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_signup(
                email=data["email"],
                password=data["password1"],
                name=data["name"],
                household_name=data["household_name"],
                currency=data["currency"],
                timezone=data["timezone"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if data["household_name"]:
                messages.success(request, f"Welcome, {user.get_short_name()}! Your household is ready.")
                return redirect(next_url or "home")
            messages.success(
                request,
                f"Welcome, {user.get_short_name()}! Enter the invite code of your household "
                "to join it, or start a new one.",
            )
            return redirect(next_url or "onboarding")
    return render(request, "households/signup.html", {"form": form, "next": next_url})


@household_optional
@require_http_methods(["GET", "POST"])
def onboarding(request):
    if request.household is not None:
        return redirect("home")
    create_form = HouseholdCreateForm(
        request.POST if request.POST.get("action") == "create" else None, prefix="create"
    )
    join_form = JoinForm(
        request.POST if request.POST.get("action") == "join" else None,
        prefix="join",
        initial={"code": request.GET.get("code", "")},
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "create" and create_form.is_valid():
                data = create_form.cleaned_data
                services.household_create(
                    user=request.user,
                    name=data["name"],
                    currency=data["currency"],
                    timezone=data["timezone"],
                )
                messages.success(request, f"{data['name']} is ready.")
                return redirect("home")
            if request.POST.get("action") == "join" and join_form.is_valid():
                membership = services.household_join(user=request.user, code=join_form.cleaned_data["code"])
                messages.success(request, f"You joined {membership.household.name}.")
                return redirect("home")
        except ValidationError as exc:
            add_errors(join_form if request.POST.get("action") == "join" else create_form, exc)
    return render(request, "households/onboarding.html", {"create_form": create_form, "join_form": join_form})


@household_optional
@require_GET
def join_link(request, code: str):
    """The link an admin shares; joining itself is a POST from the onboarding page."""
    if request.household is not None:
        messages.info(request, f"You already belong to {request.household.name}.")
        return redirect("home")
    return redirect(f"{reverse('onboarding')}?{urlencode({'code': code})}")


@viewer_allowed
@require_GET
def more(request):
    return render(request, "households/more.html")


@require_GET
def members(request):
    memberships = Membership.objects.for_household(request.household).select_related("user")
    return render(
        request,
        "households/members.html",
        {"memberships": memberships, "role_form": RoleForm()},
    )


@admin_required
@require_POST
def member_role(request, pk):
    membership = get_object_or_404(Membership.objects.for_household(request.household), pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                household=request.household,
                actor=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
            )
            messages.success(
                request, f"{membership.user.name} is now {membership.get_role_display().lower()}."
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choose admin, member or viewer.")
    return redirect("members")


@admin_required
@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(Membership.objects.for_household(request.household), pk=pk)
    try:
        services.membership_remove(household=request.household, actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user.name} was removed from the household.")
    return redirect("members")


@viewer_allowed
@require_POST
def leave(request):
    try:
        services.membership_remove(
            household=request.household, actor=request.user, membership=request.membership
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("members")
    messages.success(request, "You left the household.")
    return redirect("onboarding")


@admin_required
@require_GET
def invite(request):
    link = request.build_absolute_uri(reverse("join", args=[request.household.invite_code]))
    return render(request, "households/invite.html", {"join_url": link})


@admin_required
@require_POST
def invite_rotate(request):
    services.invite_code_rotate(household=request.household, user=request.user)
    messages.success(request, "New invite code made. The old code no longer works.")
    return redirect("invite")


@require_http_methods(["GET", "POST"])
def household_settings(request):
    household = request.household
    can_edit = request.membership.is_admin
    # A copy: an invalid form must not change the household the rest of the page shows.
    form = HouseholdSettingsForm(request.POST or None, instance=copy.copy(household))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(ADMIN_ONLY)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.household_update(household=household, user=request.user, **data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Household settings saved.")
                return redirect("household_settings")
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "households/settings.html", {"form": form, "can_edit": can_edit})
