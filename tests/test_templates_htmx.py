"""htmx attribute inheritance, checked on the templates themselves.

hx-target, hx-swap and hx-select are inherited: an element that makes its own request (a
debounced budget-context box inside a form, a button inside a live fragment) swaps wherever its
ancestor points unless it says otherwise. That once replaced the quick-add form with a one-line
budget context on every keystroke. So every element that makes a request inside an element
carrying one of those attributes must set its own.

Each template is read as the browser will get it: includes and partials are expanded in place
(so the budget-context slot is seen inside each form that includes it), Django tags are dropped
(both branches of an {% if %} are kept), and the HTML is walked with the standard library parser.
Each partial is also walked on its own, since views render partials as fragments.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
REQUEST_ATTRS = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")
INHERITED = ("hx-target", "hx-swap", "hx-select")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

TAG = re.compile(r"{%-?\s*(\w+)(.*?)-?%}", re.DOTALL)
INCLUDE = re.compile(r"""^\s*(["'])([^"'#]+)(?:#([\w-]+))?\1""")


class TemplateSource:
    """One template file: its text, and its partials by name (nested partials included)."""

    def __init__(self, name: str):
        self.name = name
        self.text = (TEMPLATES / name).read_text()
        self.partials: dict[str, tuple[int, int]] = {}  # name -> (start, end) of its body
        stack = []
        for match in TAG.finditer(self.text):
            word, rest = match.group(1), match.group(2).split()
            if word == "partialdef":
                stack.append((rest[0], match.end()))
            elif word == "endpartialdef":
                partial, start = stack.pop()
                self.partials[partial] = (start, match.start())
        assert not stack, f"{name}: unclosed partialdef {stack}"


_sources: dict[str, TemplateSource] = {}


def source(name: str) -> TemplateSource:
    if name not in _sources:
        _sources[name] = TemplateSource(name)
    return _sources[name]


def expand(name: str, partial: str | None = None, seen: tuple = ()) -> str:
    """The template (or one partial of it) with every include and partial written out in place,
    and its Django tags and variables removed."""
    key = (name, partial)
    if key in seen:
        raise AssertionError(f"include loop: {' -> '.join(f'{n}#{p}' for n, p in (*seen, key))}")
    src = source(name)
    if partial is None:
        start, end = 0, len(src.text)
    else:
        if partial not in src.partials:
            raise AssertionError(f"{name} has no partial {partial!r} (included from {seen[-1:]})")
        start, end = src.partials[partial]
    text = src.text[start:end]
    text = re.sub(r"{#.*?#}", "", text, flags=re.DOTALL)
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.DOTALL)

    out, pos, depth, skipping = [], 0, 0, None
    for match in TAG.finditer(text):
        word, rest = match.group(1), match.group(2)
        if skipping is None:
            out.append(text[pos : match.start()])
        pos = match.end()
        if word == "partialdef":
            depth += 1
            # An inline partial renders where it is defined; another one only where it is used.
            if skipping is None and "inline" not in rest.split():
                skipping = depth
            continue
        if word == "endpartialdef":
            if skipping == depth:
                skipping = None
            depth -= 1
            continue
        if skipping is not None:
            continue
        if word == "include":
            target = INCLUDE.match(rest)
            if not target:
                raise AssertionError(f"{name}: cannot follow {{% include{rest}%}} (not a string literal)")
            out.append(expand(target.group(2), target.group(3), (*seen, key)))
        elif word == "partial":
            out.append(expand(name, rest.split()[0], (*seen, key)))
        elif word == "url":
            out.append(rest.split()[0].strip("'\""))  # the route's name, for the messages
        else:
            out.append(" ")  # an {% if %}, {% url %}, {% csrf_token %}...: both branches stay
    if skipping is None:
        out.append(text[pos:])
    return re.sub(r"{{.*?}}", "x", "".join(out), flags=re.DOTALL)


class InheritanceChecker(HTMLParser):
    def __init__(self, where: str):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.stack: list[tuple[str, dict]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):  # <rect .../>: nothing nests inside
        self.check(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def check(self, tag, attrs):
        own = {name.removeprefix("data-"): value for name, value in attrs}
        if not any(name in own for name in REQUEST_ATTRS):
            return
        for attr in INHERITED:
            if attr in own:
                continue
            for ancestor_tag, ancestor in reversed(self.stack):
                ancestor = {name.removeprefix("data-"): value for name, value in ancestor.items()}
                disinherit = (ancestor.get("hx-disinherit") or "").split()
                if attr in ancestor and "*" not in disinherit and attr not in disinherit:
                    request = next(f'{name}="{own[name]}"' for name in REQUEST_ATTRS if name in own)
                    self.problems.append(
                        f"{self.where}: <{tag} {request.strip()}> has no {attr} of its own and inherits "
                        f'{attr}="{ancestor[attr]}" from its <{ancestor_tag}>'
                    )
                    break


def roots() -> list[tuple[str, str | None]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        found.append((name, None))
        found.extend((name, partial) for partial in source(name).partials)
    return found


def inheritance_problems(name: str, partial: str | None) -> list[str]:
    checker = InheritanceChecker(f"{name}#{partial}" if partial else name)
    checker.feed(expand(name, partial))
    checker.close()
    return checker.problems


def test_the_walk_sees_the_budget_context_slot_inside_its_forms():
    # The walk is only worth something if it follows includes into the forms that use them.
    quick_add = expand("expenses/list.html")
    form = quick_add[quick_add.index('class="quick-add-form"') :]
    assert "budget-context-slot" in form[: form.index("</form>")]
    assert "budget-context-slot" in expand("expenses/inbox.html", "draft-card")
    assert "budget-context-slot" in expand("expenses/chat.html")
    assert "budget-context-slot" in expand("budgets/occasion_detail.html", "item-form")


def test_the_check_catches_an_inherited_target():
    checker = InheritanceChecker("example")
    checker.feed(
        '<form hx-post="/add/" hx-target="#workspace" hx-swap="outerHTML">'
        '<input name="amount"><div hx-get="/context/" hx-swap="innerHTML"></div></form>'
    )
    assert checker.problems == [
        'example: <div hx-get="/context/"> has no hx-target of its own and inherits '
        'hx-target="#workspace" from its <form>'
    ]


@pytest.mark.parametrize(("name", "partial"), roots(), ids=lambda value: value or "page")
def test_every_nested_request_sets_its_own_target_and_swap(name, partial):
    assert inheritance_problems(name, partial) == []
