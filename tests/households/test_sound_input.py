"""Bad query parameters, dates out of range, NUL in files, `next` and the security settings:
each a clear answer, never a 500."""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from budgets.models import Budget
from expenses.models import DraftState, Expense, ImportBatch, Source
from households.models import Role
from households.periods import MAX_DATE, MIN_DATE, parse_day, parse_month
from tests.factories import PASSWORD, DraftFactory, ExpenseFactory, MembershipFactory

# ---------------------------------------------------------------- 5: dates and parameters


@pytest.mark.parametrize(
    "url",
    [
        "/?month=9999-12",
        "/?month=0001-01",
        "/?month=0000-01",
        "/expenses/?month=0000-01",
        "/expenses/?month=9999-12",
        "/expenses/?start=0001-01-01&end=9999-12-31",
        "/expenses/export.csv?month=0000-01",
        "/budgets/?month=0000-01",
        "/budgets/?month=9999-12",
        "/budgets/?on=9999-12-31",
        "/budgets/?on=0001-01-01",
        "/budgets/new/?parent=------------------------------------",
        "/budgets/new/?parent=zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
        "/budgets/context/?date=9999-12-31&amount=1",
    ],
)
def test_out_of_range_parameters_are_not_500s(member_client, household, url):
    response = member_client.get(url)
    assert response.status_code in (200, 400), response.status_code


