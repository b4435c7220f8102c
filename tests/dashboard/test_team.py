"""Team members: the owner invites a salesperson by a single-use, expiring link; the salesperson joins as an
agent and works the inbox and the leads, and nothing else; every route of the app has a role decision, checked
for both roles; removing a member ends their access at once; no business sees another's team."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from yarl import URL

from bot.conversations import store as convs
from dashboard.api.operations import operation_of
from dashboard.live import LIVE
from dashboard.team.policy import MEMBER, OWNER, PUBLIC, Access, Role, access_of, allowed, route_key
from tests.clocks import SettableClock
from tests.dashboard.conftest import SignedUp, platform_of
from tests.dashboard.test_pages import form_login, hidden_token
from tests.dashboard.test_session_end import (
    ENDS_WITHIN_S,
    Login,
    a_conversation_moves,
    assert_ended_without_events,
    event_about,
    log_in,
    open_stream,
)
from tests.whole_app import owner_app_of, use_clock, use_settings

AGENT_EMAIL = "sam@example.com"
AGENT_PASSWORD = "orange kettle on the moon"
PAGE_ACCOUNT = "102030"


@pytest.fixture
def clock(api: TestClient) -> SettableClock:
    use_clock(api.app, clock := SettableClock())
    return clock


def routes_of(app: web.Application) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, HEAD folded into GET."""
    found = {(r.method if r.method != "HEAD" else "GET", r.resource.canonical) for r in app.router.routes() if r.resource}
    return sorted(found)


async def invite(api: TestClient, owner: SignedUp, email: str = AGENT_EMAIL) -> dict:
    response = await api.post("/api/team/invites", json={"email": email, "role": "agent"}, headers=owner.auth)
    assert response.status == 201, await response.text()
    return await response.json()


async def join(api: TestClient, invite_url: str, password: str = AGENT_PASSWORD) -> ClientResponse:
    """Open the link and press Join, as the salesperson's browser does (its cookies kept in the client)."""
    path = URL(invite_url).path
    page = await api.get(path)
    assert page.status == 200, await page.text()
    return await api.post(path, data={"csrf_token": hidden_token(await page.text()), "password": password}, allow_redirects=False)


async def agent_joins(api: TestClient, owner: SignedUp, email: str = AGENT_EMAIL) -> SignedUp:
    joined = await join(api, (await invite(api, owner, email))["invite_url"])
    assert joined.status == 303, await joined.text()
    api.session.cookie_jar.clear()
    return SignedUp(email=email, password=AGENT_PASSWORD, tenant_id=owner.tenant_id, token="")


@dataclass
class Shop:
    owner: SignedUp
    agent: Login  # the agent's API token and a browser session of theirs
    conversation_id: str


async def shop(api: TestClient, owner: SignedUp) -> Shop:
    """A business with a connected page, a customer's conversation and a salesperson who joined."""
    connected = await api.post(
        "/api/channels",
        json={"platform": "facebook", "account_id": PAGE_ACCOUNT, "access_token": "EAAB-page-token"},
        headers=owner.auth,
    )
    assert connected.status == 201, await connected.text()
    now = platform_of(api).clock.now()
    conversation, _ = await convs.create_conversation(
        platform_of(api).db,
        owner.tenant_id,
        "facebook",
        PAGE_ACCOUNT,
        "PSID_77",
        "Dana Buyer",
        now=now,
        last_customer_at=now,
    )
    agent = await log_in(api, await agent_joins(api, owner))
    return Shop(owner=owner, agent=agent, conversation_id=conversation.id)


# The table -------------------------------------------------------------------------------------------------


async def test_every_route_of_the_app_has_a_role_decision(api: TestClient) -> None:
    assert not (PUBLIC & MEMBER) and not (PUBLIC & OWNER) and not (MEMBER & OWNER)
    undecided = [route_key(m, p) for m, p in routes_of(api.app) if access_of(route_key(m, p)) is None]
    assert undecided == [], f"add these routes to dashboard/team/policy.py: {undecided}"
    # The API's own notion of public (no login asked) and the policy's agree, operation by operation.
    for route in api.app.router.routes():
        op = operation_of(route.handler)
        if op is not None:
            assert op.public == (access_of(route_key(op.method, op.path)) == Access.public), op.path


