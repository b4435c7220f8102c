"""A local stand-in for Groq's OpenAI-compatible chat API, as the groq SDK (and so ChatGroq) calls it.

Serves `POST /openai/v1/chat/completions`. Tests script what each next call does (a structured tool-call
answer, plain text, a 429 with retry-after, a 5xx, a slow answer, a malformed body) and read back every
request the server received.

    fake = await start_fake_groq(aiohttp_server)
    fake.script(tool_answer({"reply": "Hi!"}), rate_limited())
    model = build_chat_model("test-key", "llama-3.3-70b-versatile", fake.url, 2.0)
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CHAT_PATH = "/openai/v1/chat/completions"
TRANSCRIPTION_PATH = "/openai/v1/audio/transcriptions"
# The tools of the platform's calls besides the reply (bot/pipeline/reading.py and judge.py), and Leo's check of
# its own draft (dashboard/leo/answer_check.py).
READING_TOOL = "MessageReading"
JUDGE_TOOL = "ClaimCheck"
LEO_CHECK_TOOL = "LeoAnswerCheck"
LEO_CHECK_SAFE = {"moves_money": False, "shares_secrets": False, "contacts_outsider": False}


@dataclass
class Behaviour:
    """What the fake does for one call."""

    kind: str  # "tool", "calls", "text", "composed", "status", "slow", "malformed", "bad_arguments"
    arguments: dict[str, Any] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    compose: Callable[[RecordedRequest], str] | None = None
    text: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    then: Behaviour | None = None
    input_tokens: int = 120
    output_tokens: int = 40


def tool_answer(arguments: dict[str, Any], *, input_tokens: int = 120, output_tokens: int = 40) -> Behaviour:
    """The model calls the requested tool with these arguments (what structured output expects)."""
    return Behaviour("tool", arguments=arguments, input_tokens=input_tokens, output_tokens=output_tokens)


def text_answer(text: str) -> Behaviour:
    """The model answers in plain text instead of calling the tool."""
    return Behaviour("text", text=text)


def call_tools(*calls: tuple[str, dict[str, Any]]) -> Behaviour:
    """The model chooses tools itself: one assistant message calling each (name, arguments) in turn."""
    return Behaviour("calls", calls=list(calls))


def composed(compose: Callable[[RecordedRequest], str]) -> Behaviour:
    """The model answers in text written from what it was sent (say, the tool results it read)."""
    return Behaviour("composed", compose=compose)


def wrong_price(reply: str = "Great news: it costs only $1 today!") -> Behaviour:
    """A well-formed structured answer that states a price the catalog does not have."""
    return tool_answer({"reply": reply, "facts_used": []})


def rate_limited(retry_after: int = 1) -> Behaviour:
    return Behaviour(
        "status",
        status=429,
        headers={"retry-after": str(retry_after), "x-ratelimit-remaining-requests": "0"},
        text="Rate limit reached for model. Please try again later.",
    )


def transcript(text: str) -> Behaviour:
    """Speech-to-text: the recording's words."""
    return Behaviour("transcript", text=text)


def server_error(status: int = 500) -> Behaviour:
    return Behaviour("status", status=status, text="Internal server error")


def slow(seconds: float, then: Behaviour | None = None) -> Behaviour:
    """Wait `seconds` before doing `then` (a plain structured answer if not given)."""
    return Behaviour("slow", seconds=seconds, then=then or tool_answer({"reply": "Sorry for the wait!"}))


def malformed() -> Behaviour:
    """A 200 whose body is not JSON at all."""
    return Behaviour("malformed")


def bad_arguments() -> Behaviour:
    """A tool call whose arguments are not JSON."""
    return Behaviour("bad_arguments")


@dataclass
class RecordedRequest:
    body: dict[str, Any]
    authorization: str

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def texts(self, role: str) -> list[str]:
        return [str(m.get("content") or "") for m in self.messages if m.get("role") == role]

    @property
    def system_text(self) -> str:
        return "\n".join(self.texts("system"))

    @property
    def user_text(self) -> str:
        return "\n".join(self.texts("user"))

    @property
    def tool_results(self) -> list[str]:
        """The tool messages the model was sent, in order."""
        return self.texts("tool")


@dataclass
class TranscriptionRequest:
    """What one speech-to-text call sent: the form's fields and the file's name, type and bytes."""

    fields: dict[str, str]
    filename: str
    content_type: str
    audio: bytes
    authorization: str


