"""Fake LLM servers on 127.0.0.1 that the real SDKs talk to over real HTTP.

``FakeLLM("openai")`` speaks the OpenAI API (``POST /v1/chat/completions``, ``GET /v1/models``),
``FakeLLM("gemini")`` the Gemini API (``POST /{version}/models/{model}:generateContent``,
``GET /{version}/models``; the google-genai SDK uses ``v1`` unless told otherwise, ``v1beta``
is served too). Each test scripts what the next requests get, in order::

    server.script(fail(429, headers={"Retry-After": "1"}), answer({"household_ref": …, "items": […]}))

and reads back what was sent (``server.requests``: method, path, headers, body as JSON). A request
with nothing left in the script gets ``server.default`` (an answer listing the models for a GET,
a 500 "nothing scripted" for a POST, so a test that forgot to script fails loudly).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_USAGE = (120, 30)  # input, output tokens


@dataclass
class Behaviour:
    """What the server does with one request."""

    kind: str  # "answer", "fail", "truncate", "garbage", "hang_up"
    content: str = ""  # the model's text (answer, truncate)
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    usage: tuple[int, int] = DEFAULT_USAGE
    model: str = ""
    make: Callable[[Recorded], object] | None = None  # builds the answer from the request (obey)


def _text(content) -> str:
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def answer(content, *, usage=DEFAULT_USAGE, delay: float = 0.0, model: str = "") -> Behaviour:
    """A complete answer whose text is `content` (a dict or list is sent as its JSON)."""
    return Behaviour("answer", content=_text(content), usage=usage, delay=delay, model=model)


def obey(make: Callable[[Recorded], object], *, usage=DEFAULT_USAGE) -> Behaviour:
    """An answer built from the request received: a server that does whatever the prompt says."""
    return Behaviour("answer", usage=usage, make=make)


def delay(seconds: float, content) -> Behaviour:
    """`content` answered only after `seconds`."""
    return answer(content, delay=seconds)


def fail(status: int, body=None, *, headers: dict | None = None) -> Behaviour:
    """An HTTP error: `body` (a dict is sent as JSON; default: an error object naming the status)."""
    if body is None:
        body = {"error": {"message": f"fake error {status}", "type": "fake", "code": status}}
    raw = body if isinstance(body, bytes) else _text(body).encode()
    return Behaviour("fail", status=status, body=raw, headers=dict(headers or {}))


def truncate(content, *, keep: float = 0.5) -> Behaviour:
    """An answer cut mid-way, marked as stopped by the token limit (length / MAX_TOKENS)."""
    text = _text(content)
    return Behaviour("truncate", content=text[: max(1, int(len(text) * keep))])


def garbage(body: bytes = b"<html><body>502 Bad Gateway \x00\xff</body></html>") -> Behaviour:
    """A 200 response whose body is not the API's JSON at all."""
    return Behaviour("garbage", body=body)


def hang_up() -> Behaviour:
    """The connection closed without any response."""
    return Behaviour("hang_up")


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict  # lower-cased names
    body: bytes

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def prompt(self) -> tuple[str, str]:
        """The system prompt and the user turn of a completion request, either flavour."""
        body = self.json or {}
        if "messages" in body:
            by_role = {m["role"]: m["content"] for m in body["messages"]}
            return by_role.get("system", ""), by_role.get("user", "")
        system = body.get("systemInstruction", {}).get("parts", [{}])[0].get("text", "")
        return system, body["contents"][0]["parts"][0]["text"]


GEMINI_GENERATE = re.compile(r"^/(?:v1|v1beta|v1alpha)/models/(?P<model>[^/:]+):generateContent$")
GEMINI_MODELS = re.compile(r"^/(?:v1|v1beta|v1alpha)/models$")


