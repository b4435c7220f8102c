"""Accounts: the password policy, API tokens (listed, created, revoked), password change, account deletion,
and the rate limits kept in Redis."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.pipeline.types import LeadState
from bot.sales.counters import bump_daily
from bot.sales.leads import save_lead_after_turn
from dashboard.passwords import password_problem
from tests.clocks import SettableClock
from tests.dashboard.conftest import SignedUp, platform_of, sign_up
from tests.dashboard.test_facebook import FakeGraph, fb_api, finish_login, graph, start_login  # noqa: F401  (fixtures)
from tests.dashboard.test_pages import form_login, hidden_token
from tests.whole_app import use_clock


async def login(api: TestClient, who: SignedUp, password: str = "") -> dict:
    response = await api.post("/api/login", json={"email": who.email, "password": password or who.password})
    assert response.status == 200, await response.text()
    return {
        "token": (await response.json())["api_token"],
        "csrf": (await response.json())["csrf_token"],
        "sid": response.cookies["sid"].value,
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# The password policy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "1234567890", "password1234", "qwertyuiop", "aaaaaaaaaa", "iloveyou12", "letmein123", "acmeshoes1"],
)
async def test_short_and_common_passwords_are_refused_at_signup(api: TestClient, password: str) -> None:
    response = await api.post(
        "/api/signup", json={"email": "ann@example.com", "password": password, "business_name": "Acme Shoes"}
    )
    assert response.status == 422
    error = (await response.json())["error"]
    assert set(error["fields"]) == {"password"}
    assert error["fields"]["password"] in (
        "Password needs at least 10 characters.",
        "Password is too common or too easy to guess; try a few unrelated words.",
    )
    assert await platform_of(api).db.owners.count_documents({}) == 0


def test_the_policy_says_why() -> None:
    assert password_problem("short") == "password_too_short"
    assert password_problem("password123") == "password_too_common"
    assert (
        password_problem("shoes-acme1", "ann@acme.com", "Acme Shoes") == "password_too_common"
        or password_problem("shoes-acme1") == ""
    )
    assert password_problem("correct horse battery") == ""
    assert password_problem("x" * 500) != ""  # a long password is judged on its first 72 characters
    assert password_problem("Tr0ub4dor&3x plus more words " * 10) == ""


# API tokens ------------------------------------------------------------------------------------------------


async def test_tokens_are_listed_created_and_revoked_at_once(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    listed = (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"]
    assert [(t["name"], t["kind"], t["current"]) for t in listed] == [("Sign-up", "signup", True)]
    assert listed[0]["hint"] == "…" + owner.token[-4:] and owner.token not in repr(listed)

    created = await api.post("/api/tokens", json={"name": "Spreadsheet sync"}, headers=owner.auth)
    assert created.status == 201
    new = await created.json()
    assert new["name"] == "Spreadsheet sync" and new["hint"] == "…" + new["token"][-4:]
    assert (await api.get("/api/me", headers=bearer(new["token"]))).status == 200

    listed = (await (await api.get("/api/tokens", headers=bearer(new["token"]))).json())["tokens"]
    assert {t["name"]: t["current"] for t in listed} == {"Spreadsheet sync": True, "Sign-up": False}
    assert all(t["last_used_at"] for t in listed)  # both have been used by now
    assert new["token"] not in repr(listed)

    # Another business can neither see nor revoke it.
    assert (await api.delete(f"/api/tokens/{new['id']}", headers=rival.auth)).status == 404
    assert [t["name"] for t in (await (await api.get("/api/tokens", headers=rival.auth)).json())["tokens"]] == ["Sign-up"]

    assert (await api.delete(f"/api/tokens/{new['id']}", headers=owner.auth)).status == 200
    refused = await api.get("/api/me", headers=bearer(new["token"]))
    assert refused.status == 401
    assert (await api.delete(f"/api/tokens/{new['id']}", headers=owner.auth)).status == 404
    assert [t["name"] for t in (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"]] == ["Sign-up"]
    # A token can revoke itself.
    own_id = (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"][0]["id"]
    assert (await api.delete(f"/api/tokens/{own_id}", headers=owner.auth)).status == 200
    assert (await api.get("/api/me", headers=owner.auth)).status == 401


async def test_bad_token_requests_get_clear_errors(api: TestClient, owner: SignedUp) -> None:
    assert (await api.post("/api/tokens", json={"name": ""}, headers=owner.auth)).status == 422
    assert (await api.post("/api/tokens", json={"name": "x" * 101}, headers=owner.auth)).status == 422
    assert (await api.get("/api/tokens")).status == 401
    for _ in range(50):  # named tokens; the sign-up token is not one
        assert (await api.post("/api/tokens", json={"name": "a tool"}, headers=owner.auth)).status == 201
    too_many = await api.post("/api/tokens", json={"name": "one more"}, headers=owner.auth)
    assert too_many.status == 409 and (await too_many.json())["error"]["code"] == "too_many_tokens"


async def test_logging_a_session_out_revokes_the_token_its_login_gave(api: TestClient, owner: SignedUp) -> None:
    session = await login(api, owner)
    assert (await api.get("/api/me", headers=bearer(session["token"]))).status == 200
    assert (await api.post("/api/logout", headers={"X-CSRF-Token": session["csrf"]})).status == 200  # with the cookie
    assert (await api.get("/api/me", headers=bearer(session["token"]))).status == 401
    assert (await api.get("/api/me", headers=owner.auth)).status == 200  # other tokens stay


async def test_login_tokens_expire_after_30_days_unused(api: TestClient, owner: SignedUp) -> None:
    session = await login(api, owner)
    api.session.cookie_jar.clear()
    listed = {t["kind"]: t for t in (await (await api.get("/api/tokens", headers=owner.auth)).json())["tokens"]}
    assert set(listed) == {"signup", "login"}
    db = platform_of(api).db
    stored = await db.api_tokens.find_one({"kind": "login"})
    assert stored["expires_at_ms"] - stored["created_at"].timestamp() * 1000 == pytest.approx(30 * 86_400_000, abs=1000)
    # Thirty days pass without a use: the sign-up token, unused as long, has expired too.
    clock = SettableClock()
    use_clock(api.app, clock)
    clock.advance(timedelta(days=30, minutes=1))
    assert (await api.get("/api/me", headers=bearer(session["token"]))).status == 401
    assert (await api.get("/api/me", headers=owner.auth)).status == 401
    fresh = await login(api, owner)
    api.session.cookie_jar.clear()
    listed_now = (await (await api.get("/api/tokens", headers=bearer(fresh["token"]))).json())["tokens"]
    assert [t["kind"] for t in listed_now] == ["login"]


async def test_the_login_form_opens_a_session_and_mints_no_token(api: TestClient, owner: SignedUp) -> None:
    db = platform_of(api).db
    before = await db.api_tokens.count_documents({})
    await form_login(api, owner)
    assert (await api.get("/api/me")).status == 200
    assert await db.api_tokens.count_documents({}) == before


# Password change -------------------------------------------------------------------------------------------


async def test_a_password_change_ends_the_other_sessions_and_tokens(api: TestClient, owner: SignedUp) -> None:
    first = await login(api, owner)
    api.session.cookie_jar.clear()  # another browser
    second = await login(api, owner)
    api.session.cookie_jar.clear()
    tool = (await (await api.post("/api/tokens", json={"name": "tool"}, headers=owner.auth)).json())["token"]
    as_first = {"Cookie": f"sid={first['sid']}", "X-CSRF-Token": first["csrf"]}

    wrong = await api.post(
        "/api/account/password",
        json={"current_password": "not it at all", "new_password": "a brand new passphrase"},
        headers=as_first,
    )
    assert wrong.status == 403 and "current_password" in (await wrong.json())["error"]["fields"]
    weak = await api.post(
        "/api/account/password", json={"current_password": owner.password, "new_password": "password1234"}, headers=as_first
    )
    assert weak.status == 422 and "new_password" in (await weak.json())["error"]["fields"]
    no_csrf = await api.post(
        "/api/account/password",
        json={"current_password": owner.password, "new_password": "a brand new passphrase"},
        headers={"Cookie": f"sid={first['sid']}"},
    )
    assert no_csrf.status == 403

    changed = await api.post(
        "/api/account/password",
        json={"current_password": owner.password, "new_password": "a brand new passphrase"},
        headers=as_first,
    )
    assert changed.status == 200, await changed.text()
    body = await changed.json()
    assert body["changed"] is True and body["sessions_ended"] == 1 and body["tokens_revoked"] == 4  # sign-up, tool, 2 logins

    assert (await api.get("/api/me", headers={"Cookie": f"sid={first['sid']}"})).status == 200  # the calling session stays
    assert (await api.get("/api/me", headers={"Cookie": f"sid={second['sid']}"})).status == 401
    for token in (owner.token, tool, first["token"], second["token"]):
        assert (await api.get("/api/me", headers=bearer(token))).status == 401
    api.session.cookie_jar.clear()
    assert (await api.post("/api/login", json={"email": owner.email, "password": owner.password})).status == 401
    assert (await api.post("/api/login", json={"email": owner.email, "password": "a brand new passphrase"})).status == 200


async def test_a_password_change_made_with_a_token_keeps_that_token_only(api: TestClient, owner: SignedUp) -> None:
    session = await login(api, owner)
    api.session.cookie_jar.clear()
    changed = await api.post(
        "/api/account/password",
        json={"current_password": owner.password, "new_password": "a brand new passphrase"},
        headers=owner.auth,
    )
    assert (await changed.json())["sessions_ended"] == 1
    assert (await api.get("/api/me", headers=owner.auth)).status == 200
    assert (await api.get("/api/me", headers={"Cookie": f"sid={session['sid']}"})).status == 401


async def test_wrong_current_passwords_are_limited(api: TestClient, owner: SignedUp) -> None:
    for _ in range(5):
        response = await api.post(
            "/api/account/password",
            json={"current_password": "wrong guess!", "new_password": "a brand new passphrase"},
            headers=owner.auth,
        )
        assert response.status == 403
    limited = await api.post(
        "/api/account/password",
        json={"current_password": owner.password, "new_password": "a brand new passphrase"},
        headers=owner.auth,
    )
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0


# Account deletion ------------------------------------------------------------------------------------------


PROFILE = {"name": "Acme Shoes", "description": "Running shoes. Free returns within 30 days."}
CAMPAIGN = {
    "name": "Spring",
    "product": {"name": "Runner", "price": 49.0, "currency": "USD"},
    "target_platform": "all",
    "status": "active",
}


async def give_a_business_data(api: TestClient, who: SignedUp, *, page: str) -> None:
    """Something in every collection a business fills, made through the API and the stores."""
    db = platform_of(api).db
    assert (await api.put("/api/onboarding", json=PROFILE, headers=who.auth)).status == 200
    document = await api.post(
        "/api/knowledge/documents?filename=faq.md",
        data=b"# FAQ\n\nShipping costs $5.\n",
        headers={**who.auth, "Content-Type": "text/markdown"},
    )
    assert document.status == 201, await document.text()
    campaign = await (await api.post("/api/campaigns", json=CAMPAIGN, headers=who.auth)).json()
    assert (await api.put("/api/settings/bot", json={"pause_minutes": 45}, headers=who.auth)).status == 200
    manual = await api.post(
        "/api/channels",
        json={"platform": "whatsapp", "account_id": page + "9", "access_token": "EAAwhatsapp0000"},
        headers=who.auth,
    )
    assert manual.status == 201
    conversation = await convs.get_or_create_conversation(db, who.tenant_id, "facebook", page, "PSID_" + page, "Dana")
    await msgs.record_outbound(db, who.tenant_id, conversation.id, sender="bot", text="Hello!", source="offline", delivery="sent")
    await save_lead_after_turn(
        db, conversation, LeadState(score=40, stage="engaged"), campaign_id=campaign["id"], previous=None, now=datetime.now(UTC)
    )
    assert (
        await api.post(f"/api/conversations/{conversation.id}/conversion", json={"value": 49}, headers=who.auth)
    ).status == 201
    await bump_daily(db, who.tenant_id, day=datetime.now(UTC).strftime("%Y-%m-%d"), platform="facebook", messages_in=3)
    chat = await api.post("/api/playground/chat", json={"platform": "facebook", "message": "hi"}, headers=who.auth)
    assert chat.status == 200
    assert (await api.post("/api/tokens", json={"name": "tool"}, headers=who.auth)).status == 201


async def tenant_records(api: TestClient, tenant_id: str) -> dict[str, int]:
    db = platform_of(api).db
    counts = {}
    for name in await db.list_collection_names():
        found = await db[name].count_documents({"$or": [{"tenant_id": tenant_id}, {"_id": tenant_id}]})
        if found:
            counts[name] = found
    return counts


async def test_deleting_the_account_removes_every_record_and_disconnects_the_pages(fb_api: TestClient, graph: FakeGraph) -> None:  # noqa: F811
    owner = await sign_up(fb_api, "owner@example.com")
    rival = await sign_up(fb_api, "rival@example.com", password="another secret pw", business="Rival Boots")
    assert (await finish_login(fb_api, await start_login(fb_api, owner), who=owner)).status == 200
    await give_a_business_data(fb_api, owner, page="1001")
    await give_a_business_data(fb_api, rival, page="2002")
    session = await login(fb_api, owner)
    fb_api.session.cookie_jar.clear()
    before = await tenant_records(fb_api, owner.tenant_id)
    rival_before = await tenant_records(fb_api, rival.tenant_id)
    expected = {
        "tenants",
        "owners",
        "api_tokens",
        "profiles",
        "knowledge_versions",
        "documents",
        "chunks",
        "campaigns",
        "engine_settings",
        "channel_accounts",
        "facebook_links",
        "conversations",
        "messages",
        "leads",
        "lead_events",
        "conversions",
        "daily_counters",
    }
    assert expected <= set(before), expected - set(before)
    redis = platform_of(fb_api).redis
    assert [key async for key in redis.scan_iter(f"playground:{owner.tenant_id}:*")]

    wrong = await fb_api.post("/api/account/delete", json={"password": "not the password"}, headers=owner.auth)
    assert wrong.status == 403
    assert await tenant_records(fb_api, owner.tenant_id) == before

    deleted = await fb_api.post("/api/account/delete", json={"password": owner.password}, headers=owner.auth)
    assert deleted.status == 200, await deleted.text()
    body = await deleted.json()
    assert body["deleted"] is True and body["channels_disconnected"] == 4  # page, its Instagram, another page, WhatsApp
    # Channels and their Facebook Login links go with the disconnection; everything else is counted here.
    assert body["records_removed"] == sum(before.values()) - before["channel_accounts"] - before["facebook_links"]

    assert await tenant_records(fb_api, owner.tenant_id) == {}
    assert await tenant_records(fb_api, rival.tenant_id) == rival_before
    assert sorted(page for page, _ in graph.unsubscribed) == ["1001", "1002"]  # both pages Facebook Login subscribed
    assert [key async for key in redis.scan_iter(f"playground:{owner.tenant_id}:*")] == []
    # Every way in is gone; the email can sign up afresh.
    assert (await fb_api.get("/api/me", headers=owner.auth)).status == 401
    assert (await fb_api.get("/api/me", headers={"Cookie": f"sid={session['sid']}"})).status == 401
    assert (await fb_api.post("/api/login", json={"email": owner.email, "password": owner.password})).status == 401
    assert (await fb_api.get("/api/me", headers=rival.auth)).status == 200
    assert (
        await fb_api.post("/api/signup", json={"email": owner.email, "password": owner.password, "business_name": "Again"})
    ).status == 201


async def test_deletion_from_a_browser_needs_the_csrf_token(api: TestClient, owner: SignedUp) -> None:
    session = await login(api, owner)
    assert (await api.post("/api/account/delete", json={"password": owner.password})).status == 403  # cookie, no CSRF
    assert (await api.get("/api/me", headers=owner.auth)).status == 200
    response = await api.post("/api/account/delete", json={"password": owner.password}, headers={"X-CSRF-Token": session["csrf"]})
    assert response.status == 200
    assert response.cookies["sid"].value == ""  # the browser forgets the cookie


# Rate limits -----------------------------------------------------------------------------------------------


async def test_the_playground_limit_answers_429_with_retry_after_and_every_count_expires(
    api: TestClient, owner: SignedUp
) -> None:
    for _ in range(30):
        assert (
            await api.post("/api/playground/chat", json={"platform": "facebook", "message": "hi"}, headers=owner.auth)
        ).status == 200
    limited = await api.post("/api/playground/chat", json={"platform": "facebook", "message": "hi"}, headers=owner.auth)
    assert limited.status == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    redis = platform_of(api).redis
    keys = [key async for key in redis.scan_iter("ratelimit*")]
    assert keys and all([await redis.ttl(key) > 0 for key in keys])


async def test_logins_are_answered_while_the_default_executor_is_full(api: TestClient, owner: SignedUp) -> None:
    """Work queued on the event loop's shared thread pool (file parsing, name lookups) does not hold up a login."""
    loop = asyncio.get_running_loop()
    release = threading.Event()
    blockers = [loop.run_in_executor(None, release.wait) for _ in range(64)]
    try:
        response = await asyncio.wait_for(api.post("/api/login", json={"email": owner.email, "password": owner.password}), 20)
        assert response.status == 200
    finally:
        release.set()
        await asyncio.gather(*blockers)


async def test_the_page_login_shares_the_limits(api: TestClient, owner: SignedUp) -> None:
    for _ in range(5):
        assert (await api.post("/api/login", json={"email": owner.email, "password": "wrong password"})).status == 401
    token = hidden_token(await (await api.get("/login")).text())
    response = await api.post(
        "/login", data={"email": owner.email, "password": owner.password, "csrf_token": token}, allow_redirects=False
    )
    assert response.status == 429 and "Too many failed logins" in await response.text()
    assert int(response.headers["Retry-After"]) > 0
