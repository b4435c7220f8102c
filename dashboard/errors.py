"""Every failure of the owner API becomes `{"error": {"code", "message", "fields"?}}` with a fitting status.

Domain errors (`knowledge/domain_errors.py`, raised by every room) are answered through one table
(`dashboard/error_table.py`), which the pages read too; pydantic's validation errors name each field in words.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from dashboard.error_table import INTERNAL, FieldsInvalid, answer_for, http_answer
from dashboard.field_errors import error_sentences
from dashboard.i18n.current import gettext
from knowledge.domain_errors import DomainError, InvalidInput, NotFound

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
M = TypeVar("M", bound=BaseModel)


def not_found(what: str) -> NotFound:
    """`what` (a kind of `error_table.NOT_FOUND`) does not exist for this business."""
    return NotFound(what)


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = dict(fields)
    return web.json_response({"error": error}, status=status, headers=headers or None)


def validation_fields(exc: ValidationError) -> dict[str, str]:
    """Each invalid field's path and what is wrong with it, as a sentence naming the field (never pydantic's text)."""
    return error_sentences(exc.errors(include_url=False, include_input=False), exc.title)


def invalid_fields(exc: ValidationError, kind: str = "invalid") -> FieldsInvalid:
    """pydantic's refusal as a domain error, each field's sentence said in the request's language."""
    return FieldsInvalid(kind, validation_fields(exc))


def domain_response(error: DomainError) -> web.Response:
    answer = answer_for(error)
    return error_response(answer.status, answer.code, answer.message, answer.fields, answer.headers)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ValidationError as exc:
        return domain_response(invalid_fields(exc))
    except DomainError as exc:
        return domain_response(exc)
    except web.HTTPException as exc:
        # Routing errors and aiohttp's own (413 for a body too large) speak JSON under /api only.
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        code, message = http_answer(exc.status, exc.reason)
        return error_response(exc.status, code, message, headers=headers)
    except Exception:
        if not request.path.startswith("/api/"):
            raise
        log.exception("unhandled error", extra={"method": request.method, "path": request.path})
        return error_response(500, "internal", gettext(INTERNAL))


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
        raise InvalidInput("payload_too_large", kb=MAX_JSON_BYTES // 1024)
    if not raw.strip():
        raise InvalidInput("body_not_object")
    too_deep = InvalidInput("body_too_deep", depth=MAX_JSON_DEPTH)
    try:
        value = json.loads(raw)
        if _SURROGATE_ESCAPE.search(raw):
            json.dumps(value, ensure_ascii=False).encode()
    except RecursionError:
        raise too_deep from None
    except ValueError:  # UnicodeError is a ValueError
        raise InvalidInput("body_not_json") from None
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
