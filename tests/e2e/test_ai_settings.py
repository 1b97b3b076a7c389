"""The AI provider settings page in Chromium at 390 and 1280 px: an admin picks an
OpenAI-compatible server, types its address, a model and a key key by key, saves, sees only the
masked key, loads the server's models and tests the connection against a small fake
OpenAI-compatible server on 127.0.0.1. Any console error, CSP violation or 5xx fails the test.

The test saves settings, so it runs against a server of its own: the demo household the other
browser tests share keeps builtin.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.e2e import harness
from tests.e2e.fixtures import server_fixtures

pytestmark = pytest.mark.e2e

ADMIN = "asha@demo.hearth"
MODEL = "llama3.2"
KEYS = {harness.PHONE: "sk-local-phone-0123456789-k390", harness.DESKTOP: "sk-local-desk-9876543210-k128"}
# The adapter answers with the model's name and the time it took.
ANSWERED = re.compile(r"^✓ Answered as \S+ in \d+ ms$")

MEMBER = "ravi@demo.hearth"
THINKING = 2.0  # seconds the fake model takes to read a chat message

hearth_server, live_server_url, demo_logins, _sessions = server_fixtures("module")


def read_like_a_model(messages: list[dict]) -> dict:
    """What a model would answer for a message like "paneer 240": the reference echoed, one item."""
    system = next(m["content"] for m in messages if m["role"] == "system")
    user = next(m["content"] for m in messages if m["role"] == "user")
    reference = re.search(r"reference: (\S+)", system).group(1)
    today = re.search(r"today: (\d{4}-\d{2}-\d{2})", system).group(1)
    text = json.loads(user.split("\n", 1)[1])
    amount = re.search(r"\d+(?:\.\d+)?", text)
    words = re.sub(r"[\d.]+", "", text).strip()
    return {
        "household_ref": reference,
        "items": [
            {
                "amount": amount.group(0) if amount else None,
                "category": "Groceries",
                "date": today,
                "paid_by": "",
                "description": words.capitalize(),
            }
        ],
    }


class FakeOpenAI(BaseHTTPRequestHandler):
    """POST /v1/chat/completions and GET /v1/models, as an OpenAI-compatible server answers."""

    requests: list[str] = []

    def log_message(self, *args):  # quiet
        pass

    def _json(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.requests.append(f"GET {self.path}")
        if self.path.rstrip("/") == "/v1/models":
            self._json(
                {
                    "object": "list",
                    "data": [
                        {"id": MODEL, "object": "model", "created": 0, "owned_by": "library"},
                        {"id": "qwen2.5:7b", "object": "model", "created": 0, "owned_by": "library"},
                    ],
                }
            )
        else:
            self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.requests.append(f"POST {self.path}")
        if self.path.rstrip("/") != "/v1/chat/completions":
            self.send_error(404)
            return
        schema = (body.get("response_format") or {}).get("json_schema") or {}
        content = '{"ok": true}'
        if schema.get("name") == "expenses":
            content = json.dumps(read_like_a_model(body["messages"]))
            time.sleep(THINKING)  # a model takes its time: the chat must show it is reading
        self._json(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": MODEL,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
            }
        )


@pytest.fixture(scope="module")
def fake_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def type_into(field, value: str) -> None:
    """Clear the field and type the value key by key, as a person does."""
    field.click()
    field.press("ControlOrMeta+a")
    field.press("Backspace")
    field.press_sequentially(value, delay=10)


def too_small(page) -> list[str]:
    """Visible buttons and summaries of the form less than 44 px tall (a finger's touch target)."""
    return page.locator(".ai-page button:visible, .ai-page summary:visible").evaluate_all(
        "els => els.filter(e => e.getBoundingClientRect().height < 44)"
        "  .map(e => e.textContent.trim() + ' ' + Math.round(e.getBoundingClientRect().height) + 'px')"
    )


def cut_off(page) -> list[str]:
    """Elements of the page wider than the window or poking out of its right edge."""
    return page.locator(".ai-page *:visible").evaluate_all(
        "els => els.filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        "  .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))"
    )


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_admin_sets_up_a_compatible_server(page_for, live_server_url, fake_server, tmp_path, width):
    page = page_for(ADMIN, width)
    key = KEYS[width]
    response = page.goto(live_server_url + "/household/settings/")
    assert response.ok
    page.locator("main").get_by_role("link", name="AI settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AI settings")
    harness.screenshot(page, tmp_path / f"ai-settings-open-{width}.png")

    provider = page.get_by_label("Provider")
    base_url = page.get_by_label("Server address")
    provider.select_option("builtin")
    expect(base_url).to_be_hidden()
    expect(page.get_by_label("Model")).to_be_hidden()  # builtin needs none of it
    provider.select_option("openai")
    expect(page.get_by_label("Model")).to_be_visible()
    expect(base_url).to_be_hidden()  # OpenAI has no address of its own
    expect(page.get_by_label("Model")).to_have_attribute("list", "models-openai")
    provider.select_option("compatible")
    expect(base_url).to_be_visible()
    expect(base_url).to_have_attribute("placeholder", "http://localhost:11434/v1")
    expect(page.get_by_label("Model")).to_have_attribute("list", "models-compatible")

    type_into(base_url, fake_server)
    type_into(page.get_by_label("Model"), MODEL)
    replace = page.locator("details.replace-key")
    if replace.count():  # the other width's run stored a key already: replace it
        expect(page.locator(".masked-key")).to_have_text(re.compile(r"^•••• \w{4}$"))
        replace.locator("summary").click()
    key_field = page.locator("#id_api_key")
    type_into(key_field, key)
    assert key_field.get_attribute("type") == "password"
    assert (base_url.input_value(), page.get_by_label("Model").input_value()) == (fake_server, MODEL)
    assert too_small(page) == []

    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("AI settings saved.")
    expect(page.locator(".masked-key")).to_have_text(f"•••• {key[-4:]}")
    expect(page.locator(".ai-now")).to_contain_text(f"•••• {key[-4:]}")
    assert key not in page.content()
    assert page.locator("#id_api_key").input_value() == ""
    expect(page.get_by_label("Server address")).to_have_value(fake_server)

    page.get_by_role("button", name="Load the server's models").click()
    listed = page.locator("#server-models > p")
    expect(listed).to_be_visible()
    assert listed.inner_text().strip()
    assert "Traceback" not in listed.inner_text()

    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#connection-result > p")
    expect(result).to_be_visible(timeout=30_000)
    words = " ".join(result.inner_text().split())
    assert "check-ok" in (result.get_attribute("class") or ""), words
    assert ANSWERED.match(words), words
    assert MODEL in words
    # The test swapped only its own result: what was typed is still in the form.
    expect(page.get_by_label("Model")).to_have_value(MODEL)
    expect(page.get_by_label("Server address")).to_have_value(fake_server)
    assert page.locator("#ai-settings-form").count() == 1
    assert key not in page.content()

    harness.screenshot(page, tmp_path / f"ai-settings-tested-{width}.png")
    print(f"screenshots in {tmp_path}")
    assert cut_off(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 0, f"the page is {overflow}px wider than the {width}px window"
    assert page.problems + harness.csp_violations(page) == []


def use_the_fake_server(page, base_url: str, fake_server: str) -> None:
    """The admin points the household at the fake server (no key: a local server needs none)."""
    page.goto(base_url + "/settings/ai/")
    page.get_by_label("Provider").select_option("compatible")
    type_into(page.get_by_label("Server address"), fake_server)
    type_into(page.get_by_label("Model"), MODEL)
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("AI settings")


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_a_chat_message_read_by_the_server_arrives_without_a_reload(
    page_for, live_server_url, fake_server, tmp_path, width
):
    use_the_fake_server(page_for(ADMIN, width), live_server_url, fake_server)
    page = page_for(MEMBER, width)
    page.goto(live_server_url + "/chat/")
    text = f"paneer {width}"
    box = page.locator("#chat-form textarea")
    box.press_sequentially(text, delay=10)
    box.press("Enter")
    mine = page.locator(".chat-member").last
    expect(mine).to_contain_text(text)
    # The message is kept and shown as being read while the model thinks …
    expect(mine.locator(".chat-reading")).to_be_visible()
    expect(page.locator("#chat-form textarea")).to_have_value("")
    harness.screenshot(page, tmp_path / f"chat-reading-{width}.png")
    # … and a reload meanwhile shows it still pending, never lost.
    page.reload()
    expect(page.locator(".chat-member").last).to_contain_text(text)
    # The drafts arrive on their own once the model has answered.
    reply = page.locator(".chat-hearth").last
    expect(reply).to_contain_text("I made 1 draft", timeout=15_000)
    expect(reply).not_to_contain_text("read offline")
    expect(page.locator(".chat-reading")).to_have_count(0)
    card = page.locator(".chat-cards").last
    expect(card.get_by_label("Amount")).to_have_value(re.compile(rf"^{width}(\.00)?$"))
    expect(card).not_to_contain_text("check it")  # a clean reading needs no review
    harness.screenshot(page, tmp_path / f"chat-read-{width}.png")
    print(f"screenshots in {tmp_path}")
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 0, f"the chat is {overflow}px wider than the {width}px window"
    assert page.problems + harness.csp_violations(page) == []
