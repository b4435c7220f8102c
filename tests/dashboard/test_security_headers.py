"""Security headers on every response, cookies' flags, and pages that work under the strict CSP."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from aiohttp.test_utils import TestClient

from bot.conversations import store as convs
from dashboard.pages import VENDOR_FILES
from tests.dashboard.conftest import SignedUp, platform_of, sign_up
from tests.dashboard.test_facebook import app_client
from tests.dashboard.test_pages import form_login, hidden_token

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def assert_secure_headers(response, what: str) -> None:
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CSP, what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    assert headers.get("X-Frame-Options") == "DENY", what
    server = headers.get("Server", "")
    assert not any(ch.isdigit() for ch in server) and "aiohttp" not in server.lower(), (what, server)


async def test_every_kind_of_response_carries_the_headers(api: TestClient, owner: SignedUp) -> None:
    calls = [
        ("GET", "/", {}),  # login page
        ("GET", "/static/style.css", {}),  # a static file
        ("GET", "/static/playground.js", {}),
        ("GET", "/healthz", {}),
        ("GET", "/no-such-page", {}),  # the router's own 404
        ("GET", "/api/me", {}),  # 401 JSON
        ("GET", "/api/me", owner.auth),  # 200 JSON
        ("GET", "/api/openapi.json", {}),
        ("GET", "/webhooks/messenger?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", {}),
        ("POST", "/webhooks/messenger", {}),  # unsigned: 403
        ("POST", "/login", {}),  # a form without its token
    ]
    for method, path, headers in calls:
        response = await api.request(method, path, headers=headers, allow_redirects=False)
        assert_secure_headers(response, f"{method} {path} → {response.status}")
    assert (await api.get("/api/me", headers=owner.auth)).headers["Cache-Control"] == "no-store"


def directives(policy: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))}


async def test_no_page_may_embed_plugins_or_move_its_base(api: TestClient, owner: SignedUp) -> None:
    """`object-src 'none'`: no <object> or <embed> runs a plugin; `base-uri 'self'`: an injected <base> cannot send
    the page's relative links and scripts elsewhere."""
    paths = ["/", "/login", "/signup", "/static/style.css", "/api/me", "/no-such-page"]
    await form_login(api, owner)
    paths += ["/dashboard", "/inbox", "/leads", "/settings", "/campaigns", "/api/tokens"]
    for path in paths:
        response = await api.get(path, allow_redirects=False)
        policy = directives(response.headers["Content-Security-Policy"])
        assert policy["object-src"] == "'none'", path
        assert policy["base-uri"] == "'self'", path


@pytest.mark.usefixtures("redis")
async def test_https_public_url_adds_hsts_and_secure_cookies(aiohttp_client, make_settings) -> None:
    api = await app_client(aiohttp_client, make_settings)  # PUBLIC_URL https://bot.example.com
    owner = await sign_up(api, "owner@example.com")
    page = await api.get("/login")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert page.cookies["pre_sid"]["secure"] is True and page.cookies["pre_sid"]["httponly"] is True
    response = await api.post("/api/login", json={"email": owner.email, "password": owner.password})
    cookie = response.cookies["sid"]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"


async def test_plain_http_public_url_has_no_hsts_nor_secure_cookies(api: TestClient, owner: SignedUp) -> None:
    response = await api.post("/api/login", json={"email": owner.email, "password": owner.password})
    cookie = response.cookies["sid"]
    assert not cookie["secure"] and cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert "Strict-Transport-Security" not in response.headers


class InlineCode(HTMLParser):
    """Whatever the CSP would block in a page: inline scripts and styles, event attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "style":
            self.found.append("<style> block")
        if tag == "script":
            if values.get("src"):
                self.scripts.append(values["src"] or "")
            elif values.get("type") != "application/json":
                self.found.append("inline <script>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {name}")


async def test_pages_hold_nothing_the_csp_blocks(api: TestClient, owner: SignedUp) -> None:
    pages = {"login": await (await api.get("/login")).text(), "landing": await (await api.get("/")).text()}
    conversation = await convs.get_or_create_conversation(
        platform_of(api).db, owner.tenant_id, "facebook", "55", "PSID_1", "Dana"
    )
    await form_login(api, owner)
    for name, path in (
        ("overview", "/dashboard"),
        ("playground", "/playground"),
        ("conversation", f"/conversations/{conversation.id}"),
        ("not found", "/conversations/nothing"),
    ):
        pages[name] = await (await api.get(path)).text()
    scripts: set[str] = set()
    for name, html in pages.items():
        parser = InlineCode()
        parser.feed(html)
        assert parser.found == [], name
        scripts.update(parser.scripts)
    assert "/static/playground.js" in scripts
    for src in scripts:  # every script a page loads is served by the platform itself
        assert src.startswith("/static/")
        vendor = VENDOR_FILES.get(src.removeprefix("/static/vendor/")) if src.startswith("/static/vendor/") else None
        if vendor is not None and not vendor.is_file():
            continue  # a browser library not installed on this machine (npm ci): the page shows its table instead
        assert (await api.get(src)).status == 200
    assert hidden_token(pages["overview"])
