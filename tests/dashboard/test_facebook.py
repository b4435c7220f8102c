"""Facebook Login against a local stand-in for the Graph API, and Meta's signed user-data callbacks."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from channels.facebook_login import sign_request
from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from dashboard.sessions import SessionStore
from tests.conftest import APP_SECRET
from tests.dashboard.conftest import SignedUp, platform_of, sign_up
from tests.whole_app import create_app, owner_app_of

PUBLIC = "https://bot.example.com"
CALLBACK = f"{PUBLIC}/api/integrations/facebook/callback"
FB_USER = "fbuser-77"
PAGES = [
    {
        "id": "1001",
        "name": "Acme Shoes",
        "access_token": "PAGE-TOKEN-1001-secret",
        "tasks": ["MESSAGING"],
        "instagram_business_account": {"id": "1784001", "username": "acme.shoes"},
    },
    {"id": "1002", "name": "Acme Outlet", "access_token": "PAGE-TOKEN-1002-secret", "tasks": ["MESSAGING"]},
]


@dataclass
class FakeGraph:
    """What the stand-in Graph API was asked to do."""

    server: TestServer
    subscribed: list[tuple[str, str, str]] = field(default_factory=list)  # page, token, fields
    unsubscribed: list[tuple[str, str]] = field(default_factory=list)  # page, token
    refuse_subscription: set[str] = field(default_factory=set)  # accounts whose subscription lacks a permission

    @property
    def url(self) -> str:
        return str(self.server.make_url("/v21.0"))


def graph_error(status: int = 400) -> web.Response:
    return web.json_response(
        {"error": {"message": "Invalid verification code", "type": "OAuthException", "code": 100}}, status=status
    )


async def access_token(request: web.Request) -> web.Response:
    """Meta's token endpoint: the login's code for a short token, a short token for a long one."""
    q = request.query
    if q.get("client_id") != "111222333" or q.get("client_secret") != APP_SECRET:
        return graph_error()
    if q.get("code") == "good-code" and q.get("redirect_uri") == CALLBACK:
        return web.json_response({"access_token": "SHORT-USER-TOKEN", "token_type": "bearer", "expires_in": 3600})
    if q.get("grant_type") == "fb_exchange_token" and q.get("fb_exchange_token") == "SHORT-USER-TOKEN":
        return web.json_response({"access_token": "LONG-USER-TOKEN", "token_type": "bearer", "expires_in": 5183944})
    return graph_error()


@pytest.fixture
async def graph(aiohttp_server) -> FakeGraph:
    app = web.Application()
    fake: FakeGraph

    async def me(request: web.Request) -> web.Response:
        if request.query.get("access_token") != "LONG-USER-TOKEN":
            return graph_error(401)
        return web.json_response({"id": FB_USER})

    async def accounts(request: web.Request) -> web.Response:
        if request.query.get("access_token") != "LONG-USER-TOKEN":
            return graph_error(401)
        return web.json_response({"data": PAGES, "paging": {"cursors": {"before": "a", "after": "b"}}})

    async def subscribe(request: web.Request) -> web.Response:
        if request.match_info["page"] in fake.refuse_subscription:
            return web.json_response(
                {"error": {"message": "(#200) Requires pages_manage_metadata permission", "type": "OAuthException", "code": 200}},
                status=403,
            )
        fake.subscribed.append(
            (request.match_info["page"], request.query["access_token"], request.query.get("subscribed_fields", ""))
        )
        return web.json_response({"success": True})

    async def unsubscribe(request: web.Request) -> web.Response:
        fake.unsubscribed.append((request.match_info["page"], request.query["access_token"]))
        return web.json_response({"success": True})

    async def account(request: web.Request) -> web.Response:
        # A channel connected by hand is checked by reading the account with its token (Meta's tokens begin "EAA").
        token = request.query.get("access_token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token.startswith("EAA"):
            return web.json_response(
                {"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}}, status=400
            )
        return web.json_response({"id": request.match_info["account"], "name": "Connected by hand"})

    app.router.add_get("/v21.0/{account:[0-9]+}", account)
    app.router.add_get("/v21.0/oauth/access_token", access_token)
    app.router.add_get("/v21.0/me", me)
    app.router.add_get("/v21.0/me/accounts", accounts)
    app.router.add_post("/v21.0/{page}/subscribed_apps", subscribe)
    app.router.add_delete("/v21.0/{page}/subscribed_apps", unsubscribe)
    fake = FakeGraph(server=await aiohttp_server(app))
    return fake


async def app_client(aiohttp_client, make_settings, **overrides: object) -> TestClient:
    client = await aiohttp_client(create_app(make_settings(public_url=PUBLIC, **overrides), run_worker=False))
    owner_app_of(client.app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return client


@pytest.fixture
async def fb_api(aiohttp_client, make_settings, redis, graph: FakeGraph) -> TestClient:  # noqa: ARG001 # requested for what it sets up
    return await app_client(aiohttp_client, make_settings, graph_api_url=graph.url)


async def start_login(api: TestClient, who: SignedUp) -> str:
    response = await api.get("/api/integrations/facebook/auth-url", headers=who.auth)
    assert response.status == 200
    url = urlsplit((await response.json())["url"])
    query = parse_qs(url.query)
    assert url.netloc == "www.facebook.com" and url.path == "/v21.0/dialog/oauth"
    assert query["client_id"] == ["111222333"] and query["redirect_uri"] == [CALLBACK]
    assert "pages_messaging" in query["scope"][0]
    return query["state"][0]


async def finish_login(api: TestClient, state: str, code: str = "good-code", *, who: SignedUp | None = None):
    """The callback as the API caller that started the login makes it (with its token), or with no credential."""
    headers = {"Accept": "application/json", **(who.auth if who else {})}
    return await api.get("/api/integrations/facebook/callback", params={"code": code, "state": state}, headers=headers)


async def channels_of(api: TestClient, who: SignedUp) -> list[dict]:
    return (await (await api.get("/api/channels", headers=who.auth)).json())["channels"]


async def test_login_connects_pages_and_instagram(fb_api: TestClient, graph: FakeGraph) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    response = await finish_login(fb_api, await start_login(fb_api, owner), who=owner)
    assert response.status == 200, await response.text()
    connected = (await response.json())["connected"]
    assert {(c["platform"], c["account_id"]) for c in connected} == {
        ("facebook", "1001"),
        ("instagram", "1784001"),
        ("facebook", "1002"),
    }
    assert {(c["platform"], c["account_id"]) for c in await channels_of(fb_api, owner)} == {
        (c["platform"], c["account_id"]) for c in connected
    }
    # Each page asks for its conversations and its comments (`feed`), the Instagram account for its own (`comments`).
    asked = {page: (token, fields.split(",")) for page, token, fields in graph.subscribed}
    assert sorted(asked) == ["1001", "1002", "1784001"]
    assert {token for token, _ in asked.values()} == {"PAGE-TOKEN-1001-secret", "PAGE-TOKEN-1002-secret"}
    assert asked["1784001"][0] == "PAGE-TOKEN-1001-secret"
    for page in ("1001", "1002"):
        assert {"messages", "messaging_postbacks", "messaging_referrals", "feed"} <= set(asked[page][1])
    assert {"messages", "comments"} <= set(asked["1784001"][1]) and "feed" not in asked["1784001"][1]
    assert all(c["webhooks_error"] is None for c in await channels_of(fb_api, owner))
    # Page tokens are stored encrypted and shown masked.
    stored = repr([doc async for doc in platform_of(fb_api).db.channel_accounts.find({})])
    shown = repr(connected) + repr(await channels_of(fb_api, owner))
    for token in ("PAGE-TOKEN-1001-secret", "PAGE-TOKEN-1002-secret", "LONG-USER-TOKEN"):
        assert token not in stored and token not in shown
    me = await (await fb_api.get("/api/me", headers=owner.auth)).json()
    assert me["tenant"]["facebook_connected"] is True


async def test_state_is_single_use_and_required(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    state = await start_login(fb_api, owner)
    assert (await finish_login(fb_api, state, who=owner)).status == 200
    replay = await finish_login(fb_api, state, who=owner)
    assert replay.status == 400
    assert (await replay.json())["error"]["code"] == "bad_state"
    assert (await finish_login(fb_api, "made-up-state", who=owner)).status == 400
    missing = await fb_api.get("/api/integrations/facebook/callback", params={"code": "good-code"}, headers=owner.auth)
    assert missing.status == 400


async def test_state_expires(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    state = await start_login(fb_api, owner)
    redis = platform_of(fb_api).redis
    keys = [key async for key in redis.scan_iter("fb_oauth_state:*")]
    assert len(keys) == 1 and state not in keys[0]  # only a hash of the state is stored
    assert 0 < await redis.ttl(keys[0]) <= 600
    await redis.pexpire(keys[0], 1)  # ten minutes pass
    await asyncio.sleep(0.01)
    assert (await finish_login(fb_api, state, who=owner)).status == 400
    assert await channels_of(fb_api, owner) == []


async def browser_session(api: TestClient, who: SignedUp) -> str:
    """A browser's session cookie for `who` (the cookie jar is left empty: callers send it explicitly)."""
    response = await api.post("/api/login", json={"email": who.email, "password": who.password})
    assert response.status == 200
    api.session.cookie_jar.clear()
    return response.cookies["sid"].value