def test_the_policy_gives_an_agent_the_inbox_and_leads_only() -> None:
    for key in (
        "GET /inbox",
        "GET /conversations/{id}",
        "POST /api/conversations/{id}/takeover",
        "POST /api/conversations/{id}/reply",
        "POST /api/conversations/{id}/release",
        "POST /api/conversations/{id}/conversion",
        "GET /api/leads",
        "GET /leads",
    ):
        assert allowed(Role.agent, key) and allowed(Role.owner, key), key
    for key in ("GET /settings", "GET /api/tokens", "POST /api/channels", "GET /api/team", "POST /api/account/delete"):
        assert not allowed(Role.agent, key) and allowed(Role.owner, key), key
    # A route the table does not know is the owner's alone; HEAD is GET.
    assert not allowed(Role.agent, "GET /api/something-new") and allowed(Role.owner, "GET /api/something-new")
    assert route_key("HEAD", "/inbox") == "GET /inbox"


# Every route, for both roles ---------------------------------------------------------------------------------


def _path(template: str, conversation_id: str) -> str:
    path = (
        template.replace("{id}", conversation_id) if template.startswith(("/api/conversations/", "/conversations/")) else template
    )
    return re.sub(r"\{[^}]+\}", "not-an-id", path)


# Routes that end the caller's own session or token: called last, on their own.
LOGOUTS = {"POST /api/logout", "POST /logout"}


async def _call(api: TestClient, method: str, path: str, *, auth: dict[str, str], csrf: str) -> tuple[int, str, str]:
    """Status, body and Location of one request; bodies are empty or bare, since only the guard's answer counts."""
    if path.startswith("/api/"):
        body: dict[str, str] | None = {} if method in ("POST", "PUT") else None
        response = await api.request(method, path, headers=auth, allow_redirects=False, json=body)
    else:
        form = {"csrf_token": csrf} if method == "POST" else None
        response = await api.request(method, path, headers=auth, allow_redirects=False, data=form)
    location = response.headers.get("Location", "")
    if response.content_type == "text/event-stream":
        response.close()
        return response.status, "", location
    return response.status, await response.text(), location


async def test_every_route_for_an_agent_and_for_the_owner(api: TestClient, owner: SignedUp) -> None:
    s = await shop(api, owner)
    owner_login = await log_in(api, owner)
    guarded = [(m, p) for m, p in routes_of(api.app) if access_of(route_key(m, p)) != Access.public]
    assert len(guarded) > 80  # the sweep really walks the app

    for person, login in (("agent", s.agent), ("owner", owner_login)):
        for method, template in guarded:
            key = route_key(method, template)
            if key in LOGOUTS:
                continue
            path = _path(template, s.conversation_id)
            auth = {"Authorization": f"Bearer {login.token}"} if path.startswith("/api/") else login.cookie
            status, text, location = await _call(api, method, path, auth=auth, csrf=login.csrf)
            where = f"{person} {method} {path}: {status} {text[:200]}"
            assert status < 500, where
            if person == "agent" and key in OWNER:
                if key == "GET /dashboard":
                    assert status == 303 and location == "/inbox", where  # the owner's home sends an agent to the inbox
                elif path.startswith("/api/"):
                    assert status == 403 and '"owner_only"' in text, where
                else:
                    assert status == 403 and "Only the owner can open this page" in text, where
            else:
                assert status not in (401, 403) and not location.startswith("/login"), where

    # The two ways out, for a member too: the page's form, and the API.
    out = await api.post("/logout", data={"csrf_token": s.agent.csrf}, headers=s.agent.cookie, allow_redirects=False)
    assert out.status == 303 and not await s.agent.alive()
    assert (await api.post("/api/logout", headers={"Authorization": f"Bearer {owner_login.token}"})).status == 200


