"""The API description is built from the operations the app serves, and requests are judged by the same models."""

from __future__ import annotations

import json

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import BaseModel, Field

from dashboard.api.operations import API, ApiRoutes, Query, Reply, add_api
from dashboard.errors import error_middleware
from tests.dashboard.conftest import SignedUp
from tests.whole_app import owner_app_of

CONTRACT = {
    "/api/signup": {"post"},
    "/api/login": {"post"},
    "/api/logout": {"post"},
    "/api/me": {"get"},
    "/api/tokens": {"get", "post"},
    "/api/tokens/{id}": {"delete"},
    "/api/account/password": {"post"},
    "/api/account/delete": {"post"},
    "/api/onboarding": {"get", "put"},
    "/api/knowledge/documents": {"get", "post"},
    "/api/knowledge/documents/{id}": {"delete"},
    "/api/knowledge/search": {"get"},
    "/api/campaigns": {"get", "post"},
    "/api/campaigns/{id}": {"get", "put", "delete"},
    "/api/channels": {"get", "post"},
    "/api/channels/{id}": {"delete"},
    "/api/integrations/facebook/auth-url": {"get"},
    "/api/integrations/facebook/callback": {"get"},
    "/api/integrations/facebook/deauthorize": {"post"},
    "/api/integrations/facebook/data-deletion": {"post"},
    "/api/integrations/facebook/deletion-status": {"get"},
    "/api/conversations": {"get"},
    "/api/conversations/{id}": {"get"},
    "/api/conversations/{id}/takeover": {"post"},
    "/api/conversations/{id}/release": {"post"},
    "/api/conversations/{id}/reply": {"post"},
    "/api/conversations/{id}/conversion": {"post"},
    "/api/leads": {"get"},
    "/api/analytics": {"get"},
    "/api/leo/chat": {"post"},
    "/api/openapi.json": {"get"},
    "/api/webhooks": {"get", "post"},
    "/api/webhooks/{id}": {"delete"},
    "/api/webhooks/{id}/test": {"post"},
}
PUBLIC = {
    "/api/signup",
    "/api/login",
    "/api/openapi.json",
    "/api/integrations/facebook/callback",
    "/api/integrations/facebook/deauthorize",
    "/api/integrations/facebook/data-deletion",
    "/api/integrations/facebook/deletion-status",
}