def test_a_bad_month_falls_back_to_this_month_with_a_message(member_client, household):
    response = member_client.get("/?month=9999-12", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "be shown (Hearth covers the years between 1970 and 2099)" in text
    assert f"{household.today():%B %Y}" in text


def test_a_budget_under_a_malformed_parent_id_is_a_top_level_form(member_client, household):
    Budget.objects.create(household=household, name="Home", amount=1000)
    response = member_client.get("/budgets/new/?parent=------------------------------------")
    assert response.status_code == 200
    assert response.context["form"].initial["parent"] is None


def test_the_date_range_readers():
    assert parse_month("2026-03") == date(2026, 3, 1)
    assert parse_month("9999-12") is None and parse_month("0000-01") is None and parse_month("x") is None
    assert parse_day("2026-02-28") == date(2026, 2, 28)
    assert parse_day("2026-02-30") is None and parse_day("0001-01-01") is None
    assert parse_day(MIN_DATE.isoformat()) == MIN_DATE and parse_day(MAX_DATE.isoformat()) == MAX_DATE


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31", "2100-01-01"])
def test_an_expense_form_refuses_a_year_out_of_range(member_client, member_user, household, day):
    category = household_category(household)
    response = member_client.post(
        reverse("expense_add"),
        {
            "add-amount": "100",
            "add-category": category.pk,
            "add-date": day,
            "add-paid_by": member_user.pk,
            "add-status": "paid",
        },
    )
    assert response.status_code == 400
    assert "Pick a date between 1970 and 2099" in response.content.decode()
    assert not Expense.objects.exists()


def test_a_budget_form_refuses_a_year_out_of_range(member_client, household):
    response = member_client.post(
        reverse("budget_new"),
        {
            "name": "Trip",
            "amount": "100",
            "period": "once",
            "start_date": "0001-01-01",
            "end_date": "9999-12-31",
        },
    )
    assert response.status_code == 200
    assert "Pick a date between 1970 and 2099" in response.content.decode()
    assert not Budget.objects.exists()


def household_category(household):
    from expenses.models import Category

    return Category.objects.for_household(household).get(name="Groceries")


# ---------------------------------------------------------------- 6: NUL in files


@pytest.mark.parametrize(
    "content",
    [
        b"Date,Amount,Description\n2026-01-05,450,Milk\x00\n2026-01-06,12,Bread\n",
        b"\xff\xfeD\x00a\x00\x00\xd8t\x00e\x00,\x00A\x00\n\x00",  # UTF-16 BOM, then a lone surrogate
    ],
)
def test_a_csv_with_a_nul_byte_is_refused_kindly(member_client, content):
    response = member_client.post(
        reverse("import"), {"file": SimpleUploadedFile("s.csv", content, "text/csv")}
    )
    assert response.status_code == 400
    assert "not CSV text" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_nul_in_a_text_field_is_a_field_error(member_client, member_user, household):
    response = member_client.post(
        reverse("expense_add"),
        {
            "add-amount": "100",
            "add-description": "Milk\x00",
            "add-category": household_category(household).pk,
            "add-date": household.today().isoformat(),
            "add-paid_by": member_user.pk,
            "add-status": "paid",
        },
    )
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


# ---------------------------------------------------------------- 7: next


HOSTILE_NEXT = ["https://evil.example/x", "javascript:alert(1)", "//evil.example/x", "0000-01"]


def _next_targets(household, member_user):
    planned = ExpenseFactory(household=household, paid_by=member_user, status="planned")
    trashed = ExpenseFactory(household=household, paid_by=member_user)
    trashed.deleted_at = trashed.created_at
    trashed.save()
    draft = DraftFactory(household=household, state=DraftState.PENDING)
    done = DraftFactory(
        household=household,
        state=DraftState.CONFIRMED,
        expense=ExpenseFactory(household=household, paid_by=member_user, source=Source.CHAT),
    )
    prefix = f"d{draft.pk.hex[:8]}"
    return [
        (reverse("expense_mark_paid", args=[planned.pk]), {}),
        (reverse("expense_restore", args=[trashed.pk]), {}),
        (reverse("draft_confirm", args=[draft.pk]), {f"{prefix}-amount": "1", f"{prefix}-status": "paid"}),
        (reverse("draft_discard", args=[draft.pk]), {}),
        (reverse("draft_undo", args=[done.pk]), {}),
        (reverse("drafts_confirm_all"), {}),
    ]


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
def test_next_never_leaves_the_site(member_client, member_user, household, hostile):
    for url, body in _next_targets(household, member_user):
        for headers in ({}, {"HX-Request": "true"}):
            response = member_client.post(url, {**body, "next": hostile}, headers=headers)
            assert response.status_code < 500, url
            location = response.get("Location", "") + response.get("HX-Redirect", "")
            assert "evil" not in location and "javascript" not in location, (url, location)
            assert hostile not in location or (hostile == "0000-01" and location.startswith("/")), (
                url,
                location,
            )


def test_a_next_on_this_site_is_still_followed(member_client, member_user, household):
    planned = ExpenseFactory(household=household, paid_by=member_user, status="planned")
    response = member_client.post(reverse("expense_mark_paid", args=[planned.pk]), {"next": "/budgets/"})
    assert response["Location"] == "/budgets/"


# ---------------------------------------------------------------- 11: security


def _login(client, email, password, path="/accounts/login/"):
    return client.post(path, {"username": email, "password": password})


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_passwords_lock_the_account_with_a_clear_message(client, member_user):
    for _ in range(3):
        _login(client, member_user.email, "wrong")
    response = _login(client, member_user.email, PASSWORD)  # the right one, too late
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed sign-ins" in text and "15 minutes" in text
    assert 'name="password"' in text  # the login page, not a bare error
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_lockout_is_per_address_too(client, household):
    users = [MembershipFactory(household=household, role=Role.MEMBER).user for _ in range(4)]
    for user in users[:3]:
        _login(client, user.email, "wrong")
    assert _login(client, users[3].email, PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_admin_login_is_throttled_too(client, db):
    from households.models import User

    admin = User.objects.create_superuser(email="op@example.com", password=PASSWORD, name="Op")
    for _ in range(3):
        _login(client, admin.email, "wrong", "/admin/login/")
    response = _login(client, admin.email, PASSWORD, "/admin/login/")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_a_right_password_after_a_few_mistakes_signs_in(client, member_user):
    for _ in range(2):
        _login(client, member_user.email, "wrong")
    assert _login(client, member_user.email, PASSWORD).status_code == 302


def test_signed_in_pages_are_not_cached(member_client, client, household):
    cache = member_client.get("/expenses/")["Cache-Control"]
    assert "private" in cache and "no-store" in cache
    assert "no-store" not in client.get("/static/css/hearth.css").get("Cache-Control", "")


def _settings_check(extra: dict, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "DEBUG", "SECURE_"))}
    env.update(
        {
            "SECRET_KEY": "s3cr3t-" + "".join(chr(97 + (i * 7) % 26) for i in range(60)),
            "DATABASE_URL": "sqlite:///:memory:",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )


def test_without_debug_a_missing_email_url_is_a_start_up_error():
    result = _settings_check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "EMAIL_URL is not set" in result.stderr
    assert _settings_check({"DEBUG": "false", "EMAIL_URL": "consolemail://"}).returncode == 0
    assert _settings_check({"DEBUG": "true"}).returncode == 0


def test_check_deploy_passes_with_a_production_environment():
    result = _settings_check(
        {
            "DEBUG": "false",
            "EMAIL_URL": "smtp+tls://hearth:secret@smtp.example.com:587",
            "ALLOWED_HOSTS": "hearth.example.com",
            "SECURE_SSL_REDIRECT": "true",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
            "SECURE_HSTS_PRELOAD": "true",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
