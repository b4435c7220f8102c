"""The owner pages through HTTP: sign-up, forms that keep what was typed, campaigns in steps, conversation
actions, filters, the styled 404, the page policy, live events, and the API additions the pages use."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from bot.conversations import store as convs
from bot.pipeline.types import LeadState
from bot.sales.leads import save_lead_after_turn
from dashboard.live import LIVE
from dashboard.pages import VENDOR_FILES
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_pages import TRAIL, YOGA, form_login, hidden_token
from tests.whole_app import owner_app_of

PAGES = (
    "/dashboard",
    "/onboarding",
    "/campaigns",
    "/campaigns/new",
    "/integrations",
    "/inbox",
    "/leads",
    "/analytics",
    "/settings",
    "/playground",
)


def field_error(html: str, name: str) -> str:
    found = re.search(r'id="f-' + re.escape(name.replace(".", "-")) + r'-error">([^<]*)<', html)
    return found.group(1) if found else ""


async def session_csrf(api: TestClient) -> str:
    return (await (await api.get("/api/me")).json())["csrf_token"]


async def test_signup_form_keeps_what_was_typed_and_opens_a_session_only(api: TestClient) -> None:
    page = await (await api.get("/signup")).text()
    token = hidden_token(page)
    bad = await api.post(
        "/signup", data={"csrf_token": token, "business_name": "Sunrise Yoga", "email": "nope", "password": "pw"}
    )
    assert bad.status == 422
    html = await bad.text()
    assert 'value="Sunrise Yoga"' in html and 'value="nope"' in html
    assert field_error(html, "email") and field_error(html, "password")
    assert 'value="pw"' not in html  # a password is never sent back

    done = await api.post(
        "/signup",
        data={
            "csrf_token": token,
            "business_name": "Sunrise Yoga",
            "email": "maya@example.com",
            "password": "a long enough password",
        },
        allow_redirects=False,
    )
    assert done.status == 303 and done.headers["Location"] == "/onboarding?notice=welcome"
    me = await (await api.get("/api/me")).json()
    assert me["tenant"]["name"] == "Sunrise Yoga" and me["auth"] == "session"
    assert await platform_of(api).db.api_tokens.count_documents({"tenant_id": me["tenant"]["id"]}) == 0

    await api.post("/logout", data={"csrf_token": me["csrf_token"]})
    again = await api.post(
        "/signup",
        data={
            "csrf_token": hidden_token(await (await api.get("/signup")).text()),
            "business_name": "Other",
            "email": "maya@example.com",
            "password": "another long password",
        },
    )
    assert again.status == 409 and "exists already" in field_error(await again.text(), "email")
    refused = await api.post(
        "/signup", data={"business_name": "X", "email": "x@example.com", "password": "a long enough password"}
    )
    assert refused.status == 403


async def test_every_page_renders_with_the_session_token_and_the_page_policy(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    csrf = await session_csrf(api)
    for path in PAGES:
        response = await api.get(path)
        assert response.status == 200, path
        html = await response.text()
        tokens = set(re.findall(r'name="csrf_token" value="([^"]*)"', html))
        assert tokens == {csrf}, f"{path}: every form must carry the session's CSRF token"
        assert 'id="leo"' in html and 'name="message"' in html
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "<style" not in html and " style=" not in html and "javascript:" not in html
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\")=?)", html), f"{path}: inline script"


async def test_unknown_pages_get_the_styled_404_and_the_api_keeps_json(api: TestClient) -> None:
    page = await api.get("/no/such/page")
    assert page.status == 404 and page.content_type == "text/html"
    assert "We can’t find that page" in await page.text()
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    missing = await api.get("/api/no-such-thing")
    assert missing.status == 401 and "error" in await missing.json()  # the API answers JSON, never the page


async def test_vendor_files_come_from_the_platform(api: TestClient) -> None:
    assert (await api.get("/static/vendor/other.js")).status == 404
    chart = await api.get("/static/vendor/chart.umd.min.js")
    if VENDOR_FILES["chart.umd.min.js"].exists():
        assert chart.status == 200 and chart.headers["Content-Type"].startswith("text/javascript")
    else:
        assert chart.status == 404


async def test_campaign_form_shows_errors_beside_fields_then_creates_in_the_api_shape(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    csrf = await session_csrf(api)
    form = [
        ("csrf_token", csrf),
        ("name", "Spring pass"),
        ("product.name", "Yoga Pass"),
        ("product.price", "lots"),
        ("product.currency", "EUR"),
        ("product.features", "Unlimited classes\nFree mat"),
        ("target_platform", "instagram"),
        ("chat_flow.greeting", "Hi!"),
        ("chat_flow.qualification_questions", "How often?"),
        ("chat_flow.qualification_questions", ""),
        ("chat_flow.qualification_questions", "Which studio?"),
        ("chat_flow.objection_handling.objection", "too expensive"),
        ("chat_flow.objection_handling.answer", "Under $2 a class."),
        ("chat_flow.objection_handling.objection", ""),
        ("chat_flow.objection_handling.answer", ""),
        ("target_audience.age_range", "45-25"),
        ("target_audience.location", "Lisbon\nPorto"),
        ("status", "active"),
    ]
    bad = await api.post("/campaigns/new", data=form)
    assert bad.status == 422
    html = await bad.text()
    assert field_error(html, "product.price") and field_error(html, "target_audience.age_range")
    assert 'value="Spring pass"' in html and "Unlimited classes\nFree mat" in html and 'value="Which studio?"' in html
    assert (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"] == []

    fixed = [(k, {"product.price": "49,90", "target_audience.age_range": "25 - 45"}.get(k, v)) for k, v in form]
    done = await api.post("/campaigns/new", data=fixed, allow_redirects=False)
    assert done.status == 303 and done.headers["Location"] == "/campaigns?notice=campaign_created"
    [created] = (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"]
    assert created["product"]["price"] == 49.9 and created["product"]["features"] == ["Unlimited classes", "Free mat"]
    assert created["chat_flow"]["qualification_questions"] == ["How often?", "Which studio?"]
    assert created["chat_flow"]["objection_handling"] == {"too expensive": "Under $2 a class."}
    assert created["target_audience"] == {"age_range": "25-45", "location": ["Lisbon", "Porto"], "interests": []}

    edit = await (await api.get(f"/campaigns/{created['id']}/edit")).text()
    assert 'value="49.90"' in edit and 'value="25-45"' in edit
    paused = await api.post(
        f"/campaigns/{created['id']}/status", data={"csrf_token": csrf, "status": "paused"}, allow_redirects=False
    )
    assert paused.status == 303
    assert (await (await api.get(f"/api/campaigns/{created['id']}", headers=owner.auth)).json())["status"] == "paused"
    confirm = await api.get(f"/campaigns/{created['id']}/delete")
    assert "cannot be undone" in await confirm.text()
    assert (await api.post(f"/campaigns/{created['id']}/delete", data={"csrf_token": csrf}, allow_redirects=False)).status == 303
    assert (await api.get(f"/api/campaigns/{created['id']}", headers=owner.auth)).status == 404


async def test_campaign_status_api(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    created = await (await api.post("/api/campaigns", json=YOGA, headers=owner.auth)).json()
    changed = await api.post(f"/api/campaigns/{created['id']}/status", json={"status": "completed"}, headers=owner.auth)
    assert changed.status == 200
    body = await changed.json()
    assert body["status"] == "completed" and body["product"] == created["product"] and body["chat_flow"] == created["chat_flow"]
    assert (await api.post(f"/api/campaigns/{created['id']}/status", json={"status": "gone"}, headers=owner.auth)).status == 422
    foreign = await api.post(f"/api/campaigns/{created['id']}/status", json={"status": "active"}, headers=rival.auth)
    assert foreign.status == 404


async def test_structured_audience_in_the_api(api: TestClient, owner: SignedUp) -> None:
    body = {**YOGA, "target_audience": {"age_range": "18+", "location": ["Austin, TX"], "interests": ["yoga", "yoga", " "]}}
    created = await (await api.post("/api/campaigns", json=body, headers=owner.auth)).json()
    assert created["target_audience"] == {"age_range": "18+", "location": ["Austin, TX"], "interests": ["yoga"]}
    wrong = await api.post("/api/campaigns", json={**YOGA, "target_audience": {"age_range": "young"}}, headers=owner.auth)
    assert wrong.status == 422 and "target_audience.age_range" in (await wrong.json())["error"]["fields"]


async def make_conversations(api: TestClient, owner: SignedUp) -> tuple[str, dict[str, str]]:
    db = platform_of(api).db
    campaign = await (await api.post("/api/campaigns", json=TRAIL, headers=owner.auth)).json()
    ids = {}
    for customer, stage, campaign_id in (("A", "qualified", campaign["id"]), ("B", "engaged", ""), ("C", "qualified", "")):
        conversation, _ = await convs.create_conversation(
            db, owner.tenant_id, "instagram", "1784", f"IGSID_{customer}", f"Customer {customer}", campaign_id=campaign_id
        )
        await save_lead_after_turn(
            db, conversation, LeadState(score=50, stage=stage), campaign_id=campaign_id, previous=None, now=datetime.now(UTC)
        )
        ids[customer] = conversation.id
    return campaign["id"], ids


async def test_conversations_filter_by_stage_and_campaign(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    campaign_id, ids = await make_conversations(api, owner)

    async def listed(**params: str) -> set[str]:
        body = await (await api.get("/api/conversations", params=params, headers=owner.auth)).json()
        return {c["id"] for c in body["conversations"]}

    assert await listed(stage="qualified") == {ids["A"], ids["C"]}
    assert await listed(campaign_id=campaign_id) == {ids["A"]}
    assert await listed(stage="qualified", campaign_id=campaign_id) == {ids["A"]}
    assert await listed(stage="converted") == set()
    assert (await api.get("/api/conversations", params={"stage": "hot"}, headers=owner.auth)).status == 400
    rival_view = await (await api.get("/api/conversations", params={"stage": "qualified"}, headers=rival.auth)).json()
    assert rival_view["conversations"] == []

    await form_login(api, owner)
    inbox = await (await api.get("/inbox", params={"stage": "qualified"})).text()
    assert ids["A"] in inbox and ids["C"] in inbox and ids["B"] not in inbox
    leads = await (await api.get("/leads", params={"stage": "engaged"})).text()
    assert "Customer B" in leads and "Customer A" not in leads


async def test_thread_actions_from_the_page(api: TestClient, owner: SignedUp) -> None:
    _, ids = await make_conversations(api, owner)
    await form_login(api, owner)
    csrf = await session_csrf(api)
    url = f"/conversations/{ids['A']}"
    page = await (await api.get(url)).text()
    assert ">Take over<" in page and 'name="text"' in page and ">Record sale<" in page
    assert (await api.post(url + "/takeover", data={})).status == 403  # CSRF on every form
    assert (await api.post(url + "/takeover", data={"csrf_token": csrf}, allow_redirects=False)).status == 303
    assert (await (await api.get(f"/api{url}", headers=owner.auth)).json())["status"] == "human"
    assert ">Release<" in await (await api.get(url)).text()

    # No channel is connected, so the reply cannot go out: the page says why and keeps the text.
    failed = await api.post(url + "/reply", data={"csrf_token": csrf, "text": "Hello from Maya"})
    assert failed.status == 422
    html = await failed.text()
    assert "Hello from Maya</textarea>" in html and "Not sent:" in html

    bad_sale = await api.post(url + "/sale", data={"csrf_token": csrf, "value": "-3", "currency": "EUR"})
    assert bad_sale.status == 422 and 'value="-3"' in await bad_sale.text()
    key = "sale-key-1"
    first = await api.post(
        url + "/sale", data={"csrf_token": csrf, "value": "129,99", "currency": "EUR", "sale_key": key}, allow_redirects=False
    )
    again = await api.post(
        url + "/sale", data={"csrf_token": csrf, "value": "129,99", "currency": "EUR", "sale_key": key}, allow_redirects=False
    )
    assert first.headers["Location"].endswith("notice=sale_recorded") and again.headers["Location"].endswith("notice=sale_known")
    lead = (await (await api.get(f"/api{url}", headers=owner.auth)).json())["lead"]
    assert lead["stage"] == "converted" and lead["value"] == 129.99
    assert (await api.post(url + "/release", data={"csrf_token": csrf}, allow_redirects=False)).status == 303
    assert (await (await api.get(f"/api{url}", headers=owner.auth)).json())["status"] == "bot"


async def test_pages_never_show_another_business(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    theirs = await (await api.post("/api/campaigns", json=TRAIL, headers=rival.auth)).json()
    await form_login(api, owner)
    csrf = await session_csrf(api)
    assert (await api.get(f"/campaigns/{theirs['id']}/edit")).status == 404
    assert (await api.post(f"/campaigns/{theirs['id']}/delete", data={"csrf_token": csrf})).status == 404
    assert (await api.post(f"/campaigns/{theirs['id']}/status", data={"csrf_token": csrf, "status": "paused"})).status == 404
    assert (await (await api.get(f"/api/campaigns/{theirs['id']}", headers=rival.auth)).json())["status"] == "active"


async def test_live_events_name_the_conversation_that_moved(api: TestClient, owner: SignedUp) -> None:
    owner_app_of(api.app)[LIVE].poll_s = 0.05  # the test need not wait the usual 1.5 s between reads
    await form_login(api, owner)
    response = await api.get("/live/events")
    assert response.status == 200 and response.content_type == "text/event-stream"
    assert b"event: ready" in await response.content.readuntil(b"\r\n\r\n")
    conversation = await convs.get_or_create_conversation(
        platform_of(api).db, owner.tenant_id, "whatsapp", "55", "15550001", "Dana Example"
    )
    event = await asyncio.wait_for(response.content.readuntil(b"\r\n\r\n"), 10)
    assert b"event: conversation" in event and conversation.id.encode() in event and b"Dana Example" in event
    response.close()