async def test_an_agent_works_the_inbox_and_every_action_names_them(api: TestClient, owner: SignedUp) -> None:
    s = await shop(api, owner)
    bearer = {"Authorization": f"Bearer {s.agent.token}"}
    url = f"/api/conversations/{s.conversation_id}"
    me = await (await api.get("/api/me", headers=bearer)).json()
    assert me["owner"]["role"] == "agent" and me["owner"]["email"] == AGENT_EMAIL

    for page in ("/inbox", f"/conversations/{s.conversation_id}", "/leads"):
        response = await api.get(page, headers=s.agent.cookie)
        assert response.status == 200, page
    assert (await api.get("/api/leads", headers=bearer)).status == 200
    assert (await api.get("/api/conversations", headers=bearer)).status == 200

    taken = await api.post(url + "/takeover", headers=bearer)
    assert taken.status == 200 and (await taken.json())["status"] == "human"
    replied = await api.post(url + "/reply", json={"text": "Sam here: it ships tomorrow."}, headers=bearer)
    assert replied.status == 201, await replied.text()
    assert (await replied.json())["sender"] == "human"
    sale = await api.post(url + "/conversion", json={"value": 49, "currency": "USD"}, headers=bearer)
    assert sale.status == 201, await sale.text()
    released = await api.post(url + "/release", headers=bearer)
    assert released.status == 200 and (await released.json())["status"] == "bot"

    detail = await released.json()
    [reply] = [m for m in detail["messages"] if m["sender"] == "human"]
    assert reply["by"]["email"] == AGENT_EMAIL and reply["by"]["id"] == me["owner"]["id"]
    assert [(a["action"], a["by"]["email"]) for a in detail["activity"]] == [
        ("takeover", AGENT_EMAIL),
        ("reply", AGENT_EMAIL),
        ("sale", AGENT_EMAIL),
        ("release", AGENT_EMAIL),
    ]
    # The owner's thread shows who answered, and who has the conversation while a person has it.
    await api.post(url + "/takeover", headers=bearer)
    await form_login(api, owner)
    thread = await (await api.get(f"/conversations/{s.conversation_id}")).text()
    assert f"by {AGENT_EMAIL}" in thread and f"taken over by {AGENT_EMAIL}" in thread


async def test_an_agent_sees_no_link_to_what_is_not_theirs(api: TestClient, owner: SignedUp) -> None:
    s = await shop(api, owner)
    inbox = await (await api.get("/inbox", headers=s.agent.cookie)).text()
    for href in ("/settings", "/integrations", "/team", "/campaigns", "/analytics", "/onboarding", "/playground"):
        assert f'href="{href}"' not in inbox, href
    assert 'href="/inbox"' in inbox and 'href="/leads"' in inbox
    assert 'id="leo"' not in inbox  # Leo reads the business's revenue: the owner's
    owner_inbox = await (await api.get("/inbox", headers=(await log_in(api, owner)).cookie)).text()
    assert 'href="/team"' in owner_inbox and 'href="/settings"' in owner_inbox

    refused = await api.get("/settings", headers=s.agent.cookie)
    assert refused.status == 403 and "text/html" in refused.content_type
    assert "Only the owner can open this page" in await refused.text()
    home = await api.get("/dashboard", headers=s.agent.cookie, allow_redirects=False)
    assert home.status == 303 and home.headers["Location"] == "/inbox"


# Invitations ------------------------------------------------------------------------------------------------


