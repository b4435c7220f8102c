"""`GET/PUT /api/settings/bot`: the bot settings an owner controls (time zone, pause after a person answers)."""

from __future__ import annotations

from aiohttp import web

from bot.sales.bot_settings import BotSettings, get_bot_settings, save_bot_settings
from dashboard.context import services, tenant_id
from dashboard.errors import read_model

routes = web.RouteTableDef()


@routes.get("/api/settings/bot")
async def read_settings(request: web.Request) -> web.Response:
    return web.json_response((await get_bot_settings(services(request).db, tenant_id(request))).model_dump())


@routes.put("/api/settings/bot")
async def replace_settings(request: web.Request) -> web.Response:
    body = await read_model(request, BotSettings)
    return web.json_response((await save_bot_settings(services(request).db, tenant_id(request), body)).model_dump())
