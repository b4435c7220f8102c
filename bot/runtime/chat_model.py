"""The process's chat model: Groq through langchain-groq, given to the pipeline as its `ModelClient`.

The SDK's own retries are off: a customer waiting on a chat is better served by a grounded offline answer
than by a slow retry (each call's bound and fallback are the pipeline's).
"""

from __future__ import annotations

from functools import cached_property

from langchain_groq import ChatGroq

from bot.pipeline.judge import JUDGE_MAX_TOKENS, JUDGE_TOOL, ClaimCheck
from bot.pipeline.llm import ReplyDraft
from bot.pipeline.model_client import ChatRunnable
from bot.pipeline.prompts import TOOL_NAME
from bot.pipeline.query import REWRITE_MAX_TOKENS
from bot.pipeline.reading import READING_MAX_TOKENS, READING_TOOL, MessageReading


class SalesChatModel(ChatGroq):
    """ChatGroq bound once to the reply tool, which the model must call (a JSON schema and a tool definition
    are not rebuilt for every message).

    Structured output is asked of the model as a forced tool call, as `with_structured_output(method=
    "function_calling")` does; the call's arguments are validated by the pipeline rather than by a chain of
    output parsers, which costs several runnable steps and thread hops per message at no gain.
    """

    @cached_property
    def reply_runnable(self) -> ChatRunnable:
        return self.bind_tools([ReplyDraft], tool_choice=TOOL_NAME)

    @cached_property
    def reading_runnable(self) -> ChatRunnable:
        return self.bind_tools([MessageReading], tool_choice=READING_TOOL, max_tokens=READING_MAX_TOKENS, temperature=0)

    @cached_property
    def judge_runnable(self) -> ChatRunnable:
        return self.bind_tools([ClaimCheck], tool_choice=JUDGE_TOOL, max_tokens=JUDGE_MAX_TOKENS, temperature=0)

    @cached_property
    def rewrite_runnable(self) -> ChatRunnable:
        return self.bind(max_tokens=REWRITE_MAX_TOKENS)


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