async def test_the_owner_invites_and_the_salesperson_joins_through_the_link(
    api: TestClient, owner: SignedUp, clock: SettableClock
) -> None:
    created = await invite(api, owner)
    assert created["invite_url"].startswith("http://127.0.0.1:8080/join/") and created["emailed"] is False
    expires_at = datetime.fromisoformat(created["expires_at"])
    assert abs(expires_at - clock.now() - timedelta(days=7)) < timedelta(milliseconds=2)
    team = await (await api.get("/api/team", headers=owner.auth)).json()
    assert [(m["email"], m["role"]) for m in team["members"]] == [(owner.email, "owner")]
    assert [(i["email"], i["id"]) for i in team["invites"]] == [(AGENT_EMAIL, created["id"])]

    path = URL(created["invite_url"]).path
    page = await api.get(path)
    html = await page.text()
    assert page.status == 200 and "Join Acme Shoes" in html and 'name="password"' in html and ">Join<" in html
    assert AGENT_EMAIL in html
    # CSRF like the other forms: a post without the page's token joins nobody.
    assert (await api.post(path, data={"password": AGENT_PASSWORD}, allow_redirects=False)).status == 403
    # The password rules of sign-up: a weak one is refused beside the field, and the link still works.
    weak = await api.post(path, data={"csrf_token": hidden_token(html), "password": "password1234"})
    assert weak.status == 422 and 'id="join-password-error"' in await weak.text()

    joined = await join(api, created["invite_url"])
    assert joined.status == 303 and joined.headers["Location"] == "/inbox?notice=joined"
    me = await (await api.get("/api/me")).json()  # the session the join opened
    assert me["owner"]["email"] == AGENT_EMAIL and me["owner"]["role"] == "agent" and me["tenant"]["id"] == owner.tenant_id
    welcome = await (await api.get("/inbox?notice=joined")).text()
    assert "Welcome to the team" in welcome

    team = await (await api.get("/api/team", headers=owner.auth)).json()
    assert [(m["email"], m["role"]) for m in team["members"]] == [(owner.email, "owner"), (AGENT_EMAIL, "agent")]
    assert team["invites"] == []
    # The agent logs in like anyone, and the same API answers them 403 where the owner's alone.
    api.session.cookie_jar.clear()
    login = await api.post("/api/login", json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD})
    assert login.status == 200
    bearer = {"Authorization": f"Bearer {(await login.json())['api_token']}"}
    for method, path in (
        ("GET", "/api/team"),
        ("GET", "/api/tokens"),
        ("GET", "/api/channels"),
        ("GET", "/api/settings/bot"),
        ("POST", "/api/account/password"),
    ):
        refused = await api.request(method, path, headers=bearer, json={} if method == "POST" else None)
        assert refused.status == 403, path
        assert (await refused.json())["error"]["code"] == "owner_only"


async def test_an_invitation_works_once(api: TestClient, owner: SignedUp) -> None:
    created = await invite(api, owner)
    path = URL(created["invite_url"]).path
    token = hidden_token(await (await api.get(path)).text())
    # Two presses of Join at once: one person joins, the other is told the link was used.
    first, second = await asyncio.gather(
        api.post(path, data={"csrf_token": token, "password": AGENT_PASSWORD}, allow_redirects=False),
        api.post(path, data={"csrf_token": token, "password": AGENT_PASSWORD}, allow_redirects=False),
    )
    assert sorted([first.status, second.status]) in ([303, 409], [303, 410])
    again = await api.get(path)
    assert again.status == 410 and "was used already" in await again.text()
    assert await platform_of(api).db.owners.count_documents({"tenant_id": owner.tenant_id}) == 2


async def test_an_invitation_expires_after_a_week(api: TestClient, owner: SignedUp, clock: SettableClock) -> None:
    created = await invite(api, owner)
    path = URL(created["invite_url"]).path
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    page = await api.get(path)
    assert page.status == 200
    token = hidden_token(await page.text())
    clock.advance(timedelta(seconds=1))
    expired = await api.get(path)
    assert expired.status == 410 and "has expired" in await expired.text()
    late = await api.post(path, data={"csrf_token": token, "password": AGENT_PASSWORD}, allow_redirects=False)
    assert late.status == 410
    assert (await (await api.get("/api/team", headers=owner.auth)).json())["invites"] == []
    assert await platform_of(api).db.owners.count_documents({"email": AGENT_EMAIL}) == 0


async def test_a_new_invitation_replaces_the_old_link_and_the_owner_can_withdraw_one(api: TestClient, owner: SignedUp) -> None:
    old = await invite(api, owner)
    new = await invite(api, owner)
    assert (await api.get(URL(old["invite_url"]).path)).status == 410
    assert (await api.get(URL(new["invite_url"]).path)).status == 200
    assert (await api.delete(f"/api/team/invites/{new['id']}", headers=owner.auth)).status == 200
    withdrawn = await api.get(URL(new["invite_url"]).path)
    assert withdrawn.status == 410 and "withdrawn" in await withdrawn.text()
    assert (await api.get("/join/not-a-token")).status == 404
    # An email with an account already (the owner's own, or anyone's) cannot be invited.
    taken = await api.post("/api/team/invites", json={"email": owner.email}, headers=owner.auth)
    assert taken.status == 409 and (await taken.json())["error"]["fields"] == {"email": "This email has an account already."}
    assert (
        await api.post("/api/team/invites", json={"email": "x@example.com", "role": "owner"}, headers=owner.auth)
    ).status == 422