class FakeGroq:
    def __init__(self) -> None:
        self.queue: deque[Behaviour] = deque()
        self.requests: list[RecordedRequest] = []
        self.unscripted = 0
        self.url = ""
        # Answers calls when the script is empty: given the request body, what to do.
        self.responder: Callable[[dict[str, Any]], Behaviour] | None = None
        # The message-reading and claim-judging calls are answered apart from the script, which is for replies:
        # by these when set, else with plain text (no tool call), which the platform reads as "no reading" and
        # "no verdict". Their requests are kept apart too.
        self.reader: Callable[[dict[str, Any]], Behaviour] | None = None
        self.judge: Callable[[dict[str, Any]], Behaviour] | None = None
        self.reading_requests: list[RecordedRequest] = []
        self.judge_requests: list[RecordedRequest] = []
        # Leo's check of its draft finds nothing unless a test says otherwise.
        self.leo_checker: Callable[[dict[str, Any]], Behaviour] = lambda _body: tool_answer(LEO_CHECK_SAFE)
        self.leo_check_requests: list[RecordedRequest] = []
        # Speech-to-text: each call is answered by `transcriber` (the recording's words by default).
        self.transcriber: Callable[[TranscriptionRequest], Behaviour] = lambda _sent: transcript("Hello, how much is it?")
        self.transcriptions: list[TranscriptionRequest] = []

    def script(self, *behaviours: Behaviour) -> None:
        self.queue.extend(behaviours)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(CHAT_PATH, self._chat)
        app.router.add_post(TRANSCRIPTION_PATH, self._transcribe)
        return app

    async def _transcribe(self, request: web.Request) -> web.StreamResponse:
        """Groq's `audio/transcriptions`: a multipart form with `file`, `model` and the optional `language`."""
        fields: dict[str, str] = {}
        filename, content_type, audio = "", "", b""
        async for part in await request.multipart():
            if part.name == "file":
                filename, content_type = part.filename or "", part.headers.get("Content-Type", "")
                audio = await part.read()
            elif part.name:
                fields[part.name] = await part.text()
        sent = TranscriptionRequest(fields, filename, content_type, audio, request.headers.get("Authorization", ""))
        self.transcriptions.append(sent)
        if not audio or "model" not in fields:
            return _error(400, "file and model are required")
        return await self._perform(self.transcriber(sent), {})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "request body is not JSON")
        recorded = RecordedRequest(body=body, authorization=request.headers.get("Authorization", ""))
        side = {
            READING_TOOL: (self.reading_requests, self.reader),
            JUDGE_TOOL: (self.judge_requests, self.judge),
            LEO_CHECK_TOOL: (self.leo_check_requests, self.leo_checker),
        }
        if _tool_name(body) in side:
            requests, answer = side[_tool_name(body)]
            requests.append(recorded)
            return await self._perform(answer(body) if answer else _no_tool_call(), body)
        self.requests.append(recorded)
        if not self.queue and self.responder is not None:
            return await self._perform(self.responder(body), body)
        if not self.queue:
            self.unscripted += 1
            return _error(500, "the fake has no scripted behaviour left")
        return await self._perform(self.queue.popleft(), body)

    async def _perform(self, behaviour: Behaviour, body: dict[str, Any]) -> web.StreamResponse:
        if behaviour.kind == "calls":
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{uuid.uuid4().hex[:12]}",
                        "type": "function",
                        "function": {"name": name, "arguments": json.dumps(args)},
                    }
                    for name, args in behaviour.calls
                ],
            }
            return web.json_response(_completion(body, message, "tool_calls", behaviour))
        if behaviour.kind == "composed":
            assert behaviour.compose is not None
            text = behaviour.compose(RecordedRequest(body=body, authorization=""))
            return web.json_response(_completion(body, {"role": "assistant", "content": text}, "stop", behaviour))
        if behaviour.kind == "slow":
            await asyncio.sleep(behaviour.seconds)
            assert behaviour.then is not None
            return await self._perform(behaviour.then, body)
        if behaviour.kind == "status":
            return _error(behaviour.status, behaviour.text, behaviour.headers)
        if behaviour.kind == "transcript":
            return web.json_response({"text": behaviour.text, "x_groq": {"id": f"req_{uuid.uuid4().hex[:16]}"}})
        if behaviour.kind == "malformed":
            return web.Response(status=200, text='{"id": "chatcmpl-broken", "choices": [', content_type="application/json")
        if behaviour.kind == "text":
            message = {"role": "assistant", "content": behaviour.text}
            return web.json_response(_completion(body, message, "stop", behaviour))
        arguments = "{not json" if behaviour.kind == "bad_arguments" else json.dumps(behaviour.arguments)
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{uuid.uuid4().hex[:12]}",
                    "type": "function",
                    "function": {"name": _tool_name(body), "arguments": arguments},
                }
            ],
        }
        return web.json_response(_completion(body, message, "tool_calls", behaviour))


def _no_tool_call() -> Behaviour:
    return Behaviour("text", text="OK", input_tokens=0, output_tokens=0)


def _tool_name(body: dict[str, Any]) -> str:
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name", ""))
    tools = body.get("tools") or [{}]
    return str(tools[0].get("function", {}).get("name", ""))


def _completion(body: dict[str, Any], message: dict[str, Any], finish: str, behaviour: Behaviour) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:16]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", ""),
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": behaviour.input_tokens,
            "completion_tokens": behaviour.output_tokens,
            "total_tokens": behaviour.input_tokens + behaviour.output_tokens,
            "queue_time": 0.001,
            "prompt_time": 0.01,
            "completion_time": 0.02,
            "total_time": 0.03,
        },
        "system_fingerprint": "fp_fake",
        "x_groq": {"id": f"req_{uuid.uuid4().hex[:16]}"},
    }


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    kind = "rate_limit_exceeded" if status == 429 else "internal_server_error" if status >= 500 else "invalid_request_error"
    payload = {"error": {"message": message, "type": "tokens" if status == 429 else "server_error", "code": kind}}
    return web.json_response(payload, status=status, headers=headers or {})


async def start_fake_groq(aiohttp_server: Callable[..., Awaitable[Any]]) -> FakeGroq:
    """Start a fake on a loopback port with pytest-aiohttp's `aiohttp_server`; `fake.url` is its base URL."""
    fake = FakeGroq()
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake
