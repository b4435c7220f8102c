"""`GET /api/openapi.json`: an OpenAPI 3.1 description of the owner API, request bodies from the pydantic models."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel

from bot.runtime.app import SETTINGS
from bot.sales.bot_settings import BotSettings
from dashboard.api.playground import PlaygroundIn
from dashboard.schemas import (
    CampaignOut,
    ChannelIn,
    ConversationOut,
    ConversionIn,
    LeadOut,
    LeoChatIn,
    LoginIn,
    ReplyIn,
    SignupIn,
)
from knowledge.models import BusinessProfile, CampaignIn

routes = web.RouteTableDef()

Json = dict[str, Any]
REF = "#/components/schemas/{model}"


class _Components:
    """Collects every model's schema (and the models it refers to) under components.schemas."""

    def __init__(self) -> None:
        self.schemas: Json = {}

    def ref(self, model: type[BaseModel], mode: str = "validation") -> Json:
        schema = model.model_json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
        for name, definition in schema.pop("$defs", {}).items():
            self.schemas.setdefault(name, definition)
        self.schemas.setdefault(model.__name__, schema)
        return {"$ref": REF.format(model=model.__name__)}


def _object(**properties: Json) -> Json:
    return {"type": "object", "properties": properties, "required": list(properties)}


def _string(**extra: Any) -> Json:
    return {"type": "string", **extra}


def _list_of(item: Json, key: str | None = None) -> Json:
    array = {"type": "array", "items": item}
    return _object(**{key: array}) if key else array


def _json(schema: Json, description: str = "OK") -> Json:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: Json, content_type: str = "application/json") -> Json:
    return {"required": True, "content": {content_type: {"schema": schema}}}


def _query(name: str, description: str, required: bool = False, **schema: Any) -> Json:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": {"type": "string", **schema}}


ID_PARAM: Json = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
CODE_PARAM = _query("code", "confirmation code", required=True)
ERROR_REF: Json = {"$ref": "#/components/schemas/Error"}
PUBLIC: list[Json] = []  # no authentication


def _op(summary: str, responses: Json, *, body: Json | None = None, parameters: list[Json] | None = None, security: list[Json] | None = None, errors: tuple[int, ...] = ()) -> Json:
    operation: Json = {"summary": summary, "responses": dict(responses)}
    for status in errors:
        operation["responses"][str(status)] = _json(ERROR_REF, "error")
    if body is not None:
        operation["requestBody"] = body
    if parameters:
        operation["parameters"] = parameters
    if security is not None:
        operation["security"] = security
    return operation


