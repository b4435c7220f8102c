"""Customer names from Graph's user profile: only a customer id of digits ever becomes a Graph path."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import pytest

from channels.accounts import ChannelAccount
from channels.crypto import TokenCipher
from channels.customer_names import CustomerNames
from tests.channels.graph_server import ScriptedGraph

CIPHER = TokenCipher("names-secret-key-0123456789")


def _account(platform: str = "facebook") -> ChannelAccount:
    now = datetime.now(UTC)
    return ChannelAccount(
        id="c1",
        tenant_id="t1",
        platform=platform,
        account_id="1234",
        token_encrypted=CIPHER.encrypt("EAApage"),
        status="connected",
        name="Page",
        connected_at=now,
        updated_at=now,
    )


@pytest.fixture
async def rig(aiohttp_server, redis):
    graph = ScriptedGraph()
    graph.on("GET", "/24680", {"first_name": "Ana", "last_name": "Lima", "id": "24680"})
    server = await aiohttp_server(graph.app())
    async with aiohttp.ClientSession() as http:
        yield graph, CustomerNames(redis, http, str(server.make_url("/v21.0")), CIPHER)


async def test_a_numeric_customer_id_is_looked_up(rig) -> None:
    graph, names = rig
    assert await names.lookup(_account(), "24680") == "Ana Lima"
    assert [call.path for call in graph.calls] == ["/24680"]


@pytest.mark.parametrize("crafted", ["../x", "me/accounts", "1234/subscribed_apps", "24680?fields=access_token", "", "me"])
async def test_a_crafted_customer_id_never_reaches_graph(rig, crafted: str) -> None:
    graph, names = rig
    assert await names.lookup(_account(), crafted) == ""
    assert graph.calls == []
