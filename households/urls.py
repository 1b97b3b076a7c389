from django.urls import include, path

from households import views

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("welcome/", views.onboarding, name="onboarding"),
    # `path`: a code mangled into several segments still gets the page that says it doesn't work.
    path("join/<path:code>/", views.join_link, name="join"),
    path("more/", views.more, name="more"),
    path("household/members/", views.members, name="members"),
    path("household/members/<uuid:pk>/role/", views.member_role, name="member_role"),
    path("household/members/<uuid:pk>/remove/", views.member_remove, name="member_remove"),
    path("household/leave/", views.leave, name="leave"),
    path("household/invite/", views.invite, name="invite"),
    path("household/invite/rotate/", views.invite_rotate, name="invite_rotate"),
    path("household/settings/", views.household_settings, name="household_settings"),
]
