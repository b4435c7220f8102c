"""The owner pages (form login, overview, a conversation, logout) and the playground API."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.pipeline.types import LeadState
from bot.sales.counters import bump_daily
from bot.sales.leads import save_lead_after_turn
from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from tests.dashboard.conftest import SignedUp, platform_of
from tests.whole_app import owner_app_of

YOGA = {
    "name": "Spring yoga pass",
    "product": {
        "name": "Yoga Pass",
        "description": "Unlimited classes for a month",
        "price": 49.0,
        "currency": "USD",
        "call_to_action_url": "https://example.com/buy",
    },
    "target_platform": "facebook",
    "status": "active",
}
TRAIL = {
    "name": "Trail launch",
    "product": {"name": "Trail Runner", "description": "A light trail shoe", "price": 129.99, "currency": "EUR"},
    "target_platform": "instagram",
    "status": "active",
}


@pytest.fixture
async def api(aiohttp_client, make_settings, redis) -> TestClient:  # noqa: ARG001 # requested for what it sets up
    """The whole app, cheap argon2id."""
    from tests.whole_app import create_app

    app = create_app(make_settings(), run_worker=False)
    client = await aiohttp_client(app)
    owner_app_of(client.app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return client


def hidden_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def form_login(api: TestClient, owner: SignedUp) -> None:
    token = hidden_token(await (await api.get("/login")).text())
    response = await api.post(
        "/login", data={"email": owner.email, "password": owner.password, "csrf_token": token}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/dashboard"


async def test_login_page_renders_a_form_with_a_csrf_field(api: TestClient) -> None:
    response = await api.get("/login")
    assert response.status == 200
    assert response.content_type == "text/html"
    html = await response.text()
    assert 'action="/login"' in html and 'name="email"' in html and 'name="password"' in html
    assert hidden_token(html)


async def test_form_login_needs_the_csrf_token(api: TestClient, owner: SignedUp) -> None:
    await api.get("/login")  # the pre-session cookie is there; only the field is missing or wrong
    for data in (
        {"email": owner.email, "password": owner.password},
        {"email": owner.email, "password": owner.password, "csrf_token": "guess"},
    ):
        response = await api.post("/login", data=data, allow_redirects=False)
        assert response.status == 403
        assert "sid" not in response.cookies
    assert (await api.get("/api/me")).status == 401


async def test_form_login_opens_the_same_session_as_the_api(api: TestClient, owner: SignedUp) -> None:
    token = hidden_token(await (await api.get("/login")).text())
    wrong = await api.post(
        "/login", data={"email": owner.email, "password": "not it", "csrf_token": token}, allow_redirects=False
    )
    assert wrong.status == 401 and "Wrong email or password" in await wrong.text()
    assert "sid" not in wrong.cookies

    await form_login(api, owner)
    landing = await api.get("/", allow_redirects=False)
    assert landing.status == 303 and landing.headers["Location"] == "/dashboard"
    overview = await (await api.get("/dashboard")).text()
    assert "Acme Shoes" in overview and "Last 30 days" in overview
    assert 'action="/login"' not in overview
    me = await api.get("/api/me")  # the page's cookie is an API session too
    assert me.status == 200 and (await me.json())["tenant"]["id"] == owner.tenant_id


def cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row)


def table_row(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


async def test_overview_shows_totals_tables_and_conversations(api: TestClient, owner: SignedUp) -> None:
    db = platform_of(api).db
    created = await api.post("/api/campaigns", json=TRAIL, headers=owner.auth)
    campaign_id = (await created.json())["id"]
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    await bump_daily(
        db,
        owner.tenant_id,
        day=today,
        platform="instagram",
        campaign_id=campaign_id,
        messages_in=7,
        messages_out=5,
        conversations=3,
    )
    conversation = await convs.get_or_create_conversation(db, owner.tenant_id, "instagram", "1784", "IGSID_1", "Dana Example")
    await save_lead_after_turn(
        db, conversation, LeadState(score=37, stage="engaged"), campaign_id="", previous=None, now=datetime.now(UTC)
    )
    await msgs.record_outbound(
        db, owner.tenant_id, conversation.id, sender="bot", text="Our pass is 49 USD.", source="offline", delivery="sent"
    )
    await convs.get_or_create_conversation(db, owner.tenant_id, "facebook", "55", "PSID_X", "<script>alert(1)</script>")
    await form_login(api, owner)

    overview = await (await api.get("/dashboard")).text()
    assert re.search(r'data-kpi="messages_in"><dt>Customer messages</dt><dd>7<', overview)
    assert re.search(r'data-kpi="conversations"><dt>Conversations</dt><dd>3<', overview)
    campaign = overview[overview.index(f'href="/campaigns/{campaign_id}/edit"') :]
    assert "Trail launch" in campaign[:200] and "3 conversations" in campaign[:600]
    row = overview[overview.index(f'data-conversation="{conversation.id}"') :]
    row = row[: row.index("</li>")]
    assert "Dana Example" in row and "Instagram" in row and "Bot answering" in row and "lead 37 (Engaged)" in row
    # Customer-supplied names are shown as text, never as markup.
    assert "<script>alert(1)</script>" not in overview and "&lt;script&gt;alert(1)&lt;/script&gt;" in overview
    analytics = await (await api.get("/analytics")).text()
    assert cells(table_row(analytics, '<td class="main">Trail launch</td>'))[1:3] == ["3", "7"]

    thread = await api.get(f"/conversations/{conversation.id}")
    assert thread.status == 200
    assert "Our pass is 49 USD." in await thread.text()


async def test_another_tenants_conversation_is_a_404_page(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    db = platform_of(api).db
    theirs = await convs.get_or_create_conversation(db, rival.tenant_id, "facebook", "55", "PSID_R", "Rival Customer")
    await form_login(api, owner)
    response = await api.get(f"/conversations/{theirs.id}")
    assert response.status == 404
    html = await response.text()
    assert "Not found" in html and "Rival Customer" not in html
    assert "Rival Customer" not in await (await api.get("/dashboard")).text()
    assert "Rival Customer" not in await (await api.get("/inbox")).text()


async def test_pages_redirect_to_login_without_a_session(api: TestClient) -> None:
    for path in ("/dashboard", "/playground", "/conversations/anything", "/inbox?status=bot"):
        response = await api.get(path, allow_redirects=False)
        assert response.status == 303 and response.headers["Location"].startswith("/login?next=")
    to_login = (await api.get("/inbox?status=bot", allow_redirects=False)).headers["Location"]
    # The login form sends the owner back where they were going, and only to this site.
    assert 'name="next" value="/inbox?status=bot"' in await (await api.get(to_login)).text()
    assert 'name="next" value="/dashboard"' in await (await api.get("/login?next=//evil.example/x")).text()


async def test_logout_needs_the_csrf_token_and_ends_the_session(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    overview = await (await api.get("/dashboard")).text()
    refused = await api.post("/logout", data={}, allow_redirects=False)
    assert refused.status == 403
    assert (await api.get("/api/me")).status == 200
    done = await api.post("/logout", data={"csrf_token": hidden_token(overview)}, allow_redirects=False)
    assert done.status == 303
    assert (await api.get("/api/me")).status == 401
    assert 'href="/signup"' in await (await api.get("/")).text()


async def chat(api: TestClient, owner: SignedUp, platform: str, message: str, session_id: str = "") -> dict:
    body = {"platform": platform, "message": message}
    if session_id:
        body["session_id"] = session_id
    response = await api.post("/api/playground/chat", json=body, headers=owner.auth)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_playground_answers_a_price_question_with_the_campaign_price(api: TestClient, owner: SignedUp) -> None:
    assert (await api.post("/api/campaigns", json=YOGA, headers=owner.auth)).status == 201
    answer = await chat(api, owner, "facebook", "How much is the yoga pass?")
    assert "49" in answer["reply"]
    assert answer["intent"] == "price_question" and answer["source"] == "offline"
    assert answer["guard_blocked"] is False
    assert set(answer["lead"]) == {"score", "stage", "reasons"}

    # Nothing was stored as a conversation or counted.
    assert (await (await api.get("/api/conversations", headers=owner.auth)).json())["conversations"] == []
    totals = (await (await api.get("/api/analytics", headers=owner.auth)).json())["totals"]
    assert totals["messages_in"] == totals["messages_out"] == totals["conversations"] == 0

    # The chat's history is kept for an hour under this tenant and session.
    again = await chat(api, owner, "facebook", "I want to buy it", answer["session_id"])
    assert again["session_id"] == answer["session_id"]
    redis = platform_of(api).redis
    key = f"playground:{owner.tenant_id}:{answer['session_id']}"
    assert 0 < await redis.ttl(key) <= 3600
    history = json.loads(await redis.get(key))["history"]
    assert [item["sender"] for item in history] == ["customer", "bot", "customer", "bot"]
    assert history[0]["text"] == "How much is the yoga pass?"


async def test_playground_offers_only_campaigns_of_the_chosen_platform(api: TestClient, owner: SignedUp) -> None:
    for campaign in (YOGA, TRAIL):
        assert (await api.post("/api/campaigns", json=campaign, headers=owner.auth)).status == 201
    on_facebook = await chat(api, owner, "facebook", "How much is the Trail Runner?")
    assert "129.99" not in on_facebook["reply"] and "Trail Runner" not in on_facebook["reply"]
    on_instagram = await chat(api, owner, "instagram", "How much is the Trail Runner?")
    assert "129.99" in on_instagram["reply"]


async def test_playground_api_needs_auth_and_csrf_for_cookies(api: TestClient, owner: SignedUp) -> None:
    body = {"platform": "whatsapp", "message": "hello"}
    anonymous = await api.post("/api/playground/chat", json=body)
    assert anonymous.status == 401
    assert (await anonymous.json())["error"]["code"] == "unauthorized"

    await form_login(api, owner)
    page = await api.get("/playground")
    assert page.status == 200
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', await page.text())
    assert csrf
    assert (await api.post("/api/playground/chat", json=body)).status == 403
    ok = await api.post("/api/playground/chat", json=body, headers={"X-CSRF-Token": csrf.group(1)})
    assert ok.status == 200 and (await ok.json())["reply"]
    bad = await api.post(
        "/api/playground/chat", json={"platform": "tiktok", "message": "hi"}, headers={"X-CSRF-Token": csrf.group(1)}
    )
    assert bad.status == 422 and "platform" in (await bad.json())["error"]["fields"]


async def test_playground_respects_stop_and_handoff_as_the_channels_do(api: TestClient, owner: SignedUp) -> None:
    assert (await api.post("/api/campaigns", json=YOGA, headers=owner.auth)).status == 201
    stopped = await chat(api, owner, "facebook", "STOP")
    assert stopped["opted_out"] is True and stopped["status"] == "opted_out"
    session = stopped["session_id"]
    quiet = await chat(api, owner, "facebook", "How much is the yoga pass?", session)
    assert quiet["silent"] is True and quiet["reply"] == "" and "opted out" in quiet["note"]
    back = await chat(api, owner, "facebook", "START", session)
    assert back["silent"] is False and back["status"] == "bot" and back["reply"]

    angry = await chat(api, owner, "facebook", "This is ridiculous, I was charged twice!")
    assert angry["handoff"] is True and angry["intent"] == "complaint"
    assert "sorry" in angry["reply"].lower()
    after = await chat(api, owner, "facebook", "hello?", angry["session_id"])
    assert after["silent"] is True and "person from your team" in after["note"]


async def test_playground_keeps_the_owners_details_out_of_the_customers_bubble(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    script = await (await api.get("/static/playground.js")).text()
    assert "details" in script and "owner-details" in script
    assert (await api.get("/playground")).status == 200
