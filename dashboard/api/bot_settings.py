"""`GET/PUT /api/settings/bot`: the engine settings an owner controls."""

from __future__ import annotations

from aiohttp import web

from bot.sales.bot_settings import EngineSettings, get_engine_settings, save_engine_settings
from dashboard.context import platform, tenant_id
from dashboard.errors import read_model

routes = web.RouteTableDef()


@routes.get("/api/settings/bot")
async def get_bot_settings(request: web.Request) -> web.Response:
    return web.json_response((await get_engine_settings(platform(request).db, tenant_id(request))).model_dump())


@routes.put("/api/settings/bot")
async def put_bot_settings(request: web.Request) -> web.Response:
    body = await read_model(request, EngineSettings)
    return web.json_response((await save_engine_settings(platform(request).db, tenant_id(request), body)).model_dump())
