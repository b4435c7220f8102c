"""What the bot made of a message, in the owner's words on the playground."""

from __future__ import annotations

import json
import re

from aiohttp.test_utils import TestClient

from bot.pipeline.types import Intent
from dashboard.words import INTENT_NAMES, intent_words
from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_pages import form_login


def test_every_intent_has_plain_words() -> None:
    assert set(INTENT_NAMES) == {intent.value for intent in Intent}
    assert all("_" not in words for words in INTENT_NAMES.values())
    assert intent_words("price_question") == "price question"
    assert intent_words("some_new_code") == "some new code"


async def test_the_playground_page_carries_the_words_for_its_script(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    html = await (await api.get("/playground")).text()
    found = re.search(r'<script type="application/json" id="playground-words">(.*?)</script>', html, re.S)
    assert found is not None
    words = json.loads(found.group(1))
    assert words["intents"]["price_question"] == "price question"
    assert words["stages"]["proposal"] == "Offer sent"
