"""Every failure of the owner API becomes `{"error": {"code", "message", "fields"?}}` with a fitting status.

Domain errors of other packages are recognised by shape (`http_status`, `code`, `message`, `fields`
attributes) so that `dashboard/` needs no list of their classes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from dashboard.field_errors import error_sentences
from dashboard.i18n.current import gettext

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """A failure the owner should see, with the status and code the API answers with."""

    def __init__(
        self,
        http_status: int,
        code: str,
        message: str,
        fields: Mapping[str, str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        self.headers: dict[str, str] = dict(headers or {})


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = dict(fields)
    return web.json_response({"error": error}, status=status, headers=headers)


def validation_fields(exc: ValidationError) -> dict[str, str]:
    """Each invalid field's path and what is wrong with it, as a sentence naming the field (never pydantic's text)."""
    return error_sentences(exc.errors(include_url=False, include_input=False), exc.title)


def _domain_error(exc: BaseException) -> tuple[int, str, str, dict[str, str]] | None:
    status = getattr(exc, "http_status", None)
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None)
    if not isinstance(status, int) or not 400 <= status <= 599 or not isinstance(code, str):
        return None
    fields = getattr(exc, "fields", None) or {}
    return status, code, str(message or code), {str(k): str(v) for k, v in dict(fields).items()}


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ValidationError as exc:
        return error_response(422, "invalid", gettext("some fields are invalid"), validation_fields(exc))
    except web.HTTPException as exc:
        # Routing errors and aiohttp's own (413 for a body too large) speak JSON under /api only.
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        message = exc.reason.lower() if exc.reason else "request failed"
        return error_response(exc.status, _HTTP_CODES.get(exc.status, "http_error"), message, headers=headers)
    except Exception as exc:
        if (domain := _domain_error(exc)) is not None:
            status, code, message, fields = domain
            headers = getattr(exc, "headers", None)
            return error_response(status, code, message, fields, headers=headers if isinstance(headers, Mapping) else None)
        if not request.path.startswith("/api/"):
            raise
        log.exception("unhandled error", extra={"method": request.method, "path": request.path})
        return error_response(500, "internal", "something went wrong; try again")


# A `\ud800`-style escape may decode to a lone surrogate, which no store or channel accepts.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

# The owner API's deepest body (a campaign) nests four levels; a body nested deeper is refused before validation.
MAX_JSON_DEPTH = 32
# The largest body an owner sends (a campaign at its limits) is about 150 KB.
MAX_JSON_BYTES = 1024 * 1024


def json_depth(value: Any, stop_after: int) -> int:
    """How deep `value` nests arrays and objects (a scalar is 0), walked without recursion; stops once past
    `stop_after`."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while pending and deepest <= stop_after:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def parse_json(raw: bytes) -> Any:
    """The parsed JSON body, or a 4xx naming what is wrong with it (never a 500, however it is crafted)."""
    if len(raw) > MAX_JSON_BYTES:
        raise ApiError(413, "payload_too_large", f"the request body is larger than {MAX_JSON_BYTES // 1024} KB")
    if not raw.strip():
        raise ApiError(400, "bad_json", "the request body must be a JSON object")
    too_deep = ApiError(400, "bad_json", f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(raw)
        if _SURROGATE_ESCAPE.search(raw):
            json.dumps(value, ensure_ascii=False).encode()
    except RecursionError:
        raise too_deep from None
    except ValueError:  # UnicodeError is a ValueError
        raise ApiError(400, "bad_json", "the request body is not valid JSON") from None
    # Nesting cannot exceed the count of opening brackets, so most bodies need no walk.
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and json_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise too_deep
    return value


async def read_json(request: web.Request) -> Any:
    """The parsed JSON body, or a 400 naming what is wrong with it."""
    return parse_json(await request.read())


async def read_model(request: web.Request, model: type[M]) -> M:
    """Parse and validate the JSON body against `model`; invalid fields become a 422 naming each one."""
    return model.model_validate(await read_json(request))
