"""Fixtures: the embedded MongoDB-wire and Redis servers, started once per test session.

`MONGODB_URI` / `REDIS_URL` in the environment point the whole suite at real servers instead.
Each test gets its own database (a fresh name) and an emptied Redis database.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from pymongo import AsyncMongoClient

from bot.runtime.embedded import EmbeddedServer, start_mongo, start_redis
from knowledge.db import Db

# Real webhook bodies collected from other projects live beside the repository (`../shared/real-payloads`) in
# the workplace's CI, or wherever REAL_PAYLOADS_DIR points; a fresh clone without them skips those tests.
REAL_PAYLOADS = Path(os.environ.get("REAL_PAYLOADS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "real-payloads")


def pytest_report_header() -> list[str]:
    """Which stores the run uses: the embedded ones, or the servers MONGODB_URI / REDIS_URL name (their hosts only)."""
    from urllib.parse import urlsplit

    def where(variable: str, embedded: str) -> str:
        value = os.environ.get(variable, "")
        return f"{variable.split('_')[0].lower()} at {urlsplit(value).hostname}:{urlsplit(value).port}" if value else embedded

    return [f"stores: {where('MONGODB_URI', 'embedded nx-27017')}, {where('REDIS_URL', 'embedded redis-server')}"]


@pytest.fixture(scope="session")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="session")
def mongo_uri(server_dir: Path) -> Iterator[str]:
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    server: EmbeddedServer = asyncio.run(start_mongo(server_dir))
    yield server.uri
    server.stop()


@pytest.fixture(scope="session")
def redis_url(server_dir: Path) -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server: EmbeddedServer = asyncio.run(start_redis(server_dir))
    yield server.uri
    server.stop()


@pytest.fixture
def db_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def mongo_client(mongo_uri: str) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
async def db(mongo_client: AsyncMongoClient, db_name: str) -> AsyncIterator[Db]:
    database = mongo_client[db_name]
    yield database
    await mongo_client.drop_database(db_name)


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    await client.flushdb()
    yield client
    await client.aclose()


APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


@pytest.fixture
def make_settings(mongo_uri: str, redis_url: str, db_name: str, tmp_path: Path):
    """Settings for an app under test: the fixture servers, this test's database, Meta test secrets."""
    from bot.runtime.settings import load_settings

    def build(**overrides: object):
        values: dict[str, object] = {
            "mongodb_uri": mongo_uri,
            "redis_url": redis_url,
            "mongodb_db": db_name,
            "data_dir": tmp_path / "var",
            "secret_key": "test-secret-key-0123456789abcdef",
            "meta_app_id": "111222333",
            "meta_app_secret": APP_SECRET,
            "meta_verify_token": VERIFY_TOKEN,
            "groq_api_key": "",
            "reply_debounce_ms": 0,
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
async def api_graph(aiohttp_server):
    """The fake Graph API the `api` app talks to (it checks tokens when a channel is connected): (fake, base URL)."""
    from tests.fakes_meta import FakeGraph

    fake = FakeGraph()
    server = await aiohttp_server(fake.app())
    return fake, str(server.make_url("/v21.0"))


@pytest.fixture
async def api(aiohttp_client, make_settings, redis, api_graph):  # noqa: ARG001 # requested for what it sets up
    """A test client of the whole web app (no background worker), on this test's database."""
    from tests.whole_app import create_app

    app = create_app(make_settings(graph_api_url=api_graph[1]), run_worker=False)
    return await aiohttp_client(app)
