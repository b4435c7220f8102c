"""Webhook and callback addresses shown to the owner: PUBLIC_URL when set, else where the server really listens."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from bot.runtime.host import SERVE_URL
from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from dashboard.public_url import serve_base
from tests.dashboard.conftest import sign_up
from tests.dashboard.test_pages import form_login
from tests.whole_app import create_app, owner_app_of


@pytest.mark.parametrize(
    ("serve_url", "seen", "base"),
    [
        ("http://127.0.0.1:8765", "localhost", "http://127.0.0.1:8765"),
        ("http://0.0.0.0:9000", "shop.example.com", "http://shop.example.com:9000"),
        ("http://0.0.0.0:9000", "", "http://127.0.0.1:9000"),
        ("http://:::9000", "::1", "http://[::1]:9000"),
        ("http://::1:9000", "", "http://[::1]:9000"),
    ],
)
def test_the_listening_address_as_a_base_url(serve_url: str, seen: str, base: str) -> None:
    assert serve_base(serve_url, seen) == base


async def channels_page(aiohttp_client, make_settings, redis, serve_url: str = "", **settings: object) -> str:  # noqa: ARG001 # asked for so the test's Redis is flushed first
    app = create_app(make_settings(**settings), run_worker=False)
    if serve_url:
        app[SERVE_URL] = serve_url
    api = await aiohttp_client(app)
    owner_app_of(app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    await form_login(api, await sign_up(api, "owner@example.com"))
    return await (await api.get("/integrations")).text()


def shown_urls(html: str) -> list[str]:
    return re.findall(r"<code>(https?://[^<]+)</code>", html)


async def test_without_public_url_the_real_port_is_shown(aiohttp_client, make_settings, redis) -> None:
    html = await channels_page(aiohttp_client, make_settings, redis, serve_url="http://127.0.0.1:8765")
    urls = shown_urls(html)
    assert "http://127.0.0.1:8765/webhooks/messenger" in urls
    assert "http://127.0.0.1:8765/webhooks/whatsapp" in urls
    assert not any(":8080" in url for url in urls)


async def test_public_url_wins_when_set(aiohttp_client, make_settings, redis) -> None:
    html = await channels_page(
        aiohttp_client, make_settings, redis, serve_url="http://127.0.0.1:8765", public_url="http://bot.example.com:8000"
    )
    urls = shown_urls(html)
    assert "http://bot.example.com:8000/webhooks/instagram" in urls
    assert "http://bot.example.com:8000/api/integrations/facebook/callback" in urls
    assert not any("8765" in url for url in urls)
