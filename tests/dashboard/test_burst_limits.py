"""Limits that guard a secret hold under a burst: 200 requests sent at once from one address check at most the
limit's number of passwords, and the right password late in the burst opens nothing.

Every request of a burst is on its own connection (no pool limit), so all 200 are in the server together.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from dashboard.context import DASHBOARD
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_pages import hidden_token
from tests.whole_app import owner_app_of

BURST = 200
RIGHT_AT = 150  # the right password's place in the burst


@dataclass
class Verifications:
    count: int = 0


@pytest.fixture
def verified(api: TestClient) -> Verifications:
    """Counts every password the server verifies (a known account's or the stand-in for an unknown one)."""
    counter = Verifications()
    passwords = owner_app_of(api.app)[DASHBOARD].passwords
    verify = passwords.verify

    async def counting(password_hash: str, password: str) -> bool:
        counter.count += 1
        return await verify(password_hash, password)

    passwords.verify = counting  # type: ignore[method-assign]
    return counter


@pytest.fixture
async def burst_session(api: TestClient) -> AsyncIterator[aiohttp.ClientSession]:
    """A client with no limit on open connections, so a burst is not queued behind a pool of 100 (and, like the
    test client, keeping cookies of an address such as 127.0.0.1)."""
    async with aiohttp.ClientSession(
        str(api.make_url("/")), connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as session:
        yield session


async def burst(send: Callable[[int], Awaitable[aiohttp.ClientResponse]]) -> list[int]:
    """Sends request 0…BURST-1 at once; their statuses in order."""
    responses = await asyncio.gather(*(send(n) for n in range(BURST)))
    for response in responses:
        response.release()
    return [response.status for response in responses]


def guess(n: int, right: str) -> str:
    return right if n == RIGHT_AT else f"wrong guess number {n}"


@pytest.mark.usefixtures("api")
async def test_an_api_login_burst_checks_five_passwords_and_the_late_right_one_waits(
    owner: SignedUp, burst_session: aiohttp.ClientSession, verified: Verifications
) -> None:
    statuses = await burst(
        lambda n: burst_session.post("/api/login", json={"email": owner.email, "password": guess(n, owner.password)})
    )
    assert statuses[RIGHT_AT] == 429
    assert 200 not in statuses and set(statuses) == {401, 429}
    assert verified.count <= 5 and statuses.count(401) == verified.count


@pytest.mark.usefixtures("api")
async def test_a_burst_over_many_accounts_checks_at_most_the_addresses_thirty(
    burst_session: aiohttp.ClientSession, verified: Verifications
) -> None:
    statuses = await burst(
        lambda n: burst_session.post("/api/login", json={"email": f"guess{n}@example.com", "password": "wrong guess"})
    )
    assert set(statuses) == {401, 429}
    assert verified.count <= 30 and statuses.count(401) == verified.count


@pytest.mark.usefixtures("api")
async def test_a_page_login_burst_checks_five_passwords(
    owner: SignedUp, burst_session: aiohttp.ClientSession, verified: Verifications
) -> None:
    token = hidden_token(await (await burst_session.get("/login")).text())
    statuses = await burst(
        lambda n: burst_session.post(
            "/login",
            data={"email": owner.email, "password": guess(n, owner.password), "csrf_token": token},
            allow_redirects=False,
        )
    )
    assert statuses[RIGHT_AT] == 429
    assert 303 not in statuses and set(statuses) == {401, 429}
    assert verified.count <= 5


async def test_a_password_change_burst_checks_five_passwords(
    api: TestClient, owner: SignedUp, burst_session: aiohttp.ClientSession, verified: Verifications
) -> None:
    statuses = await burst(
        lambda n: burst_session.post(
            "/api/account/password",
            json={"current_password": guess(n, owner.password), "new_password": "a brand new passphrase"},
            headers=owner.auth,
        )
    )
    assert statuses[RIGHT_AT] == 429
    assert set(statuses) == {403, 429}
    assert verified.count <= 5
    assert (await api.post("/api/login", json={"email": owner.email, "password": owner.password})).status == 200


async def test_an_account_deletion_burst_checks_five_passwords(
    api: TestClient, owner: SignedUp, burst_session: aiohttp.ClientSession, verified: Verifications
) -> None:
    statuses = await burst(
        lambda n: burst_session.post("/api/account/delete", json={"password": guess(n, owner.password)}, headers=owner.auth)
    )
    assert statuses[RIGHT_AT] == 429
    assert set(statuses) == {403, 429}
    assert verified.count <= 5
    assert (await api.get("/api/me", headers=owner.auth)).status == 200


async def test_a_token_burst_creates_no_more_than_fifty(
    api: TestClient, owner: SignedUp, burst_session: aiohttp.ClientSession
) -> None:
    """Creations take turns; those that wait too long for theirs, and all once 50 exist, get 409."""
    statuses = await burst(lambda n: burst_session.post("/api/tokens", json={"name": f"tool {n}"}, headers=owner.auth))
    created = statuses.count(201)
    assert 0 < created <= 50 and statuses.count(409) == BURST - created
    assert await platform_of(api).db.api_tokens.count_documents({"kind": "named"}) == created


async def test_successful_logins_from_one_address_never_spend_its_limit(api: TestClient, owner: SignedUp) -> None:
    """A slot is reserved before each check; a login that succeeds gives its slot back (an office behind one
    address logs in all day)."""
    for _ in range(35):
        assert (await api.post("/api/login", json={"email": owner.email, "password": owner.password})).status == 200
    assert (await api.post("/api/login", json={"email": owner.email, "password": "wrong password"})).status == 401
