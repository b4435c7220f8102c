"""Sign-up, login, logout, sessions, CSRF, rate limiting and what is stored about owners."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from tests.dashboard.conftest import SignedUp, platform_of, sign_up
from tests.whole_app import owner_app_of


async def login(api: TestClient, email: str, password: str, **headers: str):
    return await api.post("/api/login", json={"email": email, "password": password}, headers=headers)


async def test_signup_returns_a_working_token(api: TestClient) -> None:
    response = await api.post(
        "/api/signup", json={"email": "Ann@Example.com", "password": "long enough", "business_name": "Ann's Bakery"}
    )
    assert response.status == 201
    body = await response.json()
    me = await api.get("/api/me", headers={"Authorization": f"Bearer {body['api_token']}"})
    assert me.status == 200
    data = await me.json()
    assert data["owner"]["email"] == "ann@example.com"
    assert data["tenant"]["id"] == body["tenant_id"]
    assert data["tenant"]["name"] == "Ann's Bakery"
    assert data["tenant"]["settings"] == {"pause_minutes": 30, "timezone": "UTC"}


@pytest.mark.usefixtures("owner")
async def test_duplicate_email_is_409_whatever_its_case(api: TestClient) -> None:
    response = await api.post(
        "/api/signup", json={"email": "OWNER@example.com", "password": "whatever you like", "business_name": "Copy"}
    )
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "email_taken"


async def test_bad_signup_names_each_bad_field(api: TestClient) -> None:
    response = await api.post("/api/signup", json={"email": "not-an-email", "password": "short", "business_name": ""})
    assert response.status == 422
    error = (await response.json())["error"]
    assert set(error["fields"]) == {"email", "password", "business_name"}
    missing = await api.post("/api/signup", json={"email": "x@example.com"})
    assert set((await missing.json())["error"]["fields"]) == {"password", "business_name"}


async def test_malformed_json_is_400(api: TestClient) -> None:
    response = await api.post("/api/signup", data=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "bad_json"
    not_object = await api.post("/api/signup", json=[1, 2])
    assert not_object.status == 422
    assert "body" in (await not_object.json())["error"]["fields"]


async def test_login_gives_token_session_cookie_and_csrf(api: TestClient, owner: SignedUp) -> None:
    response = await login(api, "Owner@Example.com", owner.password)
    assert response.status == 200
    body = await response.json()
    assert body["api_token"] != owner.token and body["csrf_token"]
    cookie = response.cookies["sid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    # The session lives in Redis with an expiry.
    redis = platform_of(api).redis
    keys = [key async for key in redis.scan_iter("session:*")]
    assert len(keys) == 1 and 0 < await redis.ttl(keys[0]) <= 7 * 24 * 3600
    me = await api.get("/api/me")  # the cookie alone
    assert me.status == 200
    data = await me.json()
    assert data["auth"] == "session" and data["csrf_token"] == body["csrf_token"]
    by_token = await api.get("/api/me", headers={"Authorization": f"Bearer {body['api_token']}"})
    assert (await by_token.json())["auth"] == "token"


async def test_login_rotates_the_session(api: TestClient, owner: SignedUp) -> None:
    first = (await login(api, owner.email, owner.password)).cookies["sid"].value
    second = (await login(api, owner.email, owner.password)).cookies["sid"].value
    assert first != second
    api.session.cookie_jar.clear()
    assert (await api.get("/api/me", headers={"Cookie": f"sid={first}"})).status == 401
    assert (await api.get("/api/me", headers={"Cookie": f"sid={second}"})).status == 200


async def test_wrong_password_and_unknown_email_are_the_same_401(api: TestClient, owner: SignedUp) -> None:
    wrong = await login(api, owner.email, "not the password")
    unknown = await login(api, "nobody@example.com", "not the password")
    assert wrong.status == unknown.status == 401
    assert (await wrong.json()) == (await unknown.json())
    assert "sid" not in wrong.cookies


async def test_api_requires_authentication(api: TestClient, owner: SignedUp) -> None:
    for path in ("/api/me", "/api/campaigns", "/api/channels", "/api/knowledge/documents"):
        response = await api.get(path)
        assert response.status == 401, path
        assert (await response.json())["error"]["code"] == "unauthorized"
    assert (await api.get("/api/me", headers={"Authorization": "Bearer nope"})).status == 401
    assert (await api.get("/api/me", headers={"Authorization": f"Basic {owner.token}"})).status == 401


@pytest.fixture
async def proxied(aiohttp_client, make_settings, redis) -> TestClient:  # noqa: ARG001 # requested for what it sets up
    """The app behind one reverse proxy, so each test request can come from the address it names."""
    from tests.whole_app import create_app

    client = await aiohttp_client(create_app(make_settings(trusted_proxy_hops=1), run_worker=False))
    owner_app_of(client.app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return client


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


STRANGER, OWNER_HOME = "203.0.113.9", "198.51.100.7"


async def test_a_stranger_guessing_never_locks_the_owner_out(proxied: TestClient) -> None:
    owner = await sign_up(proxied, "owner@example.com")
    for _ in range(5):
        assert (await login(proxied, owner.email, "wrong password", **from_address(STRANGER))).status == 401
    limited = await login(proxied, owner.email, owner.password, **from_address(STRANGER))  # even the right password waits there
    assert limited.status == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 15 * 60
    assert (await limited.json())["error"]["code"] == "too_many_attempts"
    # The owner, from their own address, logs in as always.
    assert (await login(proxied, owner.email, owner.password, **from_address(OWNER_HOME))).status == 200
    # Another owner is not locked out by someone guessing at this one, not even from the stranger's address.
    other = await sign_up(proxied, "other@example.com")
    assert (await login(proxied, other.email, other.password, **from_address(STRANGER))).status == 200


async def test_successful_logins_do_not_count(api: TestClient, owner: SignedUp) -> None:
    for _ in range(6):
        assert (await login(api, owner.email, owner.password)).status == 200
    assert (await login(api, owner.email, "wrong password")).status == 401


async def test_a_successful_login_forgets_that_addresses_failures_for_the_account(api: TestClient, owner: SignedUp) -> None:
    for _ in range(4):
        assert (await login(api, owner.email, "wrong password")).status == 401
    assert (await login(api, owner.email, owner.password)).status == 200
    for _ in range(4):
        assert (await login(api, owner.email, "wrong password")).status == 401
    assert (await login(api, owner.email, owner.password)).status == 200


async def test_repeated_failures_are_rate_limited_per_address(proxied: TestClient) -> None:
    for n in range(30):
        assert (await login(proxied, f"guess{n}@example.com", "wrong password", **from_address(STRANGER))).status == 401
    limited = await login(proxied, "fresh@example.com", "wrong password", **from_address(STRANGER))
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert (await login(proxied, "fresh@example.com", "wrong password", **from_address(OWNER_HOME))).status == 401


async def test_an_ipv6_subscriber_counts_as_one_address(proxied: TestClient) -> None:
    owner = await sign_up(proxied, "owner@example.com")
    for n in range(5):  # one /64, five different addresses in it
        assert (await login(proxied, owner.email, "wrong password", **from_address(f"2001:db8:1:2::{n + 1}"))).status == 401
    assert (await login(proxied, owner.email, owner.password, **from_address("2001:db8:1:2::99"))).status == 429
    assert (await login(proxied, owner.email, owner.password, **from_address("2001:db8:1:3::1"))).status == 200


async def test_signups_are_limited_per_address(proxied: TestClient) -> None:
    for n in range(10):
        await sign_up(proxied, f"shop{n}@example.com")  # from the proxy's own address (no header)
    body = {"email": "one-more@example.com", "password": "correct horse battery", "business_name": "One more"}
    limited = await proxied.post("/api/signup", json=body)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert (await proxied.post("/api/signup", json=body, headers=from_address(OWNER_HOME))).status == 201


async def test_cookie_writes_need_the_csrf_token(api: TestClient, owner: SignedUp) -> None:
    csrf = (await (await login(api, owner.email, owner.password)).json())["csrf_token"]
    campaign = {"name": "Spring", "product": {"name": "Runner", "price": 49.99, "currency": "USD"}}
    refused = await api.post("/api/campaigns", json=campaign)
    assert refused.status == 403
    assert (await refused.json())["error"]["code"] == "csrf"
    wrong = await api.post("/api/campaigns", json=campaign, headers={"X-CSRF-Token": "guess"})
    assert wrong.status == 403
    accepted = await api.post("/api/campaigns", json=campaign, headers={"X-CSRF-Token": csrf})
    assert accepted.status == 201
    # A bearer token needs no CSRF token: no browser sends it on its own.
    api.session.cookie_jar.clear()
    by_token = await api.post("/api/campaigns", json=campaign, headers=owner.auth)
    assert by_token.status == 201
    listed = await (await api.get("/api/campaigns", headers=owner.auth)).json()
    assert len(listed["campaigns"]) == 2


async def test_logout_ends_the_session(api: TestClient, owner: SignedUp) -> None:
    csrf = (await (await login(api, owner.email, owner.password)).json())["csrf_token"]
    assert (await api.post("/api/logout")).status == 403  # a cookie write without CSRF
    assert (await api.post("/api/logout", headers={"X-CSRF-Token": csrf})).status == 200
    assert (await api.get("/api/me")).status == 401
    assert [key async for key in platform_of(api).redis.scan_iter("session:*")] == []


async def test_logout_with_a_token_revokes_that_token_only(api: TestClient, owner: SignedUp) -> None:
    second = (await (await login(api, owner.email, owner.password)).json())["api_token"]
    api.session.cookie_jar.clear()
    assert (await api.post("/api/logout", headers=owner.auth)).status == 200
    assert (await api.get("/api/me", headers=owner.auth)).status == 401
    assert (await api.get("/api/me", headers={"Authorization": f"Bearer {second}"})).status == 200


async def test_passwords_and_tokens_are_not_stored_in_clear(api: TestClient, owner: SignedUp) -> None:
    login_token = (await (await login(api, owner.email, owner.password)).json())["api_token"]
    db = platform_of(api).db
    stored = [doc async for doc in db.owners.find({})] + [doc async for doc in db.api_tokens.find({})]
    assert len(stored) == 3
    dump = repr(stored)
    for secret in (owner.password, owner.token, login_token):
        assert secret not in dump
    assert (await db.owners.find_one({}))["password_hash"].startswith("$argon2id$")


async def test_unknown_api_paths_and_methods_answer_json(api: TestClient, owner: SignedUp) -> None:
    missing = await api.get("/api/nothing-here", headers=owner.auth)
    assert missing.status == 404
    assert (await missing.json())["error"]["code"] == "not_found"
    wrong_method = await api.patch("/api/campaigns", headers=owner.auth)
    assert wrong_method.status == 405
    assert (await wrong_method.json())["error"]["code"] == "method_not_allowed"
