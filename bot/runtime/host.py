"""The one door from the owner side into the process: what `dashboard/` may read off the web app, and how it
plugs in.

The runtime never names `dashboard/`. The process's entry (`bot/__main__.py`) hands the runtime an `OwnerSide`
(the extensions to call on the app before it starts); the owner side reads the process's parts through the
app keys below and the types they hold, and imports nothing else of the runtime.

The owner side is an aiohttp application of its own, nested in the platform's (`mount_at_root`), with its own
middlewares and signals: webhooks and the operations endpoints never run the owner's sessions, CSRF, login, role
or language middlewares. Its URLs live at the root, where `add_subapp` cannot mount (a prefix is required), so it
is nested as `add_domain` nests a domain's app, with a rule instead of a domain: every path the platform's own
routes do not claim. Its dependencies are one typed key each (`DATABASE`, `REDIS`, `CLOCK`, …), copied onto it from
the opened services as it starts (`share_platform_parts`), so a handler takes what it uses, not the whole `Services`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import partial

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from aiohttp.web_urldispatcher import AbstractRuleMatching, MatchedSubAppResource

from bot.clock import Clock
from bot.inbound.stream import InboundStream
from bot.outbound_webhooks.transport import HostResolver
from bot.runtime.engine import Engine
from bot.runtime.services import Services
from bot.runtime.settings import Settings
from channels.crypto import TokenCipher
from channels.graph import GraphClient
from knowledge.db import Db
from knowledge.retrieval import KnowledgeIndex

SERVICES = web.AppKey("services", Services)
ENGINE = web.AppKey("engine", Engine)
SETTINGS = web.AppKey("settings", Settings)
INBOUND = web.AppKey("inbound", InboundStream)
SERVE_URL = web.AppKey("serve_url", str)  # where this process listens, for start-up messages

# One key per dependency the owner side uses, set on its own app as it starts.
DATABASE = web.AppKey("database", Db)
REDIS = web.AppKey("redis", aioredis.Redis)
CLOCK = web.AppKey("clock", Clock)
HTTP = web.AppKey("http", aiohttp.ClientSession)
GRAPH = web.AppKey("graph", GraphClient)
CIPHER = web.AppKey("cipher", TokenCipher)
KNOWLEDGE = web.AppKey("knowledge", KnowledgeIndex)
DNS = web.AppKey("dns", HostResolver)


# Lines extensions want printed once the server listens (the demo's URLs and login).
@dataclass
class StartupLines:
    lines: list[str] = field(default_factory=list)


STARTUP_LINES = web.AppKey("startup_lines", StartupLines)

# Called with the app before it starts: adds routes, middlewares and cleanup contexts.
Extension = Callable[[web.Application], None]


@dataclass(frozen=True)
class OwnerSide:
    """What plugs into the web app beside the webhooks: for `serve`, and for `demo` (which also seeds)."""

    serve: tuple[Extension, ...] = ()
    demo: tuple[Extension, ...] = ()


class _NotThePlatformsPath(AbstractRuleMatching):
    """Matches every request no route of the platform's own app claims (by path, whatever the method, so a wrong
    method on a webhook stays the platform's 405)."""

    def __init__(self, platform: web.Application) -> None:
        self._platform = platform
        self._fixed: frozenset[str] | None = None

    async def match(self, request: web.Request) -> bool:
        # Every request asks this first, a webhook included: a fixed path of the platform's (the webhooks, the
        # operations endpoints) is answered by one lookup instead of a walk through every resource.
        if request.rel_url.path_safe in self._fixed_paths():
            return False
        for resource in self._platform.router.resources():
            if isinstance(resource, MatchedSubAppResource):
                continue
            found, allowed = await resource.resolve(request)
            if found is not None or allowed:
                return False
        return True

    def _fixed_paths(self) -> frozenset[str]:
        """The paths of the platform's fixed resources that have routes (each claims its path, whatever the
        method); kept once the router is frozen, when no route can be added any more."""
        if self._fixed is not None:
            return self._fixed
        router = self._platform.router
        paths = frozenset(r.canonical for r in router.resources() if isinstance(r, web.PlainResource) and len(r))
        if router.frozen:
            self._fixed = paths
        return paths

    def get_info(self) -> dict[str, str]:  # type: ignore[override]
        return {"rule": "every path the platform's routes do not claim"}

    @property
    def canonical(self) -> str:
        return "/"


def mount_at_root(platform: web.Application, owner: web.Application) -> None:
    """Nest `owner` in `platform` at the root. aiohttp's own nesting (the one `add_domain` uses): the owner app's
    middlewares and signals run only for its requests, its start-up and clean-up follow the platform's."""
    owner.cleanup_ctx.insert(0, partial(_share_platform_parts, platform))
    platform._add_subapp(partial(MatchedSubAppResource, _NotThePlatformsPath(platform), owner), owner)


async def _share_platform_parts(platform: web.Application, owner: web.Application) -> AsyncIterator[None]:
    """The opened parts the owner side uses, one key each (the platform's context has opened them by now)."""
    services = platform[SERVICES]
    owner[DATABASE] = services.db
    owner[REDIS] = services.redis
    owner[CLOCK] = services.clock
    owner[HTTP] = services.http
    owner[GRAPH] = services.graph
    owner[CIPHER] = services.cipher
    owner[KNOWLEDGE] = services.knowledge
    owner[DNS] = services.dns
    owner[SETTINGS] = platform[SETTINGS]
    owner[ENGINE] = platform[ENGINE]
    owner[INBOUND] = platform[INBOUND]
    owner[STARTUP_LINES] = platform[STARTUP_LINES]
    if SERVE_URL in platform:
        owner[SERVE_URL] = platform[SERVE_URL]
    yield


__all__ = [
    "CIPHER",
    "CLOCK",
    "DATABASE",
    "DNS",
    "GRAPH",
    "HTTP",
    "KNOWLEDGE",
    "REDIS",
    "ENGINE",
    "INBOUND",
    "SERVE_URL",
    "SERVICES",
    "SETTINGS",
    "STARTUP_LINES",
    "Engine",
    "HostResolver",
    "Extension",
    "InboundStream",
    "OwnerSide",
    "Services",
    "Settings",
    "StartupLines",
    "mount_at_root",
]
