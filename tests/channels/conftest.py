from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest

from channels.graph import GraphClient
from tests.channels.graph_server import ScriptedGraph


@dataclass
class RecordedSleep:
    """Stands in for asyncio.sleep in the Graph client: records each backoff instead of waiting."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass
class GraphRig:
    fake: ScriptedGraph
    client: GraphClient
    sleeps: RecordedSleep
    base_url: str


@pytest.fixture
async def graph_rig(aiohttp_server) -> AsyncIterator[GraphRig]:
    fake = ScriptedGraph()
    server = await aiohttp_server(fake.app())
    base_url = str(server.make_url("/v21.0"))
    sleeps = RecordedSleep()
    async with aiohttp.ClientSession() as session:
        client = GraphClient(session, base_url, timeout_s=2.0, max_attempts=4, base_delay_s=0.5, sleep=sleeps)
        yield GraphRig(fake, client, sleeps, base_url)
