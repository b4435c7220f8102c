"""`GET/PUT /api/settings/bot`: the engine settings an owner controls."""

from __future__ import annotations

from aiohttp import web

from bot.sales.bot_settings import EngineSettings, get_engine_settings, save_engine_settings
from dashboard.api.operations import ApiRoutes
from dashboard.context import platform, tenant_id

routes = ApiRoutes()


@routes.get("/api/settings/bot")
async def get_bot_settings(request: web.Request) -> EngineSettings:
    """Engine settings: how long the bot stays quiet after a person answers."""
    return await get_engine_settings(platform(request).db, tenant_id(request))


@routes.put("/api/settings/bot")
async def put_bot_settings(request: web.Request, body: EngineSettings) -> EngineSettings:
    """Change the engine settings."""
    return await save_engine_settings(platform(request).db, tenant_id(request), body)
