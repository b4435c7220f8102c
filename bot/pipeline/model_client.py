"""What the pipeline asks of a chat model: one runnable per kind of call, each already bound to its tool and
budget, and the model's name for costing. The client itself (Groq through langchain-groq) lives in the
runtime (`bot/runtime/chat_model.py`); the pipeline receives it, so its steps stay free of the network."""

from __future__ import annotations

from typing import Protocol

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable

# A chat model's call: prompt messages in, the model's message out.
ChatRunnable = Runnable[LanguageModelInput, BaseMessage]


class ModelClient(Protocol):
    @property
    def model_name(self) -> str: ...

    @property
    def reply_runnable(self) -> ChatRunnable:
        """The reply call (llm.py): the model must call the reply tool (`ReplyDraft`)."""
        ...

    @property
    def reading_runnable(self) -> ChatRunnable:
        """The message-reading call (reading.py): a forced `MessageReading` tool call."""
        ...

    @property
    def judge_runnable(self) -> ChatRunnable:
        """The claim judge's call (judge.py): a forced `ClaimCheck` tool call."""
        ...

    @property
    def rewrite_runnable(self) -> ChatRunnable:
        """The query rewrite (query.py): a few tokens of plain text."""
        ...