async def test_join_attempts_are_limited_per_address_before_any_password_is_checked(api: TestClient, owner: SignedUp) -> None:
    created = await invite(api, owner)
    path = URL(created["invite_url"]).path
    token = hidden_token(await (await api.get(path)).text())
    # A good join gives its slot back; it does not count.
    statuses = [(await api.post(path, data={"csrf_token": token, "password": "password1234"})).status for _ in range(12)]
    assert statuses == [422] * 10 + [429] * 2
    refused = await api.post(path, data={"csrf_token": token, "password": AGENT_PASSWORD}, allow_redirects=False)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert await platform_of(api).db.owners.count_documents({"email": AGENT_EMAIL}) == 0


async def test_the_invitation_is_emailed_when_smtp_is_set_up(api: TestClient, owner: SignedUp) -> None:
    from tests.fakes.smtp_server import FakeSmtp

    smtp = await FakeSmtp().start()
    p = platform_of(api)
    use_settings(
        api.app,
        p.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "none", "smtp_from": "team@example.com"}
        ),
    )
    try:
        created = await invite(api, owner)
    finally:
        await smtp.stop()
    assert created["emailed"] is True
    [mail] = smtp.messages
    assert mail.recipients == [AGENT_EMAIL] and mail.message["Subject"] == "Join Acme Shoes on Sales bot"
    body = mail.message.get_content()
    assert created["invite_url"] in body and f"{owner.email} invites you" in body


# Removal and isolation --------------------------------------------------------------------------------------


async def test_removing_a_member_ends_their_sessions_streams_and_tokens_within_a_second(api: TestClient, owner: SignedUp) -> None:
    owner_app_of(api.app)[LIVE].poll_s = 0.05
    s = await shop(api, owner)
    second = await log_in(api, SignedUp(AGENT_EMAIL, AGENT_PASSWORD, owner.tenant_id, ""))
    streams = [await open_stream(api, s.agent), await open_stream(api, second)]
    owner_stream = await open_stream(api, await log_in(api, owner))
    agent_id = (await (await api.get("/api/me", headers=s.agent.cookie)).json())["owner"]["id"]
    # What happened before the removal has reached every page: what follows it must reach none of the member's.
    before = await a_conversation_moves(api, owner, "Dana Before")
    for stream in [*streams, owner_stream]:
        await event_about(stream, before)

    started = time.monotonic()
    removed = await api.delete(f"/api/team/members/{agent_id}", headers=owner.auth)
    assert removed.status == 200
    body = await removed.json()
    # The session the join opened and two logins, each with its API token.
    assert body["sessions_ended"] == 3 and body["tokens_revoked"] == 2
    await a_conversation_moves(api, owner, "Erin After")
    for stream in streams:
        await assert_ended_without_events(stream, started)
    assert time.monotonic() - started < ENDS_WITHIN_S
    for login in (s.agent, second):
        assert not await login.alive()
        assert (await api.get("/api/me", headers={"Authorization": f"Bearer {login.token}"})).status == 401
        assert (await api.get("/inbox", headers=login.cookie, allow_redirects=False)).status == 303  # to the login
    assert (await api.post("/api/login", json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD})).status == 401
    assert not owner_stream.content.at_eof()  # the owner's own stream goes on
    owner_stream.close()
    team = await (await api.get("/api/team", headers=owner.auth)).json()
    assert [m["email"] for m in team["members"]] == [owner.email]
    assert (await api.delete(f"/api/team/members/{agent_id}", headers=owner.auth)).status == 404
    owner_id = team["members"][0]["id"]
    assert (await api.delete(f"/api/team/members/{owner_id}", headers=owner.auth)).status == 409