def resolve(document: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def body_schema(document: dict, path: str, method: str) -> dict:
    return resolve(document, document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"])


def answer_schema(document: dict, path: str, method: str, status: str = "200") -> dict:
    return resolve(document, document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"])


async def test_openapi_lists_the_contract_without_login(api: TestClient) -> None:
    response = await api.get("/api/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"].startswith("3.1")
    for path, methods in CONTRACT.items():
        assert path in document["paths"], path
        assert methods <= set(document["paths"][path]), path
    campaign_schema = body_schema(document, "/api/campaigns", "post")
    assert {"name", "product", "target_platform", "chat_flow", "status"} <= set(campaign_schema["properties"])
    product = resolve(document, campaign_schema["properties"]["product"])
    assert {"price", "currency", "features", "call_to_action_url"} <= set(product["properties"])
    assert body_schema(document, "/api/signup", "post")["properties"]["password"]["minLength"] == 10


async def test_described_bodies_are_the_ones_the_handlers_validate(api: TestClient, owner: SignedUp) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    reply = body_schema(document, "/api/conversations/{id}/reply", "post")
    assert reply["properties"]["text"]["maxLength"] == 4000
    conversion = body_schema(document, "/api/conversations/{id}/conversion", "post")
    assert {"value", "currency", "campaign_id", "idempotency_key"} <= set(conversion["properties"])
    assert set(document["paths"]["/api/conversations/{id}/conversion"]["post"]["responses"]) >= {"200", "201", "404", "422"}
    # The limits the description states are the limits the API enforces.
    too_long = await api.post(
        "/api/leo/chat",
        json={"message": "x" * (body_schema(document, "/api/leo/chat", "post")["properties"]["message"]["maxLength"] + 1)},
        headers=owner.auth,
    )
    assert too_long.status == 422 and "message" in (await too_long.json())["error"]["fields"]


async def test_answers_are_described_with_what_the_handlers_send(api: TestClient, owner: SignedUp) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    conversation = answer_schema(document, "/api/conversations/{id}", "get")
    assert {"id", "platform", "customer_id", "customer_name", "status", "campaign_id", "lead", "messages"} <= set(
        conversation["properties"]
    )
    lead = resolve(document, document["components"]["schemas"]["LeadOut"])
    assert {
        "id",
        "conversation_id",
        "platform",
        "customer_id",
        "name",
        "email",
        "phone",
        "score",
        "score_reasons",
        "stage",
        "campaign_id",
        "value",
    } <= set(lead["required"])
    me = await (await api.get("/api/me", headers=owner.auth)).json()
    assert set(me) == set(answer_schema(document, "/api/me", "get")["properties"])
    leads = document["paths"]["/api/leads"]["get"]["responses"]["200"]["content"]
    assert set(leads) == {"application/json", "text/csv"}


async def test_every_served_api_route_is_described_and_every_described_one_served(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    served: set[tuple[str, str]] = set()
    # The platform's routes, the owner side's nested app's among them.
    for route in api.app.router.routes():
        if route.resource is not None and route.resource.canonical.startswith("/api/") and route.method not in ("HEAD", "*"):
            served.add((route.resource.canonical, route.method.lower()))
    described = {(path, method) for path, methods in document["paths"].items() for method in methods}
    assert served == described
    assert {(op.path, op.method.lower()) for op in owner_app_of(api.app)[API].operations} == served
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation["summary"], (path, method)
            assert (operation.get("security") == []) == (path in PUBLIC), (path, method)
            if path not in PUBLIC:
                assert "401" in operation["responses"], (path, method)
            errors = [status for status in operation["responses"] if status.startswith(("4", "5"))]
            for status in errors:
                assert resolve(document, operation["responses"][status]["content"]["application/json"]["schema"])["properties"][
                    "error"
                ]


async def test_public_operations_need_no_login_and_others_do(api: TestClient) -> None:
    assert (await api.get("/api/openapi.json")).status == 200
    assert (await api.get("/api/integrations/facebook/deletion-status", params={"code": "unknown"})).status == 404
    assert (await api.get("/api/campaigns")).status == 401
    assert (await api.get("/api/no-such-thing")).status == 401


# Requests the description does not allow: 415, 400 and 422 with the error shape, never 500 -------------------


async def test_an_undeclared_content_type_is_415(api: TestClient, owner: SignedUp) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = await api.post("/api/campaigns", data=b'{"name": "x"}', headers={**owner.auth, "Content-Type": content_type})
        assert response.status == 415, content_type
        error = (await response.json())["error"]
        assert error["code"] == "unsupported_media_type" and "application/json" in error["message"]
    upload = await api.post("/api/knowledge/documents", data=b"GIF89a", headers={**owner.auth, "Content-Type": "image/gif"})
    assert upload.status == 415
    form = await api.post("/api/integrations/facebook/deauthorize", json={"signed_request": "x"})
    assert form.status == 415
    # A charset parameter is still JSON.
    ok = await api.put(
        "/api/settings/bot",
        data=b'{"pause_minutes": 5}',
        headers={**owner.auth, "Content-Type": "application/json; charset=utf-8"},
    )
    assert ok.status == 200 and (await ok.json())["pause_minutes"] == 5


@pytest.mark.parametrize("raw", [b"", b"{", b"[" * 100_000 + b"]" * 100_000, b'{"message": "\\ud800"}', b"\xff\xfe", b"NaN1"])
async def test_malformed_json_is_400(api: TestClient, owner: SignedUp, raw: bytes) -> None:
    response = await api.post("/api/leo/chat", data=raw, headers={**owner.auth, "Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "bad_json"


async def test_broken_multipart_uploads_are_400(api: TestClient, owner: SignedUp) -> None:
    no_boundary = await api.post(
        "/api/knowledge/documents", data=b"--x\r\n\r\n", headers={**owner.auth, "Content-Type": "multipart/form-data"}
    )
    assert no_boundary.status == 400
    broken_part = await api.post(
        "/api/knowledge/documents",
        data=b'--b\r\nContent-Disposition: form-data; name="\x07"\r\n\r\n[]\r\n--b--\r\n',
        headers={**owner.auth, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert broken_part.status == 400
    assert "file" in (await broken_part.json())["error"]["fields"]


async def test_invalid_query_parameters_are_400_naming_each(api: TestClient, owner: SignedUp) -> None:
    response = await api.get(
        "/api/conversations", params={"status": "asleep", "limit": "many", "offset": "-1"}, headers=owner.auth
    )
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "invalid_filter" and set(error["fields"]) == {"status", "limit", "offset"}
    dates = await api.get("/api/analytics", params={"from": "yesterday", "to": "0001-01-01"}, headers=owner.auth)
    assert dates.status == 400 and set((await dates.json())["error"]["fields"]) == {"from", "to"}
    # An empty value is no filter, and unknown parameters are ignored (caches and browsers add their own).
    assert (await api.get("/api/conversations", params={"status": "", "_": "1"}, headers=owner.auth)).status == 200


# The mechanism on its own --------------------------------------------------------------------------------------


class ItemIn(BaseModel):
    name: str = Field(min_length=1)
    price: float = Field(ge=0)


class ItemOut(BaseModel):
    name: str
    price: float
    page: int


class PageQuery(Query):
    page: int = Field(default=1, ge=1)


def item_app() -> web.Application:
    routes = ApiRoutes()

    @routes.post("/api/items", status=(201, 200))
    async def create(request: web.Request, body: ItemIn, query: PageQuery) -> Reply[ItemOut]:  # noqa: ARG001 # an operation's handler takes the request; what it reads is the test
        """Create an item.

        Answers 200 when the item already existed."""
        out = ItemOut(name=body.name, price=body.price, page=query.page)
        return Reply(out, status=200 if body.name == "old" else 201, finish=lambda r: r.set_cookie("seen", "1"))

    @routes.get("/api/wrong")
    async def wrong(request: web.Request) -> ItemOut:  # noqa: ARG001 # an operation's handler takes the request; what it reads is the test
        """Answers what it does not declare."""
        return Reply(ItemOut(name="x", price=1, page=1), status=202)  # type: ignore[return-value]

    app = web.Application(middlewares=[error_middleware])
    add_api(app, routes)
    return app


async def test_the_handler_gets_validated_models_and_its_answer_is_serialised(aiohttp_client) -> None:
    client = await aiohttp_client(item_app())
    created = await client.post("/api/items?page=3", json={"name": "new", "price": 2.5})
    assert created.status == 201 and await created.json() == {"name": "new", "price": 2.5, "page": 3}
    assert created.cookies["seen"].value == "1"
    again = await client.post("/api/items", json={"name": "old", "price": 1})
    assert again.status == 200
    invalid = await client.post("/api/items?page=0", json={"name": "", "price": -1, "extra": True})
    assert invalid.status == 400 and list((await invalid.json())["error"]["fields"]) == ["page"]
    fields = await client.post("/api/items", json={"name": "", "price": -1})
    assert fields.status == 422 and set((await fields.json())["error"]["fields"]) == {"name", "price"}
    assert (await client.get("/api/wrong")).status == 500  # an undeclared answer is the server's bug, not sent


async def test_the_document_comes_from_the_declaration(aiohttp_client) -> None:
    app = item_app()
    await aiohttp_client(app)
    document = app[API].document("http://example.test")
    operation = document["paths"]["/api/items"]["post"]
    assert operation["summary"] == "Create an item." and operation["description"].startswith("Answers 200")
    assert set(operation["responses"]) == {"200", "201", "400", "401", "403", "413", "415", "422"}
    assert operation["parameters"] == [
        {"name": "page", "in": "query", "required": False, "schema": {"default": 1, "minimum": 1, "type": "integer"}}
    ]
    assert document["components"]["schemas"]["ItemIn"]["required"] == ["name", "price"]
    assert document["servers"] == [{"url": "http://example.test"}]
    json.dumps(document)


def test_a_handler_that_does_not_declare_itself_is_refused_at_import() -> None:
    routes = ApiRoutes()
    with pytest.raises(TypeError, match="summary"):

        @routes.get("/api/x")
        async def no_docstring(request: web.Request) -> ItemOut:  # noqa: ARG001 # an operation's handler takes the request; what it reads is the test
            return ItemOut(name="x", price=1, page=1)

    with pytest.raises(TypeError, match="parameters"):

        @routes.post("/api/y")
        async def stray(request: web.Request, payload: ItemIn) -> ItemOut:  # noqa: ARG001 # an operation's handler takes the request; what it reads is the test
            """Takes a parameter the wrapper does not fill."""
            return ItemOut(name="x", price=1, page=1)

    with pytest.raises(TypeError, match="return"):

        @routes.get("/api/z")
        async def untyped(request: web.Request) -> dict:  # noqa: ARG001 # an operation's handler takes the request; what it reads is the test
            """Answers a bare dict."""
            return {}


async def test_the_events_sent_to_an_owners_crm_are_described_as_webhooks(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    outgoing = document["webhooks"]
    events = {"lead.created", "lead.stage_changed", "conversation.handoff", "sale.recorded", "conversation.closed"}
    assert events <= set(outgoing)
    sale = outgoing["sale.recorded"]["post"]
    assert {p["name"] for p in sale["parameters"]} == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    body = sale["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    data = document["components"]["schemas"][body]["properties"]["data"]["$ref"].rsplit("/", 1)[-1]
    assert {"sale_id", "conversation_id", "amount", "currency"} <= set(document["components"]["schemas"][data]["properties"])