class FakeLLM:
    """One fake provider server, started on a free port of 127.0.0.1 in a daemon thread."""

    def __init__(self, flavour: str, *, models: list[str] | None = None):
        assert flavour in ("openai", "gemini")
        self.flavour = flavour
        self.models = models or (
            ["gemini-2.5-flash", "gemini-2.5-pro"] if flavour == "gemini" else ["llama3.2", "qwen2.5:7b"]
        )
        self.queue: list[Behaviour] = []
        self.default: Behaviour | None = None
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------ the test's side

    @property
    def base_url(self) -> str:
        """The base URL a provider is given: with /v1 for OpenAI-style servers, bare for Gemini."""
        root = f"http://127.0.0.1:{self.port}"
        return f"{root}/v1" if self.flavour == "openai" else root

    def script(self, *behaviours: Behaviour) -> FakeLLM:
        with self._lock:
            self.queue.extend(behaviours)
        return self

    def always(self, behaviour: Behaviour) -> FakeLLM:
        """What every request gets once the script is used up."""
        self.default = behaviour
        return self

    @property
    def posts(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # ------------------------------------------------------------ the server's side

    def _next(self, method: str) -> Behaviour | None:
        with self._lock:
            if self.queue:
                return self.queue.pop(0)
        if self.default is not None:
            return self.default
        if method == "GET":
            return Behaviour("answer")
        return fail(500, {"error": {"message": "nothing scripted", "code": 500}})

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # quiet
                pass

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                recorded = Recorded(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with fake._lock:
                    fake.requests.append(recorded)
                behaviour = fake._next(method)
                # The client may have given up waiting (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._respond(self, method, path, recorded, behaviour)

        return Handler

    def _respond(self, handler, method, path, recorded: Recorded, b: Behaviour) -> None:
        body = recorded.body
        if b.make is not None:
            b = Behaviour("answer", content=_text(b.make(recorded)), usage=b.usage)
        if b.delay:
            time.sleep(b.delay)
        if b.kind == "hang_up":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if b.kind == "fail":
            self._send(handler, b.status, b.body, b.headers)
            return
        if b.kind == "garbage":
            self._send(handler, 200, b.body, {"Content-Type": "application/json"})
            return
        routed = self._route(method, path)
        if routed is None:
            self._send(handler, 404, json.dumps({"error": {"message": f"no route {path}"}}).encode(), {})
            return
        if routed == "models":
            self._send(handler, 200, json.dumps(self._models_body()).encode(), {})
            return
        model = b.model or routed or (json.loads(body or b"{}").get("model") if body else "") or "fake"
        truncated = b.kind == "truncate"
        payload = (
            self._gemini_body(b, model, truncated)
            if self.flavour == "gemini"
            else self._openai_body(b, model, truncated)
        )
        self._send(handler, 200, json.dumps(payload).encode(), {})

    def _route(self, method, path):
        """ "models" for a model list, the model name (or "") for a completion, None otherwise."""
        if self.flavour == "openai":
            if method == "GET" and path.endswith("/models"):
                return "models"
            if method == "POST" and path.endswith("/chat/completions"):
                return ""
            return None
        if method == "GET" and GEMINI_MODELS.match(path):
            return "models"
        if method == "POST" and (found := GEMINI_GENERATE.match(path)):
            return found["model"]
        return None

    def _models_body(self) -> dict:
        if self.flavour == "openai":
            return {
                "object": "list",
                "data": [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models],
            }
        return {
            "models": [
                {
                    "name": f"models/{m}",
                    "displayName": m,
                    "supportedActions": ["generateContent"],
                    "supportedGenerationMethods": ["generateContent"],
                }
                for m in self.models
            ]
        }

    @staticmethod
    def _openai_body(b: Behaviour, model: str, truncated: bool) -> dict:
        prompt, completion = b.usage
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": b.content},
                    "finish_reason": "length" if truncated else "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }

    @staticmethod
    def _gemini_body(b: Behaviour, model: str, truncated: bool) -> dict:
        prompt, completion = b.usage
        return {
            "candidates": [
                {
                    "content": {"parts": [{"text": b.content}], "role": "model"},
                    "finishReason": "MAX_TOKENS" if truncated else "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {
                "promptTokenCount": prompt,
                "candidatesTokenCount": completion,
                "totalTokenCount": prompt + completion,
            },
            "modelVersion": model,
        }

    @staticmethod
    def _send(handler, status: int, body: bytes, headers: dict) -> None:
        handler.send_response(status)
        sent = {k.lower() for k in headers}
        if "content-type" not in sent:
            handler.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()


def closed_port_url(path: str = "/v1") -> str:
    """The URL of a port on 127.0.0.1 that nothing listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
