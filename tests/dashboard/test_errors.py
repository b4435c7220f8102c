"""The error middleware on its own: every failure becomes the JSON error shape, secrets stay out."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web
from pydantic import BaseModel, Field

from channels.errors import AccountTaken
from dashboard.errors import error_middleware, read_model
from knowledge.domain_errors import Conflict, Refused


class Item(BaseModel):
    price: float = Field(ge=0)


def make_app() -> web.Application:
    app = web.Application(middlewares=[error_middleware])

    async def api_error(_request: web.Request) -> web.Response:
        raise Refused("leo", retry_after=7)

    async def outside(_request: web.Request) -> web.Response:
        raise AccountTaken("account_taken", {"account_id": "connected_elsewhere"})

    async def unknown_kind(_request: web.Request) -> web.Response:
        raise Conflict("a_kind_the_table_lacks")

    async def crash(_request: web.Request) -> web.Response:
        raise RuntimeError("password=hunter2 leaked into an exception")

    async def validate(request: web.Request) -> web.Response:
        item = await read_model(request, Item)
        return web.json_response({"price": item.price})

    async def page_crash(_request: web.Request) -> web.Response:
        raise RuntimeError("boom")

    app.router.add_get("/api/api-error", api_error)
    app.router.add_get("/api/outside", outside)
    app.router.add_get("/api/unknown-kind", unknown_kind)
    app.router.add_get("/api/crash", crash)
    app.router.add_post("/api/validate", validate)
    app.router.add_get("/page", page_crash)
    return app


async def test_errors_render_as_json(aiohttp_client, caplog: pytest.LogCaptureFixture) -> None:
    client = await aiohttp_client(make_app())

    limited = await client.get("/api/api-error")
    assert limited.status == 429 and limited.headers["Retry-After"] == "7"
    assert await limited.json() == {
        "error": {"code": "rate_limited", "message": "Leo needs a short break; try again in a minute"}
    }

    outside = await client.get("/api/outside")
    assert outside.status == 409
    assert await outside.json() == {
        "error": {
            "code": "account_taken",
            "message": "this account is already connected to another business",
            "fields": {"account_id": "This account is connected to another business already."},
        }
    }

    # A kind raised without a row is the platform's own fault: a 500, never a made-up sentence.
    unknown = await client.get("/api/unknown-kind")
    assert unknown.status == 500 and (await unknown.json())["error"]["code"] == "internal"

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
