"""The owner side as its own aiohttp application (API, pages, Leo, team), nested at the root of the platform's:
the `OwnerSide` the process's entry hands the runtime. Its middlewares run for its own requests only, never for
webhooks or the operations endpoints (see `bot/runtime/host.py`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bot.outbound_webhooks.payloads import EVENTS as OUTBOUND_EVENTS
from bot.outbound_webhooks.payloads import SIGNATURE_HEADERS
from bot.runtime.host import DATABASE, REDIS, SETTINGS, OwnerSide, mount_at_root
from dashboard.alerts import setup_alerts
from dashboard.api import (
    account,
    ads,
    analytics,
    auth,
    bot_settings,
    campaigns,
    channels,
    comments,
    conversations,
    crm_webhooks,
    facebook,
    knowledge,
    leads,
    leo,
    meta_conversions,
    onboarding,
    openapi,
    quality,
    team,
)
from dashboard.api.operations import API, add_api
from dashboard.auth import auth_middleware
from dashboard.context import DASHBOARD, DashboardState
from dashboard.demo import setup_demo
from dashboard.errors import error_middleware
from dashboard.headers import setup_security_headers
from dashboard.leo import threads as leo_threads
from dashboard.leo.model import build_leo_model
from dashboard.pages import setup_pages
from dashboard.passwords import Passwords
from dashboard.ratelimit import RATE_LIMITER, RateLimiter
from dashboard.request_language import browser_language, owner_language
from dashboard.store import ensure_indexes
from dashboard.team.role_guard import role_guard

ROUTE_MODULES = (
    auth,
    account,
    onboarding,
    knowledge,
    campaigns,
    channels,
    facebook,
    conversations,
    leads,
    analytics,
    ads,
    comments,
    meta_conversions,
    crm_webhooks,
    leo,
    bot_settings,
    quality,
    team,
    openapi,
)


async def _dashboard_ctx(app: web.Application) -> AsyncIterator[None]:
    # Runs after the platform's own context (registered earlier), so the database is open here.
    await ensure_indexes(app[DATABASE])
    await leo_threads.ensure_indexes(app[DATABASE])
    s = app[SETTINGS]
    leo_model = build_leo_model(s.groq_api_key, s.groq_model, s.groq_base_url, s.groq_timeout_s) if s.groq_api_key else None
    state = DashboardState(passwords=Passwords(), leo_model=leo_model)
    app[DASHBOARD] = state
    app[RATE_LIMITER] = RateLimiter.on(app[REDIS])
    yield
    state.passwords.close()


def owner_app(platform: web.Application, *, demo: bool = False) -> web.Application:
    """The owner side's own app. Errors outermost, so a refused login or a bad token is rendered as JSON too; the
    language after the login check, which names the API's caller (pages are read from their session cookie); the
    role guard after both, before any handler: what the caller's role may use (`dashboard/team/policy.py`)."""
    owner = web.Application(middlewares=[error_middleware, browser_language, auth_middleware, owner_language, role_guard])
    add_api(owner, *(module.routes for module in ROUTE_MODULES))
    owner[API].webhooks.update(OUTBOUND_EVENTS)
    owner[API].webhook_headers.update(SIGNATURE_HEADERS)
    setup_pages(owner)
    owner.cleanup_ctx.append(_dashboard_ctx)
    setup_alerts(owner)
    if demo:
        setup_demo(owner)
    # On the platform's app, so every response carries them: webhooks, health and the router's own 404s too.
    setup_security_headers(platform)
    return owner


def serve_owner_side(platform: web.Application) -> None:
    mount_at_root(platform, owner_app(platform))


def serve_owner_side_with_demo(platform: web.Application) -> None:
    mount_at_root(platform, owner_app(platform, demo=True))


# The demo tenant belongs to the owner side (login, tenant), so the dashboard seeds it.
OWNER_SIDE = OwnerSide(serve=(serve_owner_side,), demo=(serve_owner_side_with_demo,))
