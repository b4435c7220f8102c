"""Typed keys for what the dashboard keeps on the app and on each request, and one reader per dependency the
owner side takes from the runtime (each its own key on the owner's app: see `bot/runtime/host.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from langchain_core.language_models import BaseChatModel

from bot.clock import Clock
from bot.outbound_webhooks.transport import DeliveryRules
from bot.runtime.host import (
    CIPHER,
    CLOCK,
    DATABASE,
    DNS,
    ENGINE,
    GRAPH,
    HTTP,
    KNOWLEDGE,
    REDIS,
    SETTINGS,
    Engine,
    Settings,
)
from channels.crypto import TokenCipher
from channels.graph import GraphClient
from dashboard.passwords import Passwords
from dashboard.sessions import Session
from knowledge.db import Db
from knowledge.retrieval import KnowledgeIndex


@dataclass(frozen=True)
class Identity:
    """Who is calling: the tenant every query of this request is filtered on."""

    tenant_id: str
    owner_id: str
    via: Literal["token", "session"]
    token_hash: str = ""
    session_id: str = ""
    session: Session | None = None


@dataclass
class DashboardState:
    passwords: Passwords
    # Leo's chat model (None: no Groq key, the offline analyst answers).
    leo_model: BaseChatModel | None = None


DASHBOARD = web.AppKey("dashboard", DashboardState)
IDENTITY = web.RequestKey("identity", Identity)


def db_of(request: web.Request) -> Db:
    return request.app[DATABASE]


def redis_of(request: web.Request) -> aioredis.Redis:
    return request.app[REDIS]


def clock_of(request: web.Request) -> Clock:
    return request.app[CLOCK]


def settings_of(request: web.Request) -> Settings:
    return request.app[SETTINGS]


def graph_of(request: web.Request) -> GraphClient:
    return request.app[GRAPH]


def cipher_of(request: web.Request) -> TokenCipher:
    return request.app[CIPHER]


def knowledge_of(request: web.Request) -> KnowledgeIndex:
    return request.app[KNOWLEDGE]


def http_of(request: web.Request) -> aiohttp.ClientSession:
    return request.app[HTTP]


def engine(request: web.Request) -> Engine:
    return request.app[ENGINE]


def identity(request: web.Request) -> Identity:
    return request[IDENTITY]


def tenant_id(request: web.Request) -> str:
    return request[IDENTITY].tenant_id


def webhook_rules_of(request: web.Request) -> DeliveryRules:
    """Where this business's outbound webhooks may go, by the process's settings."""
    s = settings_of(request)
    return DeliveryRules(request.app[DNS], allow_private=s.outbound_webhooks_allow_private, require_https=s.webhooks_need_https)
