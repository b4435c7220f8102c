"""Fixtures for the reply pipeline: a fake Groq server and a ChatGroq model pointed at it."""

from __future__ import annotations

import pytest

from bot.runtime.chat_model import build_chat_model
from knowledge.language import warm_up
from tests.fakes.groq_server import FakeGroq, start_fake_groq

MODEL_NAME = "llama-3.3-70b-versatile"


@pytest.fixture(scope="session", autouse=True)
def language_models() -> None:
    """The language models loaded once, before any turn is timed, as a worker loads them when it starts: else the
    first turn of a test run spends its model budget loading them, and skips the claim judge."""
    warm_up()


@pytest.fixture
async def fake_groq(aiohttp_server) -> FakeGroq:
    return await start_fake_groq(aiohttp_server)


@pytest.fixture
async def chat_model(fake_groq: FakeGroq):
    model = build_chat_model("test-groq-key", MODEL_NAME, fake_groq.url, 2.0)
    yield model
    await model.aclose()
