"""A session ends everywhere at once: logout, a password change made elsewhere, a revoked login token and an
account deletion close every live stream of that session within a second, and nothing more reaches it.
Revoking a login's API token ends the session that login opened."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from bot.conversations import store as convs
from dashboard.live import LIVE
from tests.dashboard.conftest import SignedUp, platform_of
from tests.whole_app import owner_app_of

ENDS_WITHIN_S = 1.0


class Login:
    def __init__(self, api: TestClient, body: dict[str, str], sid: str) -> None:
        self.api, self.token, self.csrf, self.sid = api, body["api_token"], body["csrf_token"], sid

    @property
    def cookie(self) -> dict[str, str]:
        return {"Cookie": f"sid={self.sid}"}

    @property
    def browser(self) -> dict[str, str]:
        """What a page's script sends on a write: the cookie and the session's CSRF token."""
        return {**self.cookie, "X-CSRF-Token": self.csrf}

    async def alive(self) -> bool:
        return (await self.api.get("/api/me", headers=self.cookie)).status == 200


async def log_in(api: TestClient, who: SignedUp) -> Login:
    response = await api.post("/api/login", json={"email": who.email, "password": who.password})
    assert response.status == 200, await response.text()
    login = Login(api, await response.json(), response.cookies["sid"].value)
    api.session.cookie_jar.clear()  # each login is sent by hand: two sessions side by side
    return login


async def open_stream(api: TestClient, login: Login) -> ClientResponse:
    response = await api.get("/live/events", headers=login.cookie)
    assert response.status == 200 and response.content_type == "text/event-stream"
    assert b"event: ready" in await asyncio.wait_for(response.content.readuntil(b"\r\n\r\n"), 5)
    return response


_customers = iter(range(15550000, 15559999))


async def a_conversation_moves(api: TestClient, who: SignedUp, name: str) -> str:
    conversation = await convs.get_or_create_conversation(
        platform_of(api).db, who.tenant_id, "whatsapp", "55", str(next(_customers)), name
    )
    return conversation.id


async def event_about(stream: ClientResponse, conversation_id: str) -> bytes:
    while True:
        event = await asyncio.wait_for(stream.content.readuntil(b"\r\n\r\n"), 5)
        if b"event: conversation" in event and conversation_id.encode() in event:
            return event


async def assert_ended_without_events(stream: ClientResponse, since: float) -> None:
    """The stream closes within ENDS_WITHIN_S of `since`, and what it sent meanwhile holds no conversation."""
    try:
        rest = await asyncio.wait_for(stream.content.read(), ENDS_WITHIN_S - (time.monotonic() - since))
    except TimeoutError:
        pytest.fail(f"the stream was still open {ENDS_WITHIN_S} s after its session ended")
    assert stream.content.at_eof()
    assert b"event: conversation" not in rest, rest


Action = Callable[[TestClient, SignedUp, Login, Login], Awaitable[None]]


async def logout(api: TestClient, who: SignedUp, watched: Login, other: Login) -> None:  # noqa: ARG001 # every way a session ends takes the same four
    assert (await api.post("/api/logout", headers=watched.browser)).status == 200


async def password_change_elsewhere(api: TestClient, who: SignedUp, watched: Login, other: Login) -> None:  # noqa: ARG001 # every way a session ends takes the same four
    body = {"current_password": who.password, "new_password": "a brand new passphrase"}
    assert (await api.post("/api/account/password", json=body, headers=other.browser)).status == 200


async def token_revoked(api: TestClient, who: SignedUp, watched: Login, other: Login) -> None:  # noqa: ARG001 # every way a session ends takes the same four
    listed = (await (await api.get("/api/tokens", headers=who.auth)).json())["tokens"]
    [paired] = [t for t in listed if t["hint"] == "…" + watched.token[-4:]]
    assert (await api.delete(f"/api/tokens/{paired['id']}", headers=who.auth)).status == 200


async def account_deleted(api: TestClient, who: SignedUp, watched: Login, other: Login) -> None:  # noqa: ARG001 # every way a session ends takes the same four
    assert (await api.post("/api/account/delete", json={"password": who.password}, headers=other.browser)).status == 200


ACTIONS: dict[str, tuple[Action, bool]] = {  # the action, and whether the other session lives on
    "logout": (logout, True),
    "password change from another session": (password_change_elsewhere, True),
    "revoked login token": (token_revoked, True),
    "account deletion from another session": (account_deleted, False),
}


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("noticed_by", ["heartbeat", "next event"])
async def test_an_ended_session_closes_its_live_streams_within_a_second(
    api: TestClient, owner: SignedUp, name: str, noticed_by: str
) -> None:
    action, other_lives = ACTIONS[name]
    hub = owner_app_of(api.app)[LIVE]
    hub.poll_s = 0.05  # changes reach the streams at once, so only the session check can hold them back
    if noticed_by == "next event":
        hub.check_s = 60.0  # no heartbeat within the test: the check before the write must end the stream
    watched, other = await log_in(api, owner), await log_in(api, owner)
    streams = [await open_stream(api, watched), await open_stream(api, watched)]
    survivor = await open_stream(api, other)
    moved = await a_conversation_moves(api, owner, "Dana Before")
    for stream in [*streams, survivor]:
        await event_about(stream, moved)

    await action(api, owner, watched, other)
    ended_at = time.monotonic()
    if noticed_by == "next event":
        await a_conversation_moves(api, owner, "Erin After")
    for stream in streams:
        await assert_ended_without_events(stream, ended_at)
    assert not await watched.alive()

    if other_lives:
        assert await other.alive()
        moved = await a_conversation_moves(api, owner, "Fay Later")
        await event_about(survivor, moved)
    else:
        await assert_ended_without_events(survivor, ended_at)


async def test_revoking_a_login_token_ends_its_session_and_no_other(api: TestClient, owner: SignedUp) -> None:
    first, second = await log_in(api, owner), await log_in(api, owner)
    await token_revoked(api, owner, first, second)
    assert not await first.alive()
    assert (await api.get("/api/me", headers={"Authorization": f"Bearer {first.token}"})).status == 401
    assert await second.alive()

    # Logging out with the login's token (a script that logged in) ends the session that login opened.
    assert (await api.post("/api/logout", headers={"Authorization": f"Bearer {second.token}"})).status == 200
    assert not await second.alive()

    # A named token has no session: revoking it leaves the sessions alone.
    third = await log_in(api, owner)
    created = await (await api.post("/api/tokens", json={"name": "script"}, headers=owner.auth)).json()
    assert (await api.delete(f"/api/tokens/{created['id']}", headers=owner.auth)).status == 200
    assert await third.alive()
