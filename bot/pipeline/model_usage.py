"""What a model call costs (tokens, time and US dollars, from Groq's published prices), and the short helper
calls beside the reply (reading a message, judging a draft), which fail quietly into the rules."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from langchain_core.messages import BaseMessage

from bot.pipeline.model_client import ChatRunnable
from bot.pipeline.types import Usage

log = logging.getLogger(__name__)

# US dollars per million tokens (input, output), from Groq's published prices.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "llama-3.3-70b-versatile": (0.59, 0.79),
    "llama-3.1-8b-instant": (0.05, 0.08),
    "openai/gpt-oss-120b": (0.15, 0.60),
    "openai/gpt-oss-20b": (0.075, 0.30),
    "meta-llama/llama-4-scout-17b-16e-instruct": (0.11, 0.34),
    "meta-llama/llama-4-maverick-17b-128e-instruct": (0.20, 0.60),
    "qwen/qwen3-32b": (0.29, 0.59),
    "moonshotai/kimi-k2-instruct": (1.00, 3.00),
}
# Models missing from the table are costed like the default model, so spend is never under-reported to zero.
FALLBACK_PRICE = PRICES_PER_MILLION["llama-3.3-70b-versatile"]


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float:
    price_in, price_out = PRICES_PER_MILLION.get(model, FALLBACK_PRICE)
    return round((input_tokens * price_in + output_tokens * price_out) / 1_000_000, 8)


def usage_of(model_name: str, started: float, raw: object) -> Usage:
    """The usage of one call that began at `started` (time.perf_counter) and answered `raw` (None: no answer)."""
    metadata = getattr(raw, "usage_metadata", None) or {}
    input_tokens = int(metadata.get("input_tokens") or 0)
    output_tokens = int(metadata.get("output_tokens") or 0)
    return Usage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        latency_ms=int((time.perf_counter() - started) * 1000),
        model=model_name,
        cost_usd=cost_usd(model_name, input_tokens, output_tokens),
    )


def add_usage(first: Usage | None, second: Usage | None) -> Usage | None:
    """Two calls' usage as one turn's."""
    if first is None or second is None:
        return first or second
    return first.model_copy(
        update={
            "input_tokens": first.input_tokens + second.input_tokens,
            "output_tokens": first.output_tokens + second.output_tokens,
            "latency_ms": first.latency_ms + second.latency_ms,
            "cost_usd": round(first.cost_usd + second.cost_usd, 8),
        }
    )


async def helper_call(
    runnable: ChatRunnable, messages: Sequence[BaseMessage], *, model_name: str, timeout_s: float, what: str
) -> tuple[object | None, Usage]:
    """One bounded call with no retries: the model's message (None on a timeout or any SDK error, logged as
    `what` unavailable) and what it cost."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            message = await runnable.ainvoke(list(messages))
    except Exception as exc:  # noqa: BLE001 # timeouts and every SDK error mean the same: the rules decide alone
        log.info(f"{what} unavailable", extra={"error": type(exc).__name__})
        return None, usage_of(model_name, started, None)
    return message, usage_of(model_name, started, message)
