"""A conversation a person has taken says who has it: "You have it" only to the person who holds it, "Sam has it"
to the owner and the rest of the team, on the thread, in the inbox, on the home page and in the live events."""

from __future__ import annotations

import asyncio
import html as html_text
import json
import re

from aiohttp.test_utils import TestClient

from dashboard.i18n import use_language
from dashboard.live import LIVE
from dashboard.team.holders import Holder, held_words, holder_of
from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_session_end import Login, log_in, open_stream
from tests.dashboard.test_team import AGENT_EMAIL, agent_joins, shop
from tests.whole_app import owner_app_of

SAM = Holder("p-sam", "sam@example.com")


def test_the_holder_is_the_last_to_take_over_or_answer_until_a_release() -> None:
    assert holder_of("human", [("takeover", "p-sam", "sam@example.com")]) == SAM
    assert holder_of("human", [("takeover", "p-ana", "ana@example.com"), ("reply", "p-sam", "sam@example.com")]) == SAM
    assert holder_of("human", [("takeover", "p-sam", "sam@example.com"), ("release", "p-sam", "sam@example.com")]) is None
    assert holder_of("bot", [("takeover", "p-sam", "sam@example.com")]) is None
    assert holder_of("human", [("sale", "p-sam", "sam@example.com")]) is None


def test_the_badge_says_you_only_to_the_holder() -> None:
    assert held_words(SAM, "p-sam") == "You have it"
    assert held_words(SAM, "p-owner") == "Sam has it"
    assert held_words(None, "p-owner") == "A person has it"
    with use_language("de"):
        assert held_words(SAM, "p-owner") == "Bei Sam"
        assert held_words(SAM, "p-sam") == "Bei Ihnen"


def thread_badge(html: str) -> str:
    found = re.search(r"data-conversation-status>([^<]*)<", html)
    assert found, html[:500]
    return html_text.unescape(found.group(1))


def row_badge(html: str, conversation_id: str) -> str:
    found = re.search(rf'data-conversation="{conversation_id}".*?data-field="status">([^<]*)<', html, re.DOTALL)
    assert found, html[:500]
    return html_text.unescape(found.group(1))


async def test_holder_other_member_and_owner_each_read_who_has_it(api: TestClient, owner: SignedUp) -> None:
    s = await shop(api, owner)
    lee = await log_in(api, await agent_joins(api, owner, "lee@example.com"))
    owner_login = await log_in(api, owner)
    taken = await api.post(
        f"/api/conversations/{s.conversation_id}/takeover", headers={"Authorization": f"Bearer {s.agent.token}"}
    )
    assert taken.status == 200, await taken.text()
    thread = f"/conversations/{s.conversation_id}"

    async def page(login: Login, path: str, **headers: str) -> str:
        response = await api.get(path, headers={**login.cookie, **headers})
        assert response.status == 200, await response.text()
        return await response.text()

    assert thread_badge(await page(s.agent, thread)) == "You have it"
    assert row_badge(await page(s.agent, "/inbox"), s.conversation_id) == "You have it"
    assert thread_badge(await page(lee, thread)) == "Sam has it"
    assert row_badge(await page(lee, "/inbox"), s.conversation_id) == "Sam has it"
    owner_thread = await page(owner_login, thread)
    assert thread_badge(owner_thread) == "Sam has it"
    assert f"taken over by {AGENT_EMAIL}" in owner_thread
    assert row_badge(await page(owner_login, "/inbox"), s.conversation_id) == "Sam has it"
    assert row_badge(await page(owner_login, "/dashboard"), s.conversation_id) == "Sam has it"
    assert thread_badge(await page(owner_login, thread, **{"Accept-Language": "es"})) == "La tiene Sam"

    # When the owner takes it back, the badge turns round for both of them.
    retaken = await api.post(f"/api/conversations/{s.conversation_id}/takeover", headers=owner.auth)
    assert retaken.status == 200, await retaken.text()
    assert thread_badge(await page(owner_login, thread)) == "You have it"
    assert thread_badge(await page(s.agent, thread)) == f"{owner.email.split('@')[0].capitalize()} has it"


async def test_a_live_event_names_the_holder_for_each_page_to_say(api: TestClient, owner: SignedUp) -> None:
    owner_app_of(api.app)[LIVE].poll_s = 0.05
    s = await shop(api, owner)
    stream = await open_stream(api, await log_in(api, owner))
    me = await (await api.get("/api/me", headers=s.agent.cookie)).json()
    taken = await api.post(
        f"/api/conversations/{s.conversation_id}/takeover", headers={"Authorization": f"Bearer {s.agent.token}"}
    )
    assert taken.status == 200
    while True:
        raw = await asyncio.wait_for(stream.content.readuntil(b"\r\n\r\n"), 5)
        if b"event: conversation" not in raw:
            continue
        data = json.loads(raw.split(b"data: ", 1)[1].split(b"\r\n", 1)[0])
        if data["id"] == s.conversation_id and data["status"] == "human":
            break
    assert data["holder_id"] == me["owner"]["id"] and data["holder_name"] == "Sam"
    stream.close()