def build_openapi(public_url: str) -> Json:
    c = _Components()
    profile = c.ref(BusinessProfile)
    campaign_in, campaign_out = c.ref(CampaignIn), c.ref(CampaignOut, "serialization")
    conversation, lead = c.ref(ConversationOut, "serialization"), c.ref(LeadOut, "serialization")
    document: Json = _object(
        id=_string(), filename=_string(), content_type=_string(), size_bytes={"type": "integer"}, chunks={"type": "integer"}, created_at=_string(format="date-time")
    )
    channel: Json = _object(id=_string(), platform=_string(enum=["facebook", "instagram", "whatsapp"]), account_id=_string(), name=_string(), access_token=_string(description="masked"), status=_string())
    passage: Json = _object(text=_string(), source=_string(), title=_string(), score={"type": "number"})
    c.schemas["Error"] = _object(
        error={
            "type": "object",
            "properties": {"code": _string(), "message": _string(), "fields": {"type": "object", "additionalProperties": _string(), "description": "dotted field path → problem"}},
            "required": ["code", "message"],
        }
    )
    ok = _object(ok={"type": "boolean"})
    bad_input = (400, 401, 422)
    paths: Json = {
        "/api/signup": {"post": _op("Create an owner and a tenant", {"201": _json(_object(tenant_id=_string(), api_token=_string()), "created")}, body=_body(c.ref(SignupIn)), security=PUBLIC, errors=(400, 409, 422))},
        "/api/login": {"post": _op("Log in: an API token, a session cookie `sid` and its CSRF token", {"200": _json(_object(api_token=_string(), csrf_token=_string()))}, body=_body(c.ref(LoginIn)), security=PUBLIC, errors=(400, 401, 422, 429))},
        "/api/logout": {"post": _op("End the session; with a bearer token, revoke that token", {"200": _json(_object(logged_out={"type": "boolean"}))}, errors=(401, 403))},
        "/api/me": {"get": _op("The calling owner and tenant", {"200": _json({"type": "object"})}, errors=(401,))},
        "/api/onboarding": {
            "get": _op("The business profile", {"200": _json(profile)}, errors=(401,)),
            "put": _op("Save the business profile (rebuilds the knowledge base)", {"200": _json(profile)}, body=_body(profile), errors=bad_input),
        },
        "/api/knowledge/documents": {
            "get": _op("Documents of the knowledge base", {"200": _json(_list_of(document, "documents"))}, errors=(401,)),
            "post": _op(
                "Add a document (text, markdown or PDF): multipart field `file`, or the raw body with `?filename=`",
                {"201": _json(document, "created")},
                body={
                    "required": True,
                    "content": {
                        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
                        "text/plain": {"schema": _string()},
                        "text/markdown": {"schema": _string()},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                parameters=[_query("filename", "file name when the body is raw")],
                errors=(400, 401, 413, 415, 422),
            ),
        },
        "/api/knowledge/documents/{id}": {"delete": _op("Remove a document", {"200": _json(_object(deleted={"type": "boolean"}))}, parameters=[ID_PARAM], errors=(401, 404))},
        "/api/knowledge/search": {
            "get": _op(
                "The passages and catalog facts the bot would use for a question",
                {"200": _json(_object(passages={"type": "array", "items": passage}, facts={"type": "object"}))},
                parameters=[_query("q", "the question", required=True), _query("platform", "facebook, instagram or whatsapp"), _query("k", "how many passages")],
                errors=(400, 401),
            )
        },
        "/api/campaigns": {
            "get": _op("Campaigns", {"200": _json(_list_of(campaign_out, "campaigns"))}, errors=(401,)),
            "post": _op("Create a campaign", {"201": _json(campaign_out, "created")}, body=_body(campaign_in), errors=bad_input),
        },
        "/api/campaigns/{id}": {
            "get": _op("One campaign", {"200": _json(campaign_out)}, parameters=[ID_PARAM], errors=(401, 404)),
            "put": _op("Replace a campaign", {"200": _json(campaign_out)}, parameters=[ID_PARAM], body=_body(campaign_in), errors=(400, 401, 404, 422)),
            "delete": _op("Delete a campaign", {"200": _json(_object(deleted={"type": "boolean"}))}, parameters=[ID_PARAM], errors=(401, 404)),
        },
        "/api/channels": {
            "get": _op("Connected accounts (tokens masked)", {"200": _json(_list_of(channel, "channels"))}, errors=(401,)),
            "post": _op("Connect an account by hand", {"201": _json(channel, "created")}, body=_body(c.ref(ChannelIn)), errors=(400, 401, 409, 422)),
        },
        "/api/channels/{id}": {"delete": _op("Disconnect an account", {"200": _json(_object(deleted={"type": "boolean"}))}, parameters=[ID_PARAM], errors=(401, 404))},
        "/api/integrations/facebook/auth-url": {"get": _op("Where to send the owner to log in with Facebook", {"200": _json(_object(url=_string(format="uri")))}, errors=(401, 503))},
        "/api/integrations/facebook/callback": {
            "get": _op(
                "Facebook Login's return: connects the owner's pages and their Instagram accounts",
                {"302": {"description": "back to the dashboard"}, "200": _json(_object(connected={"type": "array", "items": channel}), "with Accept: application/json")},
                parameters=[_query("code", "authorization code", required=True), _query("state", "the state from auth-url", required=True)],
                security=PUBLIC,
                errors=(400, 502, 503),
            )
        },
        "/api/integrations/facebook/deauthorize": {
            "post": _op("Meta: a user removed the app", {"200": _json(ok)}, body=_body(_object(signed_request=_string()), "application/x-www-form-urlencoded"), security=PUBLIC, errors=(400, 503))
        },
        "/api/integrations/facebook/data-deletion": {
            "post": _op(
                "Meta: a user asked for their data to be deleted",
                {"200": _json(_object(url=_string(format="uri"), confirmation_code=_string()))},
                body=_body(_object(signed_request=_string()), "application/x-www-form-urlencoded"),
                security=PUBLIC,
                errors=(400, 503),
            )
        },
        "/api/integrations/facebook/deletion-status": {
            "get": _op("Status of a data-deletion request", {"200": _json(_object(confirmation_code=_string(), status=_string()))}, parameters=[CODE_PARAM], security=PUBLIC, errors=(404,))
        },
        "/api/conversations": {"get": _op("Conversations, newest first", {"200": _json(_list_of(conversation, "conversations"))}, parameters=[_query("status", "filter on status")], errors=(401,))},
        "/api/conversations/{id}": {"get": _op("One conversation with its messages, lead score and stage", {"200": _json(conversation)}, parameters=[ID_PARAM], errors=(401, 404))},
        "/api/conversations/{id}/takeover": {"post": _op("A human takes over: the bot stays silent", {"200": _json(conversation)}, parameters=[ID_PARAM], errors=(401, 403, 404))},
        "/api/conversations/{id}/release": {"post": _op("Hand the conversation back to the bot", {"200": _json(conversation)}, parameters=[ID_PARAM], errors=(401, 403, 404))},
        "/api/conversations/{id}/reply": {"post": _op("Send a message as the owner", {"200": _json({"type": "object"})}, parameters=[ID_PARAM], body=_body(c.ref(ReplyIn)), errors=(400, 401, 404, 422))},
        "/api/conversations/{id}/conversion": {"post": _op("Record a sale", {"200": _json({"type": "object"})}, parameters=[ID_PARAM], body=_body(c.ref(ConversionIn)), errors=(400, 401, 404, 422))},
        "/api/leads": {
            "get": _op(
                "Leads with score, stage and captured fields",
                {"200": {"description": "OK", "content": {"application/json": {"schema": _list_of(lead, "leads")}, "text/csv": {"schema": _string()}}}},
                parameters=[_query("format", "csv for a CSV export", enum=["json", "csv"])],
                errors=(401,),
            )
        },
        "/api/analytics": {
            "get": _op(
                "Messages in/out, response rate, conversions, revenue; per campaign, platform and day",
                {"200": _json({"type": "object"})},
                parameters=[_query("from", "first day", format="date"), _query("to", "last day", format="date")],
                errors=(400, 401),
            )
        },
        "/api/leo/chat": {"post": _op("Ask Leo, the owner's assistant", {"200": _json(_object(reply=_string()))}, body=_body(c.ref(LeoChatIn)), errors=(400, 401, 422, 429))},
        "/api/settings/bot": {
            "get": _op("Engine settings: how long the bot pauses after a person answers", {"200": _json(c.ref(BotSettings))}, errors=(401,)),
            "put": _op("Change the engine settings", {"200": _json(c.ref(BotSettings))}, body=_body(c.ref(BotSettings)), errors=(400, 401, 422)),
        },
        "/api/playground/chat": {
            "post": _op(
                "Chat with your own bot as a customer would (nothing is sent or counted)",
                {"200": _json(_object(session_id=_string(), reply=_string(), intent=_string(), confidence={"type": "number"},
                                      source=_string(), guard_blocked={"type": "boolean"}, lead={"type": "object"}))},
                body=_body(c.ref(PlaygroundIn)), errors=(400, 401, 403, 422, 429),
            )
        },
        "/api/openapi.json": {"get": _op("This document", {"200": _json({"type": "object"})}, security=PUBLIC)},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sales bot owner API", "version": "1.0.0", "description": "Errors are JSON {\"error\": {\"code\", \"message\", \"fields\"?}}."},
        "servers": [{"url": public_url}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": c.schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an api_token from signup or login"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sid", "description": "unsafe methods also need the X-CSRF-Token header"},
            },
        },
    }


@routes.get("/api/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(build_openapi(request.app[SETTINGS].public_base))
