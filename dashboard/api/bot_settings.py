"""`GET/PUT /api/settings/bot`: the bot settings an owner controls (time zone, pause after a person answers)."""

from __future__ import annotations

from aiohttp import web

from bot.conversations.bot_settings import BotSettings, get_bot_settings, save_bot_settings
from dashboard.api.operations import ApiRoutes
from dashboard.context import db_of, tenant_id

routes = ApiRoutes()


@routes.get("/api/settings/bot")
async def read_settings(request: web.Request) -> BotSettings:
    """Bot settings: the business's time zone, and how long the bot stays quiet after a person answers."""
    return await get_bot_settings(db_of(request), tenant_id(request))


@routes.put("/api/settings/bot")
async def replace_settings(request: web.Request, body: BotSettings) -> BotSettings:
    """Change the bot settings."""
    return await save_bot_settings(db_of(request), tenant_id(request), body)
