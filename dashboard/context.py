"""Typed keys for what the dashboard keeps on the app and on each request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aiohttp import web
from langchain_core.language_models import BaseChatModel

from bot.runtime.host import ENGINE, SERVICES, Engine, Services
from dashboard.passwords import Passwords
from dashboard.sessions import Session


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


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def engine(request: web.Request) -> Engine:
    return request.app[ENGINE]


def identity(request: web.Request) -> Identity:
    return request[IDENTITY]


def tenant_id(request: web.Request) -> str:
    return request[IDENTITY].tenant_id