async def browser_auth_url_state(api: TestClient, sid: str) -> str:
    response = await api.get("/api/integrations/facebook/auth-url", headers={"Cookie": f"sid={sid}"})
    assert response.status == 200
    return parse_qs(urlsplit((await response.json())["url"]).query)["state"][0]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_browser_callback_returns_to_the_integrations_page(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    sid = await browser_session(fb_api, owner)
    state = await browser_auth_url_state(fb_api, sid)
    response = await fb_api.get(
        "/api/integrations/facebook/callback",
        params={"code": "good-code", "state": state},
        headers={"Cookie": f"sid={sid}", "Accept": BROWSER},
        allow_redirects=False,
    )
    assert response.status == 302 and response.headers["Location"] == "/integrations?notice=facebook_connected"
    assert len(await channels_of(fb_api, owner)) == 3


async def test_a_login_started_by_someone_else_connects_nothing(fb_api: TestClient, graph: FakeGraph) -> None:
    """The attacker's dialog URL opened in the victim's browser: Facebook returns with the victim's code and the
    attacker's state, carrying the victim's session cookie."""
    victim = await sign_up(fb_api, "owner@example.com")
    attacker = await sign_up(fb_api, "attacker@example.com")
    attacker_state = await browser_auth_url_state(fb_api, await browser_session(fb_api, attacker))
    victim_sid = await browser_session(fb_api, victim)
    response = await fb_api.get(
        "/api/integrations/facebook/callback",
        params={"code": "good-code", "state": attacker_state},
        headers={"Cookie": f"sid={victim_sid}", "Accept": BROWSER},
        allow_redirects=False,
    )
    assert response.status == 403
    assert response.content_type == "text/html"
    page = await response.text()
    assert "started from another account or browser" in page and "Nothing was connected" in page
    assert await channels_of(fb_api, victim) == [] and await channels_of(fb_api, attacker) == []
    assert graph.subscribed == []
    for who in (victim, attacker):
        me = await (await fb_api.get("/api/me", headers=who.auth)).json()
        assert me["tenant"]["facebook_connected"] is False
    # The state is spent: the attacker cannot try it again either.
    again = await fb_api.get(
        "/api/integrations/facebook/callback",
        params={"code": "good-code", "state": attacker_state},
        headers={"Accept": "application/json", **attacker.auth},
    )
    assert again.status == 400

    # A state asked for with an API token needs that token; another owner's token, or none, gets a JSON 403.
    token_state = await start_login(fb_api, attacker)
    with_victims_token = await finish_login(fb_api, token_state, who=victim)
    assert with_victims_token.status == 403
    assert (await with_victims_token.json())["error"]["code"] == "state_not_yours"
    assert (await finish_login(fb_api, await start_login(fb_api, attacker))).status == 403
    # Even the same business's other browser session is another caller.
    first_sid, second_sid = await browser_session(fb_api, victim), await browser_session(fb_api, victim)
    other_browser = await fb_api.get(
        "/api/integrations/facebook/callback",
        params={"code": "good-code", "state": await browser_auth_url_state(fb_api, first_sid)},
        headers={"Cookie": f"sid={second_sid}", "Accept": "application/json"},
    )
    assert other_browser.status == 403
    assert await channels_of(fb_api, victim) == [] and await channels_of(fb_api, attacker) == []


async def test_a_logged_out_session_cannot_finish_its_login(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    sid = await browser_session(fb_api, owner)
    state = await browser_auth_url_state(fb_api, sid)
    await SessionStore(platform_of(fb_api).redis).delete(sid)  # logged out meanwhile
    response = await fb_api.get(
        "/api/integrations/facebook/callback",
        params={"code": "good-code", "state": state},
        headers={"Cookie": f"sid={sid}", "Accept": "application/json"},
    )
    assert response.status == 403
    assert await channels_of(fb_api, owner) == []


async def test_refused_code_connects_nothing(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    response = await finish_login(fb_api, await start_login(fb_api, owner), code="stolen-code", who=owner)
    assert response.status == 502
    assert (await response.json())["error"]["code"] == "facebook_login_failed"
    assert await channels_of(fb_api, owner) == []


@pytest.mark.usefixtures("graph")
async def test_pages_of_another_business_are_skipped(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    rival = await sign_up(fb_api, "rival@example.com")
    assert (await finish_login(fb_api, await start_login(fb_api, owner), who=owner)).status == 200
    response = await finish_login(fb_api, await start_login(fb_api, rival), who=rival)
    assert response.status == 200
    body = await response.json()
    assert body["connected"] == []
    assert {s["reason"] for s in body["skipped"]} == {"account_taken"}
    assert await channels_of(fb_api, rival) == []
    assert len(await channels_of(fb_api, owner)) == 3


async def test_disconnect_unsubscribes_a_page_nothing_else_uses(fb_api: TestClient, graph: FakeGraph) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    await finish_login(fb_api, await start_login(fb_api, owner), who=owner)
    by_account = {c["account_id"]: c["id"] for c in await channels_of(fb_api, owner)}
    assert (await fb_api.delete(f"/api/channels/{by_account['1002']}", headers=owner.auth)).status == 200
    assert graph.unsubscribed == [("1002", "PAGE-TOKEN-1002-secret")]
    # Page 1001 still carries its Instagram account's messages: it stays subscribed until both are gone.
    assert (await fb_api.delete(f"/api/channels/{by_account['1001']}", headers=owner.auth)).status == 200
    assert graph.unsubscribed == [("1002", "PAGE-TOKEN-1002-secret")]
    assert (await fb_api.delete(f"/api/channels/{by_account['1784001']}", headers=owner.auth)).status == 200
    assert graph.unsubscribed[-1] == ("1001", "PAGE-TOKEN-1001-secret")


async def test_a_subscription_meta_refuses_is_shown_to_the_owner_in_plain_words(fb_api: TestClient, graph: FakeGraph) -> None:
    graph.refuse_subscription = {"1784001"}
    owner = await sign_up(fb_api, "owner@example.com")
    response = await finish_login(fb_api, await start_login(fb_api, owner), who=owner)
    body = await response.json()
    assert [(s["platform"], s["account_id"], s["reason"]) for s in body["skipped"]] == [
        ("instagram", "1784001", "subscription_failed")
    ]
    assert {c["account_id"]: c["webhooks_problem"] for c in body["connected"]} == {"1001": None, "1784001": "token", "1002": None}
    by_account = {c["account_id"]: c for c in await channels_of(fb_api, owner)}
    assert by_account["1784001"]["webhooks_problem"] == "token"
    assert by_account["1784001"]["webhooks_error"].startswith(
        "Instagram refused to send us this account's messages and comments, so the bot does not see them."
    )
    assert by_account["1001"]["webhooks_error"] is None
    # Connected again once the permission is granted: the warning goes.
    graph.refuse_subscription = set()
    await finish_login(fb_api, await start_login(fb_api, owner), who=owner)
    assert all(c["webhooks_error"] is None for c in await channels_of(fb_api, owner))


async def test_a_page_connected_by_hand_is_subscribed_to_its_comments_and_a_refusal_is_shown(
    fb_api: TestClient, graph: FakeGraph
) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    created = await fb_api.post(
        "/api/channels",
        json={"platform": "facebook", "account_id": "3003", "access_token": "EAABmanualTOKEN0000"},
        headers=owner.auth,
    )
    assert created.status == 201
    [(page, token, fields)] = graph.subscribed
    assert (page, token) == ("3003", "EAABmanualTOKEN0000") and "feed" in fields.split(",")
    assert (await created.json())["webhooks_error"] is None

    graph.refuse_subscription = {"4004"}
    refused = await fb_api.post(
        "/api/channels",
        json={"platform": "instagram", "account_id": "4004", "access_token": "EAABmanualTOKEN1111"},
        headers=owner.auth,
    )
    assert refused.status == 201  # the token is good: the account is connected, and the owner told what is missing
    shown = await refused.json()
    assert shown["webhooks_problem"] == "token"
    assert "Connect with Facebook again and allow every permission it asks for" in shown["webhooks_error"]
    sid = await browser_session(fb_api, owner)
    page_html = await (await fb_api.get("/integrations", headers={"Cookie": f"sid={sid}"})).text()
    assert "Instagram refused to send us this account&#39;s messages and comments" in page_html


async def test_manual_channels_are_not_unsubscribed(fb_api: TestClient, graph: FakeGraph) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    created = await fb_api.post(
        "/api/channels",
        json={"platform": "facebook", "account_id": "3003", "access_token": "EAABmanualTOKEN0000"},
        headers=owner.auth,
    )
    assert (await fb_api.delete(f"/api/channels/{(await created.json())['id']}", headers=owner.auth)).status == 200
    assert graph.unsubscribed == []


def signed(user_id: str, secret: str = APP_SECRET) -> dict[str, str]:
    return {
        "signed_request": sign_request({"algorithm": "HMAC-SHA256", "user_id": user_id, "issued_at": int(time.time())}, secret)
    }


async def test_deauthorize_removes_that_users_accounts(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    await finish_login(fb_api, await start_login(fb_api, owner), who=owner)
    manual = await fb_api.post(
        "/api/channels",
        json={"platform": "whatsapp", "account_id": "555000111", "access_token": "EAAwhatsapptoken123"},
        headers=owner.auth,
    )
    assert manual.status == 201

    forged = await fb_api.post("/api/integrations/facebook/deauthorize", data=signed(FB_USER, secret="not-our-secret"))
    assert forged.status == 400
    assert (await fb_api.post("/api/integrations/facebook/deauthorize", data={"signed_request": "garbage"})).status == 400
    assert (await fb_api.post("/api/integrations/facebook/deauthorize", data={})).status == 400
    assert len(await channels_of(fb_api, owner)) == 4

    response = await fb_api.post("/api/integrations/facebook/deauthorize", data=signed(FB_USER))
    assert response.status == 200
    assert (await response.json())["accounts_removed"] == 3
    assert [c["platform"] for c in await channels_of(fb_api, owner)] == ["whatsapp"]
    me = await (await fb_api.get("/api/me", headers=owner.auth)).json()
    assert me["tenant"]["facebook_connected"] is False


async def test_data_deletion_answers_a_status_url(fb_api: TestClient) -> None:
    owner = await sign_up(fb_api, "owner@example.com")
    await finish_login(fb_api, await start_login(fb_api, owner), who=owner)
    assert (await fb_api.post("/api/integrations/facebook/data-deletion", data=signed(FB_USER, secret="wrong"))).status == 400
    response = await fb_api.post("/api/integrations/facebook/data-deletion", data=signed(FB_USER))
    assert response.status == 200
    body = await response.json()
    status_url = urlsplit(body["url"])
    assert f"{status_url.scheme}://{status_url.netloc}" == PUBLIC
    assert status_url.path == "/api/integrations/facebook/deletion-status"
    assert parse_qs(status_url.query)["code"] == [body["confirmation_code"]]
    assert await channels_of(fb_api, owner) == []
    status = await fb_api.get(status_url.path + "?" + status_url.query)
    assert status.status == 200
    assert (await status.json())["status"] == "completed"
    assert (await fb_api.get("/api/integrations/facebook/deletion-status", params={"code": "nope"})).status == 404


@pytest.mark.usefixtures("redis")
async def test_unconfigured_app_answers_503(aiohttp_client, make_settings) -> None:
    api = await app_client(aiohttp_client, make_settings, meta_app_id="", meta_app_secret="")
    owner = await sign_up(api, "owner@example.com")
    assert (await api.get("/api/integrations/facebook/auth-url", headers=owner.auth)).status == 503
    assert (await api.get("/api/integrations/facebook/callback", params={"code": "c", "state": "s"})).status == 503
    assert (await api.post("/api/integrations/facebook/deauthorize", data=signed(FB_USER))).status == 503


@pytest.mark.parametrize("path", ["deauthorize", "data-deletion"])
async def test_deeply_nested_signed_requests_get_400_whether_forged_or_signed(fb_api: TestClient, path: str) -> None:
    import base64
    import hashlib
    import hmac

    # Deep enough to break a recursive parser, small enough to pass the form's size limit (8,192 characters).
    deep = b'{"algorithm": "HMAC-SHA256", "user_id": "' + FB_USER.encode() + b'", "x": ' + b"[" * 2_500 + b"]" * 2_500 + b"}"
    encoded = base64.urlsafe_b64encode(deep).decode().rstrip("=")
    good = base64.urlsafe_b64encode(hmac.new(APP_SECRET.encode(), encoded.encode(), hashlib.sha256).digest()).decode().rstrip("=")
    for signature in ("Zm9yZ2Vk", good):
        response = await fb_api.post(f"/api/integrations/facebook/{path}", data={"signed_request": f"{signature}.{encoded}"})
        assert response.status == 400, await response.text()
        assert (await response.json())["error"]["code"] == "bad_signed_request"
    oversized = await fb_api.post(f"/api/integrations/facebook/{path}", data={"signed_request": "x." + "W" * 10_000})
    assert oversized.status == 422 and "signed_request" in (await oversized.json())["error"]["fields"]


async def test_the_scheduled_check_subscribes_again_an_account_meta_refused(fb_api: TestClient, graph: FakeGraph) -> None:
    from bot.runtime.housekeeping import build_chores, run_due

    owner = await sign_up(fb_api, "owner@example.com")
    graph.refuse_subscription = {"3003"}
    body = {"platform": "facebook", "account_id": "3003", "access_token": "EAABmanualTOKEN0000"}
    created = await (await fb_api.post("/api/channels", json=body, headers=owner.auth)).json()
    assert created["webhooks_problem"] == "token"
    graph.refuse_subscription = set()  # the owner granted the permission at Meta meanwhile
    services = platform_of(fb_api)
    assert "recheck-tokens" in await run_due(services.redis, build_chores(services))
    [shown] = await channels_of(fb_api, owner)
    assert (shown["webhooks_problem"], shown["webhooks_error"]) == (None, None)
    assert [page for page, _, _ in graph.subscribed] == ["3003"]
