"""Connecting a channel while Meta cannot be reached says so, in words, on the page and in the API: nothing the
owner typed is wrong, so no field is blamed."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bot.runtime.embedded import free_port
from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from tests.dashboard.conftest import sign_up
from tests.dashboard.test_pages import form_login, hidden_token
from tests.whole_app import create_app, owner_app_of

UNREACHABLE = "Facebook could not be reached to check this access token. Nothing was saved; try again in a minute."


@pytest.mark.usefixtures("redis")
async def test_connecting_while_meta_is_unreachable_says_facebook_could_not_be_reached(aiohttp_client, make_settings) -> None:
    api = await aiohttp_client(create_app(make_settings(graph_api_url=f"http://127.0.0.1:{free_port()}/v21.0"), run_worker=False))
    owner_app_of(api.app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    owner = await sign_up(api, "offline-page@example.com")

    response = await api.post(
        "/api/channels",
        json={"platform": "facebook", "account_id": "102030", "access_token": "EAAtoken123456"},
        headers=owner.auth,
    )
    assert response.status == 502
    error = (await response.json())["error"]
    assert error["message"] == UNREACHABLE and "fields" not in error

    await form_login(api, owner)
    token = hidden_token(await (await api.get("/integrations")).text())
    page = await api.post(
        "/integrations/connect",
        data={"platform": "facebook", "account_id": "102030", "access_token": "EAAtoken123456", "csrf_token": token},
    )
    html = await page.text()
    assert page.status == 422
    assert UNREACHABLE in html
    assert "Please fix" not in html and "aria-invalid" not in html
