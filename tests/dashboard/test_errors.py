"""The error middleware on its own: every failure becomes the JSON error shape, secrets stay out."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web
from pydantic import BaseModel, Field

from dashboard.errors import ApiError, error_middleware, read_model


class Outside(Exception):
    """A domain error of another package, known only by its attributes."""

    def __init__(self) -> None:
        super().__init__("quota")
        self.http_status = 409
        self.code = "already_connected"
        self.message = "this page belongs to another business"
        self.fields = {"account_id": "taken"}


class Item(BaseModel):
    price: float = Field(ge=0)


def make_app() -> web.Application:
    app = web.Application(middlewares=[error_middleware])

    async def api_error(request: web.Request) -> web.Response:
        raise ApiError(429, "slow_down", "wait", headers={"Retry-After": "7"})

    async def outside(request: web.Request) -> web.Response:
        raise Outside()

    async def crash(request: web.Request) -> web.Response:
        raise RuntimeError("password=hunter2 leaked into an exception")

    async def validate(request: web.Request) -> web.Response:
        item = await read_model(request, Item)
        return web.json_response({"price": item.price})

    async def page_crash(request: web.Request) -> web.Response:
        raise RuntimeError("boom")

    app.router.add_get("/api/api-error", api_error)
    app.router.add_get("/api/outside", outside)
    app.router.add_get("/api/crash", crash)
    app.router.add_post("/api/validate", validate)
    app.router.add_get("/page", page_crash)
    return app


async def test_errors_render_as_json(aiohttp_client, caplog: pytest.LogCaptureFixture) -> None:
    client = await aiohttp_client(make_app())

    limited = await client.get("/api/api-error")
    assert limited.status == 429 and limited.headers["Retry-After"] == "7"
    assert await limited.json() == {"error": {"code": "slow_down", "message": "wait"}}

    outside = await client.get("/api/outside")
    assert outside.status == 409
    assert await outside.json() == {
        "error": {
            "code": "already_connected",
            "message": "this page belongs to another business",
            "fields": {"account_id": "taken"},
        }
    }

    invalid = await client.post("/api/validate", json={"price": -2})
    assert invalid.status == 422
    assert list((await invalid.json())["error"]["fields"]) == ["price"]
    assert (await client.post("/api/validate", data=b"{", headers={"Content-Type": "application/json"})).status == 400

    with caplog.at_level(logging.ERROR, logger="dashboard.errors"):
        crashed = await client.get("/api/crash")
    assert crashed.status == 500
    text = await crashed.text()
    assert "hunter2" not in text and (await crashed.json())["error"]["code"] == "internal"
    assert any(record.exc_info for record in caplog.records)  # the traceback is logged for the operator

    missing = await client.get("/api/missing")
    assert missing.status == 404 and (await missing.json())["error"]["code"] == "not_found"
    wrong = await client.delete("/api/crash")
    assert wrong.status == 405 and "GET" in wrong.headers["Allow"]

    # Outside /api the middleware leaves aiohttp's own answers alone.
    page = await client.get("/nothing")
    assert page.status == 404 and page.content_type != "application/json"
    assert (await client.get("/page")).status == 500
