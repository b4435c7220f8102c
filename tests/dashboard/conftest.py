"""Owners signed up through the API, for the dashboard tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from dashboard.context import DASHBOARD
from dashboard.passwords import Passwords
from tests.whole_app import owner_app_of


@dataclass(frozen=True)
class SignedUp:
    email: str
    password: str
    tenant_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def sign_up(api: TestClient, email: str, password: str = "correct horse battery", business: str = "Acme Shoes") -> SignedUp:
    response = await api.post("/api/signup", json={"email": email, "password": password, "business_name": business})
    assert response.status == 201, await response.text()
    body = await response.json()
    return SignedUp(email=email, password=password, tenant_id=body["tenant_id"], token=body["api_token"])


@pytest.fixture
async def api(api: TestClient) -> TestClient:
    """The whole app, with argon2id at its cheapest settings: the same code path, milliseconds per hash."""
    owner_app_of(api.app)[DASHBOARD].passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return api


@pytest.fixture
async def owner(api: TestClient) -> SignedUp:
    return await sign_up(api, "owner@example.com", business="Acme Shoes")


@pytest.fixture
async def rival(api: TestClient) -> SignedUp:
    return await sign_up(api, "rival@example.com", password="another secret pw", business="Rival Boots")


def platform_of(api: TestClient):
    from bot.runtime.host import SERVICES

    return api.app[SERVICES]
