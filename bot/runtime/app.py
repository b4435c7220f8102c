"""The web application: webhooks, operations endpoints, a worker, and the owner-facing extensions.

The runtime never names `dashboard/`: the owner API and pages plug in as *extensions*, callables handed to
`create_app` by the process's entry and called with the app before it starts (see `bot/runtime/host.py`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import BusyLoadingError

from bot.inbound.stream import InboundStream
from bot.inbound.worker import Worker
from bot.log_context import request_id_var, tenant_id_var
from bot.runtime.embedded import EmbeddedServer
from bot.runtime.engine import build_engine, close_model
from bot.runtime.follow_up_loop import follow_ups_running
from bot.runtime.host import ENGINE, INBOUND, SERVICES, SETTINGS, STARTUP_LINES, Extension, StartupLines
from bot.runtime.housekeeping import chores_running
from bot.runtime.logs import quiet_parser_noise
from bot.runtime.services import open_services
from bot.runtime.settings import Settings
from channels.webhooks import WebhookConfig, setup_webhook_routes
from knowledge.language import warm_up

log = logging.getLogger(__name__)


@web.middleware
async def request_context(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
    request_token = request_id_var.set(request_id)
    tenant_token = tenant_id_var.set("")
    try:
        response = await handler(request)
        response.headers["X-Request-Id"] = request_id
        return response
    finally:
        request_id_var.reset(request_token)
        tenant_id_var.reset(tenant_token)


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _why_down(exc: BaseException, server: EmbeddedServer | None) -> str:
    if server is not None and server.state == "restarting":
        return f"down: the embedded server is restarting (restarts so far: {server.restarts})"
    if isinstance(exc, BusyLoadingError):
        return "down: loading its data"
    if isinstance(exc, asyncio.TimeoutError):
        return "down: no answer within 2 s"
    return f"down: {type(exc).__name__}"


async def readyz(request: web.Request) -> web.Response:
    """Ready when MongoDB and Redis both answer; otherwise 503 naming the store that is down (`down`) and why."""
    services = request.app[SERVICES]
    embedded = {server.name: server for server in services.servers.embedded}
    probes: dict[str, tuple[Callable[[], Awaitable[object]], str]] = {
        "mongodb": (lambda: services.db.command("ping"), "mongo"),
        "redis": (services.redis.ping, "redis"),
    }
    checks: dict[str, str] = {}
    down: list[str] = []
    for name, (probe, server_name) in probes.items():
        try:
            await asyncio.wait_for(probe(), 2)
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 # any failure means not ready; say which store and why
            checks[name] = _why_down(exc, embedded.get(server_name))
            down.append(name)
    checks["llm"] = "groq" if services.settings.groq_api_key else "offline responder"
    body = {"status": "not ready" if down else "ready", "down": down, "checks": checks}
    return web.json_response(body, status=503 if down else 200)


async def metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[SERVICES].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def create_app(
    settings: Settings,
    *,
    run_worker: bool = True,
    extensions: Sequence[Extension] = (),
) -> web.Application:
    """The platform's own app (webhooks, operations endpoints, a worker), with `extensions` plugged in."""
    quiet_parser_noise()
    # Webhook bodies are read by the channel routes with their own 3 MB limit; owner uploads by theirs.
    app = web.Application(middlewares=[request_context], client_max_size=12 * 1024 * 1024)
    app[SETTINGS] = settings
    app[STARTUP_LINES] = StartupLines()

    async def platform_ctx(app: web.Application) -> AsyncIterator[None]:
        started = time.monotonic()
        async with open_services(settings) as services:
            app[SERVICES] = services
            app[ENGINE] = build_engine(services)
            inbound = InboundStream(services.redis)
            await inbound.ensure_group()
            app[INBOUND] = inbound
            log.info("platform ready", extra={"seconds": round(time.monotonic() - started, 3)})
            try:
                yield
            finally:
                await close_model(app[ENGINE])

    async def worker_ctx(app: web.Application) -> AsyncIterator[None]:
        worker = Worker(
            app[INBOUND],
            app[ENGINE].dispatcher,
            app[SERVICES].metrics,
            name=f"serve-{uuid.uuid4().hex[:6]}",
            gate=app[ENGINE].gate,
            concurrency=settings.worker_concurrency,
            read_ahead=settings.worker_read_ahead,
        )
        async with chores_running(app[SERVICES]):
            # Language models load in a thread while the worker starts: the first customer does not wait for them.
            warming = asyncio.create_task(asyncio.to_thread(warm_up), name="language models")
            task = asyncio.create_task(worker.run(), name="worker")
            async with follow_ups_running(app[SERVICES], app[ENGINE], after=warming):
                yield
            await worker.stop()
            await task
            await warming

    app.cleanup_ctx.append(platform_ctx)
    if run_worker:
        app.cleanup_ctx.append(worker_ctx)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)

    setup_webhook_routes(
        app,
        WebhookConfig(app_secret=settings.meta_app_secret, verify_token=settings.meta_verify_token),
        sink=_LazySink(app),
    )
    for extension in extensions:
        extension(app)
    return app


class _LazySink:
    """Hands accepted deliveries to the inbound stream, which exists once the app has started."""

    def __init__(self, app: web.Application) -> None:
        self._app = app

    async def accept(self, channel: str, raw_body: bytes, received_at_ms: int, payload: dict[str, Any] | None = None) -> None:
        await self._app[INBOUND].accept(channel, raw_body, received_at_ms, payload)
