import copy
from urllib.parse import unquote, urlsplit

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households import selectors, services
from households.access import ADMIN_ONLY, admin_required, household_optional, safe_next, viewer_allowed
from households.forms import (
    HouseholdCreateForm,
    HouseholdSettingsForm,
    JoinForm,
    LoginForm,
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


def join_code_in_next(request) -> str | None:
    """The code of the join link a login or sign-up page was reached from (`next=/join/<code>/`)."""
    path = urlsplit(safe_next(request)).path
    try:
        match = resolve(unquote(path)) if path else None
    except Resolver404:
        return None
    if match is None or match.url_name != "join":
        return None
    return match.kwargs["code"]


def invite_in_next(request) -> selectors.Invite | None:
    """The invite behind a login or sign-up page reached from a join link, if its code works."""
    code = join_code_in_next(request)
    return selectors.invite_for_code(code) if code is not None else None


def join_invite(request, invite: selectors.Invite):
    """Make the signed-in person a member of the invite's household, and send them to it."""
    membership = services.household_join(user=request.user, code=invite.code)
    messages.success(request, f"You joined {membership.household.name}.")
    return redirect("home")


class LoginView(auth_views.LoginView):
    """Django's login; reached from a join link it names the invite and joins as it logs in."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "invite": invite_in_next(self.request)}

    def form_valid(self, form):
        response = super().form_valid(form)
        invite = invite_in_next(self.request)
        if invite is not None and not Membership.objects.filter(user=self.request.user).exists():
            try:
                return join_invite(self.request, invite)
            except ValidationError:
                pass  # the code changed meanwhile: `next` is the join page, which says so
        # Someone already in a household: `next` is the join page, which says what joining means.
        return response


# As Django's own login was: open to people without a household (or who are only viewers).
login_view = viewer_allowed(household_optional(LoginView.as_view()))


@login_not_required
@household_optional
@require_http_methods(["GET", "POST"])
def signup(request):
    """A new account, with a new household, or without one to join by invite code next; reached
    from a join link, an account that is a member of that household at once."""
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    invite = invite_in_next(request)
    form = SignupForm(request.POST or None, invited=invite is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_signup(
                email=data["email"],
                password=data["password1"],
                name=data["name"],
                household_name=data.get("household_name", ""),
                currency=data.get("currency", "INR"),
                timezone=data.get("timezone", "Asia/Kolkata"),
                invite_code=invite.code if invite else "",
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if invite is not None:
                messages.success(
                    request, f"Welcome, {user.get_short_name()}! You joined {invite.household.name}."
                )
                return redirect("home")
            if data["household_name"]:
                messages.success(request, f"Welcome, {user.get_short_name()}! Your household is ready.")
                return redirect(next_url or "home")
            messages.success(
                request,
                f"Welcome, {user.get_short_name()}! Enter the invite code of your household "
                "to join it, or start a new one.",
            )
            return redirect(next_url or "onboarding")
    # Reached from a join link whose code stopped working (rotated since): a plain sign-up, saying why.
    invite_gone = invite is None and join_code_in_next(request) is not None
    return render(
        request,
        "households/signup.html",
        {"form": form, "next": next_url, "invite": invite, "invite_gone": invite_gone},
    )


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
    # Opened as /welcome/?code=…, the page names the household that code opens.
    invite = selectors.invite_for_code(request.GET.get("code", ""))
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
    return render(
        request,
        "households/onboarding.html",
        {"create_form": create_form, "join_form": join_form, "invite": invite},
    )


@login_not_required
@household_optional
@require_http_methods(["GET", "POST"])
def join_link(request, code: str):
    """The link an admin shares. It names the household and who invited; signed out, it leads to
    sign-up or login, which join as they sign in; signed in without a household, its button joins.
    A code that matches no household is a 404 that says why; someone already in a household is
    told what joining would take (one household per person: leave yours first)."""
    invite = selectors.invite_for_code(code)
    if invite is None:
        return render(request, "households/join.html", {"invite": None, "code": code}, status=404)
    context = {"invite": invite, "join_path": request.path}
    if request.user.is_authenticated and request.household is not None:
        return render(request, "households/join.html", {**context, "current": request.household})
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        return render(request, "households/join.html", context)
    if request.method == "POST":
        try:
            return join_invite(request, invite)
        except ValidationError:
            # Rotated, or joined elsewhere, in between: the page as it is now says which.
            return redirect(request.path)
    return render(request, "households/join.html", context)


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
