"""The owner side is an aiohttp application of its own: its middlewares never run for webhooks or the operations
endpoints, and its URLs stay where they were."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from dashboard import web as owner_web
from tests.e2e.conftest import messenger_text, signed
from tests.whole_app import create_app, owner_app_of

OWNER_MIDDLEWARES = ("error_middleware", "browser_language", "auth_middleware", "owner_language", "role_guard")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Each owner middleware, wrapped so it notes the paths it ran for (and then does what it always does)."""
    paths: dict[str, list[str]] = {name: [] for name in OWNER_MIDDLEWARES}
    for name in OWNER_MIDDLEWARES:
        original = getattr(owner_web, name)

        def spy(original=original, noted=paths[name]):
            @web.middleware
            async def noting(request: web.Request, handler: Handler) -> web.StreamResponse:
                noted.append(request.path)
                return await original(request, handler)

            return noting

        monkeypatch.setattr(owner_web, name, spy())
    return paths


@pytest.mark.usefixtures("redis")
async def test_a_webhook_runs_none_of_the_owner_middlewares(aiohttp_client, make_settings, seen) -> None:
    client = await aiohttp_client(create_app(make_settings(), run_worker=False))
    raw, headers = signed(messenger_text("hello"))
    # A cookie and a cross-site origin the owner side would look at: the webhook never shows them to it.
    headers |= {"Cookie": "session=forged", "Origin": "https://elsewhere.example"}
    assert (await client.post("/webhooks/messenger", data=raw, headers=headers)).status == 200
    assert (await client.get("/healthz")).status == 200
    assert (await client.put("/webhooks/messenger")).status == 405  # the platform's route, wrong method
    assert all(paths == [] for paths in seen.values()), seen

    assert (await client.get("/login")).status == 200
    assert (await client.get("/api/me")).status == 401
    assert (await client.get("/no-such-page")).status == 404  # rendered by the owner side, as before
    # The owner's requests do meet them (the outermost every time; a refused login stops the rest).
    assert seen["error_middleware"] == ["/login", "/api/me", "/no-such-page"]
    assert all(paths[0] == "/login" for paths in seen.values()), seen


@pytest.mark.usefixtures("redis")
async def test_the_owner_side_holds_one_key_per_dependency(aiohttp_client, make_settings) -> None:
    from bot.runtime.host import CIPHER, CLOCK, DATABASE, GRAPH, KNOWLEDGE, REDIS, SERVICES

    client = await aiohttp_client(create_app(make_settings(), run_worker=False))
    platform, owner = client.app, owner_app_of(client.app)
    services = platform[SERVICES]
    assert (owner[DATABASE], owner[REDIS], owner[CLOCK]) == (services.db, services.redis, services.clock)
    assert (owner[GRAPH], owner[CIPHER], owner[KNOWLEDGE]) == (services.graph, services.cipher, services.knowledge)
    assert owner is not platform and not set(owner.middlewares) & set(platform.middlewares)