async def test_a_business_never_touches_another_business_team(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    s = await shop(api, owner)
    agent_id = (await (await api.get("/api/me", headers=s.agent.cookie)).json())["owner"]["id"]
    pending = await invite(api, owner, "pat@example.com")
    their = await api.post(
        "/api/channels", json={"platform": "whatsapp", "account_id": "15550009", "access_token": "EAAB-rival"}, headers=rival.auth
    )
    assert their.status == 201
    theirs, _ = await convs.create_conversation(
        platform_of(api).db, rival.tenant_id, "whatsapp", "15550009", "4477", "Rival's customer"
    )

    # The other owner: the team of A is invisible and untouchable (404, never 403).
    assert [m["email"] for m in (await (await api.get("/api/team", headers=rival.auth)).json())["members"]] == [rival.email]
    assert (await api.delete(f"/api/team/members/{agent_id}", headers=rival.auth)).status == 404
    assert (await api.delete(f"/api/team/invites/{pending['id']}", headers=rival.auth)).status == 404
    assert (await api.get(URL(pending["invite_url"]).path)).status == 200  # still works for its business
    # A's agent: B's conversations are not found, through the API and the pages.
    bearer = {"Authorization": f"Bearer {s.agent.token}"}
    for path in (f"/api/conversations/{theirs.id}", f"/api/conversations/{theirs.id}/takeover"):
        method = "GET" if path.endswith(theirs.id) else "POST"
        assert (await api.request(method, path, headers=bearer)).status == 404, path
    assert (await api.get(f"/conversations/{theirs.id}", headers=s.agent.cookie)).status == 404
    listed = await (await api.get("/api/conversations", headers=bearer)).json()
    assert [c["id"] for c in listed["conversations"]] == [s.conversation_id]
    # Each business's link adds to its own team only.
    await agent_joins(api, rival, "rio@example.com")
    team_b = await (await api.get("/api/team", headers=rival.auth)).json()
    assert [m["email"] for m in team_b["members"]] == [rival.email, "rio@example.com"]
    team_a = await (await api.get("/api/team", headers=owner.auth)).json()
    assert [m["email"] for m in team_a["members"]] == [owner.email, AGENT_EMAIL]


async def test_the_owner_manages_the_team_on_its_page(api: TestClient, owner: SignedUp) -> None:
    await form_login(api, owner)
    page = await api.get("/team")
    html = await page.text()
    assert page.status == 200 and "Invite a salesperson" in html and owner.email in html
    csrf = hidden_token(html)
    bad = await api.post("/team/invites", data={"csrf_token": csrf, "email": "nope"})
    assert bad.status == 422 and 'id="f-email-error"' in await bad.text()
    made = await api.post("/team/invites", data={"csrf_token": csrf, "email": AGENT_EMAIL})
    html = await made.text()
    assert made.status == 200 and "data-copy" in html and ">Copy link<" in html
    link = re.search(r'id="invite-url" value="([^"]+)"', html)
    assert link and "/join/" in link.group(1)
    assert "Invitations not used yet" in html

    sid = api.session.cookie_jar.filter_cookies(api.make_url("/"))["sid"].value
    api.session.cookie_jar.clear()
    assert (await join(api, link.group(1))).status == 303
    api.session.cookie_jar.clear()
    headers = {"Cookie": f"sid={sid}"}
    team = await (await api.get("/team", headers=headers)).text()
    member = re.search(r'action="/team/members/([^/]+)/remove"', team)
    assert member and AGENT_EMAIL in team
    removed = await api.post(
        f"/team/members/{member.group(1)}/remove", data={"csrf_token": csrf}, headers=headers, allow_redirects=False
    )
    assert removed.status == 303 and removed.headers["Location"] == "/team?notice=member_removed"
    assert AGENT_EMAIL not in await (await api.get("/team", headers=headers)).text()


async def test_deleting_the_account_takes_the_team_along(api: TestClient, owner: SignedUp, rival: SignedUp) -> None:
    s = await shop(api, owner)
    await api.post(f"/api/conversations/{s.conversation_id}/takeover", headers={"Authorization": f"Bearer {s.agent.token}"})
    await invite(api, owner, "pat@example.com")
    await agent_joins(api, rival, "rio@example.com")
    deleted = await api.post("/api/account/delete", json={"password": owner.password}, headers=owner.auth)
    assert deleted.status == 200, await deleted.text()
    db = platform_of(api).db
    for collection in ("owners", "team_invites", "team_actions"):
        assert await db[collection].count_documents({"tenant_id": owner.tenant_id}) == 0, collection
    assert not await s.agent.alive()
    assert (await api.post("/api/login", json={"email": AGENT_EMAIL, "password": AGENT_PASSWORD})).status == 401
    # The other business keeps its team.
    assert await db.owners.count_documents({"tenant_id": rival.tenant_id}) == 2
