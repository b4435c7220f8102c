"""`GET /api/openapi.json`: the OpenAPI 3.1 description, built from the operations the app serves."""

from __future__ import annotations

from aiohttp import web

from bot.runtime.host import SETTINGS
from dashboard.api.operations import API, ApiRoutes
from dashboard.schemas import OpenApiOut

routes = ApiRoutes()


@routes.get("/api/openapi.json", public=True)
async def openapi(request: web.Request) -> OpenApiOut:
    """This document."""
    return OpenApiOut.model_validate(request.app[API].document(request.app[SETTINGS].public_base))
