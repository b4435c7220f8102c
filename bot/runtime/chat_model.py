"""The process's chat model: Groq through langchain-groq, given to the pipeline as its `ModelClient`.

The SDK's own retries are off: a customer waiting on a chat is better served by a grounded offline answer
than by a slow retry (each call's bound and fallback are the pipeline's).

LangChain builds each call (its message conversion, tool schemas and the parsing of the answer into an
`AIMessage` with tool calls and usage), but the call itself is lighter than `ChatGroq`'s: measured with
`bench/cpu_per_turn.py`, the groq SDK's request path (its recursive transform of the request, then httpx,
httpcore and anyio) was a third of a busy worker's CPU, and LangChain's per-call run machinery (config merging,
callback managers, tracing hooks) a few per cent more. So the request's JSON (exactly what the SDK would send) is
posted with aiohttp on one kept-alive connection pool per event loop, and each kind of call is a `DirectCall`
that goes straight to the model's `_agenerate`, skipping the callback machinery nobody here listens to.
"""

from __future__ import annotations

import asyncio
import json
from functools import cached_property
from typing import Any

import aiohttp
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_groq import ChatGroq
from pydantic import PrivateAttr

from bot.pipeline.judge import JUDGE_MAX_TOKENS, JUDGE_TOOL, ClaimCheck
from bot.pipeline.llm import ReplyDraft
from bot.pipeline.model_client import ChatRunnable
from bot.pipeline.prompts import TOOL_NAME
from bot.pipeline.query import REWRITE_MAX_TOKENS
from bot.pipeline.reading import READING_MAX_TOKENS, READING_TOOL, MessageReading

CHAT_PATH = "openai/v1/chat/completions"
# Connections kept open to the model's server: a busy worker has up to this many calls in flight at once.
MODEL_CONNECTIONS = 256


class ModelCallFailed(Exception):
    """The model's server answered with an error status (or a body that is not a completion)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(f"model server answered {status_code}: {detail[:200]}")
        self.status_code = status_code


class DirectCall(Runnable[LanguageModelInput, AIMessage]):
    """One kind of call (a tool and a budget bound once): `ainvoke(messages)` (what a chat model takes: messages,
    a prompt value or a string) is the model's answer as an `AIMessage`, from `_agenerate` directly."""

    def __init__(self, model: SalesChatModel, kwargs: dict[str, Any]) -> None:
        self.model = model
        self.kwargs = kwargs

    def invoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,  # noqa: ARG002 # the Runnable interface; no callbacks run here
        **kwargs: Any,
    ) -> AIMessage:
        """The same call from synchronous code (a script, a shell), through the groq SDK's own client: the
        platform itself only awaits `ainvoke`."""
        messages = self.model._convert_input(input).to_messages()
        return _answer_of(self.model._generate(messages, **{**self.kwargs, **kwargs}))

    async def ainvoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,  # noqa: ARG002 # the Runnable interface; no callbacks run here
        **kwargs: Any,
    ) -> AIMessage:
        messages = self.model._convert_input(input).to_messages()
        return _answer_of(await self.model._agenerate(messages, **{**self.kwargs, **kwargs}))


def _answer_of(result: ChatResult) -> AIMessage:
    message = result.generations[0].message
    if not isinstance(message, AIMessage):
        raise ModelCallFailed(200, f"not a chat answer ({type(message).__name__})")
    return message


class SalesChatModel(ChatGroq):
    """ChatGroq bound once to each of the pipeline's tools, which the model must call (a JSON schema and a tool
    definition are not rebuilt for every message).

    Structured output is asked of the model as a forced tool call, as `with_structured_output(method=
    "function_calling")` does; the call's arguments are validated by the pipeline rather than by a chain of
    output parsers, which costs several runnable steps and thread hops per message at no gain.
    """

    _sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = PrivateAttr(default_factory=dict)

    @cached_property
    def reply_runnable(self) -> ChatRunnable:
        return self._direct(self.bind_tools([ReplyDraft], tool_choice=TOOL_NAME))

    @cached_property
    def reading_runnable(self) -> ChatRunnable:
        return self._direct(
            self.bind_tools([MessageReading], tool_choice=READING_TOOL, max_tokens=READING_MAX_TOKENS, temperature=0)
        )

    @cached_property
    def judge_runnable(self) -> ChatRunnable:
        return self._direct(self.bind_tools([ClaimCheck], tool_choice=JUDGE_TOOL, max_tokens=JUDGE_MAX_TOKENS, temperature=0))

    @cached_property
    def rewrite_runnable(self) -> ChatRunnable:
        return self._direct(self.bind(max_tokens=REWRITE_MAX_TOKENS))

    def _direct(self, bound: Runnable[LanguageModelInput, BaseMessage]) -> DirectCall:
        return DirectCall(self, dict(getattr(bound, "kwargs", {})))

    @cached_property
    def _endpoint(self) -> tuple[str, dict[str, str]]:
        """The URL and headers the groq SDK would use (its base URL, from `base_url` or GROQ_BASE_URL, and its
        headers, the key's included)."""
        client = self.async_client._client
        return str(client.base_url).rstrip("/") + "/" + CHAT_PATH, dict(client.default_headers)

    def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            for other in [known for known in self._sessions if known.is_closed()]:
                del self._sessions[other]  # a finished loop's pool (a test's) is gone with its loop
            bound = self.request_timeout
            timeout = aiohttp.ClientTimeout(total=bound if isinstance(bound, (int, float)) else None)
            session = aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=MODEL_CONNECTIONS))
            self._sessions[loop] = session
        return session

    async def aclose(self) -> None:
        """Close the connection pool of the running loop (a process's last step)."""
        session = self._sessions.pop(asyncio.get_running_loop(), None)
        if session is not None:
            await session.close()

    async def _agenerate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        if self.streaming:
            return await super()._agenerate(messages, stop, run_manager, **kwargs)
        message_dicts, params = self._create_message_dicts(messages, stop)
        params = {**params, **kwargs}
        url, headers = self._endpoint
        body = json.dumps({"messages": message_dicts, **params})
        async with self._session().post(url, data=body, headers=headers) as response:
            text = await response.text()
            if response.status >= 400:
                raise ModelCallFailed(response.status, _error_detail(text))
        try:
            completion = json.loads(text)
            return self._create_chat_result(completion, params)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ModelCallFailed(response.status, f"not a chat completion ({type(exc).__name__})") from None


def _error_detail(body: str) -> str:
    try:
        return str(json.loads(body)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return body


def build_chat_model(api_key: str, model: str, base_url: str | None, timeout_s: float) -> SalesChatModel:
    """A Groq chat model; `base_url` points at another server speaking Groq's API (empty for Groq's own)."""
    return SalesChatModel(  # type: ignore[call-arg]  # langchain-groq names the field model_name, aliased `model`
        model=model,
        api_key=api_key,
        base_url=base_url or None,
        timeout=timeout_s,
        max_retries=0,
        temperature=0.3,
        max_tokens=500,
    )
