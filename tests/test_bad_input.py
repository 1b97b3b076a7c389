"""The bad-input walker: no query parameter and no form value breaks a page.

Like the isolation walker (whose URL walk and object builders it reuses), it covers every URL
pattern of the project, so a new page is walked without anyone remembering to add it:

* every URL × hostile query parameters: each parameter name a view reads (the list below, plus
  every field of the page's own GET forms) set to dates out of range, huge and negative numbers,
  malformed UUIDs, 10,000-character strings, NUL, RTL marks, emoji, combining marks, lone
  surrogates — a fixed list of known-nasty values and values Hypothesis draws (derandomized, so
  CI sees the same values every run);
* every form × field × hostile value: each POST form of each page (found in the rendered HTML),
  posted with one field at a time replaced by a hostile value (file inputs get hostile files).

Each request is made by a member of the household, as a plain and as an htmx request, inside a
savepoint that is rolled back, so a destructive form (delete, leave, log out) doesn't change what
the next request sees. The check: no 500 and no exception escaping the view. The counts are
printed at the end of the module (run with -s to see them).
"""

import html.parser
import logging
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets.models import Budget
from expenses.models import DraftState, Occasion, Recipient
from households.models import Role
from tests.factories import DraftFactory, ExpenseFactory, MembershipFactory
from tests.test_isolation import BUILDERS, Route, unique_routes

# ---------------------------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------------------------

NASTY = [
    # dates and months out of range, or not dates at all
    "0000-01",
    "0001-01",
    "9999-12",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-13-01",
    "2026-02-30",
    "2026-1",
    # numbers
    "-1",
    "0",
    "99999999999999999999999999999",
    "-99999999999999999999",
    "1e999",
    "NaN",
    "Infinity",
    "0x1F",
    # ids
    "00000000-0000-0000-0000-000000000000",
    "------------------------------------",
    "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
    "' OR 1=1 --",
    # size, NUL and odd Unicode
    "",
    " ",
    "x" * 10_000,
    "\x00",
    "Groceries\x00",
    "\u202eseirecorG",  # right-to-left override
    "\u200f\u200e\u2066",  # RTL/LTR marks and an isolate
    "🙂🏳️‍🌈👨‍👩‍👧",
    "e\u0301\u0302\u0303\u0304\u0305",  # combining marks
    "\ud800",  # a lone surrogate (not valid UTF-8 on the wire)
    "\ufeff\uffff",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "https://evil.example/x",
]

# The values every form field and every query parameter gets (the rest of NASTY goes to all
# parameters at once, and Hypothesis draws more): one of each kind of trouble.
SHORT_LIST = [
    "0000-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-1",
    "99999999999999999999999999999",
    "1e999",
    "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
    "x" * 10_000,
    "Groceries\x00",
    "\u202e🙂e\u0301",
    "\ud800",
    "javascript:alert(1)",
]

PER_PARAMETER = ["0000-01", "9999-12-31", "99999999999999999999999999999", "zz-zz\x00\ud800"]

# The query parameters views read (grep GET.get / request.GET): every page gets all of them.
PARAMS = [
    "month",
    "on",
    "start",
    "end",
    "q",
    "page",
    "category",
    "member",
    "status",
    "overdue",
    "budget",
    "parent",
    "sub",
    "view",
    "fragment",
    "segment",
    "errors",
    "next",
    "code",
    "amount",
    "date",
    "paid_by",
    "occasion",
    "recipient",
]

_odd_chars = st.characters(categories=["Cc", "Cf", "Cs", "Mn", "So", "Zs", "Co"])
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=_odd_chars, min_size=1, max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 10_001), st.integers(0, 99)),
    st.uuids().map(str).map(lambda u: u[:-1] + "g"),
    st.text(alphabet="0123456789abcdef-", min_size=30, max_size=40),
)
HYPOTHESIS_SETTINGS = settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ---------------------------------------------------------------------------------------------
# Sending: one request inside a savepoint that is rolled back
# ---------------------------------------------------------------------------------------------

COUNTS = Counter()


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="", errors="surrogatepass")


def encode(pairs) -> str:
    """application/x-www-form-urlencoded; a lone surrogate goes as the bytes a broken client sends."""
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in pairs)


@dataclass
class Walker:
    client: Client
    failures: list = field(default_factory=list)

    def send(self, method: str, url: str, pairs=(), *, files=None, what: str, counter: str):
        """One request, a plain or an htmx one in turn, rolled back whatever it did."""
        COUNTS[counter] += 1
        htmx = COUNTS[counter] % 2 == 0
        headers = {"HX-Request": "true"} if htmx else {}
        label = f"{method} {url[:120]} {what}{' (htmx)' if htmx else ''}"
        with transaction.atomic():
            try:
                if method == "GET":
                    response = self.client.get(url, headers=headers)
                elif files:
                    response = self.client.post(url, {**dict(pairs), **files}, headers=headers)
                else:
                    response = self.client.post(
                        url, encode(pairs), content_type="application/x-www-form-urlencoded", headers=headers
                    )
            except Exception as exc:  # an exception escaping the view is what this test looks for
                self.failures.append(f"{label}: {exc!r:.300}")
                response = None
            transaction.set_rollback(True)
        if response is not None and response.status_code >= 500:
            self.failures.append(f"{label}: {response.status_code}")
        return response

    def check(self):
        assert not self.failures, f"{len(self.failures)} requests failed:\n" + "\n".join(self.failures[:40])


# ---------------------------------------------------------------------------------------------
# Forms in a rendered page
# ---------------------------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list = field(default_factory=list)  # [(name, value, kind)] as the browser would send
    files: list = field(default_factory=list)  # names of file inputs


class FormParser(html.parser.HTMLParser):
    """The forms of a page, each with the values a browser would submit untouched."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.textarea: str | None = None
        self.textarea_text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            method = (a.get("method") or ("post" if "hx-post" in a else "get")).upper()
            action = a.get("action") or a.get("hx-post") or a.get("hx-get") or self.page_url
            self.form = Form(method, urllib.parse.urljoin(self.page_url, action))
            self.forms.append(self.form)
        if self.form is None or "name" not in a:
            if tag == "option" and self.select is not None and (self.select_value is None or "selected" in a):
                self.select_value = a.get("value", "")
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                self.form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on"), kind))
            elif kind not in ("submit", "button", "reset", "image"):
                self.form.fields.append((name, a.get("value", ""), kind))
        elif tag == "button" and a.get("value"):
            self.form.fields.append((name, a["value"], "button"))
        elif tag == "select":
            self.select, self.select_value = name, None
        elif tag == "textarea":
            self.textarea, self.textarea_text = name, ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None and self.form is not None:
            self.form.fields.append((self.select, self.select_value or "", "select"))
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.fields.append((self.textarea, self.textarea_text, "textarea"))
            self.textarea = None


def page_forms(html_text: str, page_url: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html_text)
    return parser.forms


# ---------------------------------------------------------------------------------------------
# The household the walker uses: one of everything, so every page has its forms
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def world(household, admin_user):
    """A member's client (an admin, so the admin's forms are walked too) in a household with an
    expense, a planned and a trashed one, a draft, a budget tree, an occasion, a recipient."""
    member = MembershipFactory(household=household, role=Role.ADMIN, user__name="Walker").user
    ExpenseFactory(household=household, paid_by=member, description="Milk")
    ExpenseFactory(household=household, paid_by=member, status="planned", due_date=household.today())
    ExpenseFactory(household=household, paid_by=member, deleted_at=timezone.now())
    DraftFactory(household=household, state=DraftState.PENDING)
    root = Budget.objects.create(household=household, name="Home", amount=5000)
    Budget.objects.create(household=household, name="Food", amount=2000, parent=root)
    occasion = Occasion.objects.create(
        household=household, name="Diwali", kind="festival", date=household.today()
    )
    Budget.objects.create(household=household, name="Diwali", amount=1000, period="once", occasion=occasion)
    Recipient.objects.create(household=household, name="Nani")
    client = Client()
    client.force_login(member)
    return household, client


def url_for(route: Route, household) -> str:
    if not route.arguments:
        return reverse(route.name)
    if route.name in BUILDERS:
        return reverse(route.name, kwargs=BUILDERS[route.name](household))
    return reverse(route.name, kwargs=dict.fromkeys(route.arguments, "x"))


ROUTES = [route for route in unique_routes() if route.name]


# ---------------------------------------------------------------------------------------------
# The walks
# ---------------------------------------------------------------------------------------------


def _with_query(url: str, pairs) -> str:
    return f"{url}?{encode(pairs)}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_query_parameters_never_break_a_page(route, world):
    """Every URL × every parameter × hostile values: GET (POST for a POST-only URL, which may
    read its query string too), each known-nasty value in all parameters at once, each parameter
    alone with one value of each kind, and Hypothesis's draws."""
    household, client = world
    walker = Walker(client)
    url = url_for(route, household)
    probe = client.get(url)
    method = "POST" if probe.status_code == 405 else "GET"
    names = list(PARAMS)
    if probe.status_code == 200 and "html" in probe.get("Content-Type", ""):
        for form in page_forms(probe.content.decode(), url):
            if form.method == "GET":
                names += [name for name, _, _ in form.fields if name not in names]

    def send(pairs, what):
        walker.send(method, _with_query(url, pairs), what=what, counter="url")

    for value in NASTY:
        send([(name, value) for name in names], f"all={value[:30]!r}")
    for name in (
        names if probe.status_code == 200 else []
    ):  # alone, so no other parameter masks it (?on= wins over ?month=)
        for value in PER_PARAMETER:
            send([(name, value)], f"{name}={value[:30]!r}")

    @HYPOTHESIS_SETTINGS
    @given(values=st.lists(HOSTILE, min_size=len(names), max_size=len(names)))
    def drawn(values):
        send(list(zip(names, values, strict=True)), f"drawn {values[:3]!r:.60}")

    drawn()
    walker.check()


PAGES = [route for route in ROUTES if route.name != "password_reset_confirm"]
SKIP_ACTIONS = {"logout"}  # no field to walk; posting it would only end the walker's session


def _hostile_files():
    """Hostile CSV files: NUL bytes, UTF-16 BOMs before broken UTF-16, binary, dates out of range."""
    return [
        ("nul.csv", b"Date,Amount,Description\n2026-01-05,450,Milk\x00\n2026-01-06,1,x\n"),
        ("utf16-bad.csv", b"\xff\xfeD\x00a\x00\x00\xd8t\x00e\x00,\x001\x00\n\x00"),
        ("utf16be-bad.csv", b"\xfe\xff\x00D\xd8\x00\x00,\x001"),
        ("binary.csv", bytes(range(256)) * 4),
        ("dates.csv", b"Date,Amount,Description\n0001-01-01,450,Milk\n9999-12-31,1,x\n0000-00-00,1,y\n"),
        ("wide.csv", b"a,b\n" + b"x" * 10_000 + b",1\n2026-01-01,2\n"),
    ]


def _form_key(form: Form) -> tuple:
    """Forms repeated per row (a delete button per expense) are walked once per page."""
    path = "/".join(
        "<id>" if len(part) == 36 else part for part in urllib.parse.urlsplit(form.action).path.split("/")
    )
    return path, tuple(name for name, _, _ in form.fields)


@pytest.mark.parametrize("route", PAGES, ids=str)
def test_form_fields_never_break_a_page(route, world):
    """Every POST form of the page × each field × hostile values (the others as rendered), its
    file inputs × hostile files, and Hypothesis's draws for all fields at once."""
    household, client = world
    walker = Walker(client)
    url = url_for(route, household)
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return  # not a page with forms (a POST-only URL, a redirect, a CSV file)
    forms, seen = [], set()
    for form in page_forms(response.content.decode(), url):
        skip = form.method != "POST" or any(form.action.endswith(reverse(n)) for n in SKIP_ACTIONS)
        if not skip and _form_key(form) not in seen:
            seen.add(_form_key(form))
            forms.append(form)
    COUNTS["forms"] += len(forms)
    for form in forms:
        baseline = [(name, value) for name, value, _ in form.fields if name != "csrfmiddlewaretoken"]
        COUNTS["fields"] += len(baseline) + len(form.files)
        walker.send("POST", form.action, baseline, what="as rendered", counter="form")
        for index, (name, _) in enumerate(baseline):
            for value in SHORT_LIST:
                pairs = [*baseline[:index], (name, value), *baseline[index + 1 :]]
                walker.send("POST", form.action, pairs, what=f"{name}={value[:30]!r}", counter="form")
        for file_name, content in _hostile_files() if form.files else []:
            files = {name: SimpleUploadedFile(file_name, content, "text/csv") for name in form.files}
            walker.send("POST", form.action, baseline, files=files, what=file_name, counter="form")
        if baseline:
            _drawn_posts(walker, form.action, [name for name, _ in baseline])
    walker.check()


def _drawn_posts(walker: Walker, action: str, names: list[str]) -> None:
    @HYPOTHESIS_SETTINGS
    @given(values=st.lists(HOSTILE, min_size=len(names), max_size=len(names)))
    def drawn(values):
        pairs = list(zip(names, values, strict=True))
        walker.send("POST", action, pairs, what=f"drawn {values[:3]!r:.60}", counter="form")

    drawn()


def test_the_walker_finds_forms_and_fields():
    """The parser sees what a browser submits: fields, the selected option, textareas, files."""
    forms = page_forms(
        '<form method="post" action="/a/"><input name="x" value="1"><input type="checkbox" name="c">'
        '<select name="s"><option value="">-</option><option value="2" selected>2</option></select>'
        '<textarea name="t">hi</textarea><input type="file" name="f"><button name="action" value="go">'
        '</button></form><form hx-post="/b/"><input name="y"></form>',
        "/page/",
    )
    assert [(f.method, f.action) for f in forms] == [("POST", "/a/"), ("POST", "/b/")]
    assert [name for name, _, _ in forms[0].fields] == ["x", "s", "t", "action"]
    assert forms[0].files == ["f"]


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    """Print the counts; keep Django's log of 400s (and any 500, which the walk reports) quiet."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)
    print(
        f"\nbad-input walker: {COUNTS['url']} URL requests ({len(ROUTES)} URLs × {len(PARAMS)}+ parameters), "
        f"{COUNTS['form']} form posts ({COUNTS['forms']} forms, {COUNTS['fields']} fields)"
    )
