"""Plugs the owner API and pages into the platform's web app: the `OwnerSide` the process's entry hands the runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bot.runtime.host import SERVICES, SETTINGS, OwnerSide
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
from dashboard.api.operations import add_api
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
    leo,
    bot_settings,
    quality,
    team,
    openapi,
)


async def _dashboard_ctx(app: web.Application) -> AsyncIterator[None]:
    # Runs after the platform's own context (registered earlier), so the database is open here.
    await ensure_indexes(app[SERVICES].db)
    await leo_threads.ensure_indexes(app[SERVICES].db)
    s = app[SETTINGS]
    leo_model = build_leo_model(s.groq_api_key, s.groq_model, s.groq_base_url, s.groq_timeout_s) if s.groq_api_key else None
    state = DashboardState(passwords=Passwords(), leo_model=leo_model)
    app[DASHBOARD] = state
    app[RATE_LIMITER] = RateLimiter.on(app[SERVICES].redis)
    yield
    state.passwords.close()


def setup_dashboard(app: web.Application) -> None:
    # Errors outermost, so a refused login or a bad token is rendered as JSON too.
    app.middlewares.append(error_middleware)
    app.middlewares.append(browser_language)
    app.middlewares.append(auth_middleware)
    # After the login check, which names the API's caller; pages are read from their session cookie.
    app.middlewares.append(owner_language)
    # After the login check, before any handler: what the caller's role may use (`dashboard/team/policy.py`).
    app.middlewares.append(role_guard)
    setup_security_headers(app)
    add_api(app, *(module.routes for module in ROUTE_MODULES))
    setup_pages(app)
    app.cleanup_ctx.append(_dashboard_ctx)
    setup_alerts(app)


# The demo tenant belongs to the owner side (login, tenant), so the dashboard seeds it.
OWNER_SIDE = OwnerSide(serve=(setup_dashboard,), demo=(setup_dashboard, setup_demo))
