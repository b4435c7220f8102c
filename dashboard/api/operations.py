"""Owner API operations, declared once: the route, its validation and its OpenAPI description.

A handler's signature is its declaration. `body: Model` is the JSON body, `form: Model` a form body,
`query: Model` the query string; the return annotation (`Model`, `Reply[Model]`, optionally `| web.Response`
for a non-JSON answer) is the success response, and the docstring's first line is the summary:

    routes = ApiRoutes()

    @routes.post("/api/campaigns", status=201, errors=(409,))
    async def create(request: web.Request, body: CampaignIn) -> CampaignOut:
        \"\"\"Create a campaign.\"\"\"

The wrapper refuses an undeclared Content-Type (415), a malformed body (400), invalid fields (422) and an
invalid query (400) before the handler runs, and serialises the returned model. `add_api` serves the
routes and records the operations; `ApiDescription.document` builds OpenAPI 3.1 from the same models.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar, Union, get_args, get_origin, get_type_hints

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.json_schema import models_json_schema

from dashboard.errors import invalid_fields, parse_json
from dashboard.team.policy import Role, allowed, route_key
from knowledge.domain_errors import InvalidInput

Json = dict[str, Any]
M = TypeVar("M", bound=BaseModel)
H = TypeVar("H", bound=Callable[..., Awaitable[Any]])

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
REF = "#/components/schemas/{model}"
PATH_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")
OPERATION_ATTRIBUTE = "api_operation"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ERROR_DESCRIPTIONS = {
    400: "malformed request or invalid query parameters",
    401: "not logged in, or the API token is not valid",
    403: "a session call without its X-CSRF-Token header, or a team member's call to what only the owner may do",
    404: "not found (or another business's)",
    405: "this method is not allowed at that address (an id spelled like another address's last part)",
    409: "conflicts with what exists",
    413: "body too large",
    415: "Content-Type not accepted by this operation",
    422: "invalid fields, each one named",
    429: "too many requests; try again later",
    502: "the platform (Meta) refused or failed",
    503: "not configured on this server",
}


class Query(BaseModel):
    """Base of query-string models: unknown parameters are ignored, an empty value counts as absent."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v not in ("", [])}
        return data


class Out(BaseModel):
    """Base of response models: every field is always sent, so the description marks them all required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = {}


class Error(BaseModel):
    """Every failure: `fields` names each invalid field (dotted path → problem) and is left out when empty."""

    error: ErrorDetail


@dataclass(frozen=True)
class Reply(Generic[M]):
    """A success answer with another declared status (0: the first), or that sets headers or cookies."""

    body: M
    status: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    finish: Callable[[web.Response], None] | None = None  # e.g. sets a cookie on the response


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    operation_id: str
    tag: str
    handler: Callable[..., Awaitable[Any]]
    statuses: tuple[int, ...]
    response: type[BaseModel] | None
    body: type[BaseModel] | None = None
    form: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    uploads: Mapping[str, Json] = field(default_factory=dict)
    produces: tuple[str, ...] = ()
    other_responses: Mapping[int, str] = field(default_factory=dict)
    errors: frozenset[int] = frozenset()
    public: bool = False

    @property
    def accepts(self) -> tuple[str, ...]:
        if self.body is not None:
            return (JSON,)
        if self.form is not None:
            return (FORM,)
        return tuple(self.uploads)

    @property
    def path_params(self) -> list[str]:
        return PATH_PARAM.findall(self.path)

    @property
    def error_statuses(self) -> list[int]:
        """The handler's own errors plus those the wrapper, the router and the login check answer."""
        statuses = set(self.errors)
        if not self.public:
            statuses.add(401)
            if self.method in UNSAFE_METHODS or not allowed(Role.agent, route_key(self.method, self.path)):
                statuses.add(403)
        if self.accepts:
            statuses |= {400, 413, 415, 422}
        if self.query is not None:
            statuses.add(400)
        if self.path_params:
            # An id spelled like a sibling address ("/api/campaigns/status") reaches that address, which may not
            # take this method.
            statuses |= {404, 405}
        return sorted(statuses)

    @property
    def openapi_path(self) -> str:
        return PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", self.path)


# Reading and checking a request ---------------------------------------------------------------------------


def _check_content_type(request: web.Request, accepts: tuple[str, ...]) -> None:
    if "Content-Type" not in request.headers and not request.body_exists:
        return  # no body at all: reading it answers "missing"
    if request.content_type.lower() not in accepts:
        raise InvalidInput("unsupported_media_type", {"Content-Type": "content_type"}, accepts=", ".join(accepts))


async def _read_form(request: web.Request) -> dict[str, Any]:
    try:
        form = await request.post()
    except (ValueError, HttpProcessingError):
        raise InvalidInput("bad_form") from None
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _query_values(request: web.Request, model: type[BaseModel]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in request.query:
            many = get_origin(info.annotation) is list
            values[key] = request.query.getall(key) if many else request.query[key]
    return values


def _validate(model: type[M], data: Any, *, kind: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_fields(exc, kind) from None


async def _inputs(request: web.Request, op: Operation) -> dict[str, BaseModel]:
    inputs: dict[str, BaseModel] = {}
    if op.query is not None:
        inputs["query"] = _validate(op.query, _query_values(request, op.query), kind="invalid_filter")
    if op.accepts:
        _check_content_type(request, op.accepts)
    if op.body is not None:
        inputs["body"] = _validate(op.body, parse_json(await request.read()), kind="invalid")
    elif op.form is not None:
        inputs["form"] = _validate(op.form, await _read_form(request), kind="invalid")
    return inputs


def _respond(op: Operation, result: Any) -> web.StreamResponse:
    if isinstance(result, web.StreamResponse):
        return result
    reply = result if isinstance(result, Reply) else Reply(result)
    status = reply.status or op.statuses[0]
    if op.response is None or not isinstance(reply.body, op.response) or status not in op.statuses:
        raise TypeError(f"{op.operation_id} answered {type(reply.body).__name__} {status}, not as declared")
    response = web.json_response(reply.body.model_dump(mode="json", by_alias=True), status=status, headers=reply.headers or None)
    if reply.finish is not None:
        reply.finish(response)
    return response


def _wrap(op: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def serve(request: web.Request) -> web.StreamResponse:
        inputs = await _inputs(request, op)
        try:
            result = await op.handler(request, **inputs)
        except ValidationError as exc:
            # The input was validated above: a model failing inside the handler is the server's fault.
            raise RuntimeError(f"{op.operation_id}: a model failed inside the handler") from exc
        return _respond(op, result)

    serve.__name__ = op.handler.__name__
    setattr(serve, OPERATION_ATTRIBUTE, op)
    return serve


def operation_of(handler: object) -> Operation | None:
    """The operation a matched route serves (None for routes that are not described operations)."""
    op = getattr(handler, OPERATION_ATTRIBUTE, None)
    return op if isinstance(op, Operation) else None


# Declaring operations --------------------------------------------------------------------------------------


def _model(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _response_model(annotation: Any, where: str) -> type[BaseModel] | None:
    """The JSON model a handler answers with (None when it only returns aiohttp responses, such as CSV)."""
    options = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else (annotation,)
    models: set[type[BaseModel]] = set()
    for option in options:
        if isinstance(option, type) and issubclass(option, web.StreamResponse):
            continue
        model = _model(get_args(option)[0]) if get_origin(option) is Reply else _model(option)
        if model is None:
            raise TypeError(f"{where}: return a pydantic model, Reply[Model] or an aiohttp response, not {option!r}")
        models.add(model)
    if len(models) > 1:
        raise TypeError(f"{where}: one response model per operation")
    return models.pop() if models else None


class ApiRoutes:
    """A route table whose every route is a described operation (use like `web.RouteTableDef`)."""

    INPUTS: ClassVar[frozenset[str]] = frozenset({"body", "form", "query"})

    def __init__(self) -> None:
        self.operations: list[Operation] = []

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations)

    def get(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("PUT", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[H], H]:
        return self.route("DELETE", path, **options)

    def route(
        self,
        method: str,
        path: str,
        *,
        status: int | tuple[int, ...] = 200,
        errors: Iterable[int] = (),
        public: bool = False,
        uploads: Mapping[str, Json] | None = None,
        produces: tuple[str, ...] = (),
        other_responses: Mapping[int, str] | None = None,
    ) -> Callable[[H], H]:
        """Declare an operation; `errors` lists the handler's own error statuses (the usual ones are added)."""

        def declare(handler: H) -> H:
            where = f"{handler.__module__}.{handler.__name__}"
            hints = get_type_hints(handler)
            params = list(inspect.signature(handler).parameters)[1:]
            unknown = set(params) - self.INPUTS
            if unknown:
                raise TypeError(
                    f"{where}: parameters after the request must be among {sorted(self.INPUTS)}, not {sorted(unknown)}"
                )
            models = {name: _model(hints.get(name)) for name in params}
            if any(model is None for model in models.values()):
                raise TypeError(f"{where}: annotate body, form and query with pydantic models")
            response = _response_model(hints.get("return"), where)
            summary = (inspect.getdoc(handler) or "").split("\n", 1)[0].strip()
            if not summary:
                raise TypeError(f"{where}: the docstring's first line is the operation's summary; write one")
            module = handler.__module__.rsplit(".", 1)[-1]
            self.operations.append(
                Operation(
                    method=method,
                    path=path,
                    summary=summary,
                    operation_id=f"{module}.{handler.__name__}",
                    tag=module,
                    handler=handler,
                    statuses=(status,) if isinstance(status, int) else status,
                    response=response,
                    body=models.get("body"),
                    form=models.get("form"),
                    query=models.get("query"),
                    uploads=dict(uploads or {}),
                    produces=produces,
                    other_responses=dict(other_responses or {}),
                    errors=frozenset(errors),
                    public=public,
                )
            )
            return handler

        return declare


# The description -------------------------------------------------------------------------------------------


@dataclass
class ApiDescription:
    """Every operation the app serves under /api, and the OpenAPI document built from them (once)."""

    title: str
    version: str
    operations: list[Operation] = field(default_factory=list)
    # Requests the platform makes to the owner's own URLs (OpenAPI 3.1 `webhooks`): event name → (body, summary).
    webhooks: dict[str, tuple[type[BaseModel], str]] = field(default_factory=dict)
    webhook_headers: dict[str, str] = field(default_factory=dict)
    _document: Json | None = None

    def document(self, server_url: str) -> Json:
        if self._document is None:
            self._document = openapi_document(
                self.operations,
                title=self.title,
                version=self.version,
                webhooks=self.webhooks,
                webhook_headers=self.webhook_headers,
            )
        return {**self._document, "servers": [{"url": server_url}]}


API = web.AppKey("api_description", ApiDescription)


def add_api(app: web.Application, *tables: ApiRoutes) -> None:
    """Serve the tables' operations and record them for `/api/openapi.json`."""
    if API not in app:
        app[API] = ApiDescription(title="Sales bot owner API", version="1.0.0")
    for table in tables:
        for op in table:
            if op.method == "GET":
                app.router.add_get(op.path, _wrap(op))  # HEAD too, as aiohttp's route tables do
            else:
                app.router.add_route(op.method, op.path, _wrap(op))
            app[API].operations.append(op)


def _error_response(status: int, refs: Mapping[Any, Json]) -> Json:
    return {"description": ERROR_DESCRIPTIONS.get(status, "error"), "content": {JSON: {"schema": refs[(Error, "serialization")]}}}


def _without_null(schema: Json) -> Json:
    """A query parameter is absent or a string, never null: `X | None` is described as X, not required."""
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "title") and not (k == "default" and v is None)}
    return {**options[0], **rest} if len(options) == 1 else rest if not options else {**rest, "anyOf": options}


def _parameters(op: Operation, definitions: Json, refs: Mapping[Any, Json]) -> list[Json]:
    # Ids are never empty and hold no slash (an empty one would name another route).
    params: list[Json] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}}
        for name in op.path_params
    ]
    if op.query is not None:
        schema = definitions[refs[(op.query, "validation")]["$ref"].rsplit("/", 1)[-1]]
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            prop = _without_null(prop)
            param: Json = {"name": name, "in": "query", "required": name in required, "schema": prop}
            if description := prop.pop("description", None):
                param["description"] = description
            params.append(param)
    return params


def _operation(op: Operation, definitions: Json, refs: Mapping[Any, Json]) -> Json:
    described: Json = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag]}
    doc = (inspect.getdoc(op.handler) or "").split("\n", 1)
    if len(doc) > 1 and doc[1].strip():
        described["description"] = doc[1].strip()
    if params := _parameters(op, definitions, refs):
        described["parameters"] = params
    if op.body is not None:
        described["requestBody"] = {"required": True, "content": {JSON: {"schema": refs[(op.body, "validation")]}}}
    elif op.form is not None:
        described["requestBody"] = {"required": True, "content": {FORM: {"schema": refs[(op.form, "validation")]}}}
    elif op.uploads:
        described["requestBody"] = {
            "required": True,
            "content": {media: {"schema": schema} for media, schema in op.uploads.items()},
        }
    responses: Json = {}
    for status in op.statuses:
        content: Json = {JSON: {"schema": refs[(op.response, "serialization")]}} if op.response is not None else {}
        content.update({media: {"schema": {"type": "string"}} for media in op.produces})
        responses[str(status)] = {
            "description": "OK" if status < 300 else "redirect",
            **({"content": content} if content else {}),
        }
    for status, description in op.other_responses.items():
        responses[str(status)] = {"description": description}
    for status in op.error_statuses:
        responses[str(status)] = _error_response(status, refs)
    described["responses"] = responses
    if op.public:
        described["security"] = []
    return described


def openapi_document(
    operations: Iterable[Operation],
    *,
    title: str,
    version: str,
    webhooks: Mapping[str, tuple[type[BaseModel], str]] | None = None,
    webhook_headers: Mapping[str, str] | None = None,
) -> Json:
    operations = list(operations)
    webhooks = webhooks or {}
    keys: list[tuple[type[BaseModel], Any]] = [(Error, "serialization")]
    keys += [(model, "serialization") for model, _ in webhooks.values()]
    for op in operations:
        keys += [(model, "validation") for model in (op.body, op.form, op.query) if model is not None]
        if op.response is not None:
            keys.append((op.response, "serialization"))
    refs, top = models_json_schema(list(dict.fromkeys(keys)), ref_template=REF)
    definitions: Json = top.get("$defs", {})
    paths: Json = {}
    for op in operations:
        paths.setdefault(op.openapi_path, {})[op.method.lower()] = _operation(op, definitions, refs)
    headers = [
        {"name": name, "in": "header", "required": True, "description": said, "schema": {"type": "string"}}
        for name, said in (webhook_headers or {}).items()
    ]
    outgoing = {
        event: {
            "post": {
                "summary": summary,
                "operationId": f"webhook.{event}",
                "parameters": headers,
                "requestBody": {"required": True, "content": {JSON: {"schema": refs[(model, "serialization")]}}},
                "responses": {"2XX": {"description": "taken; any other answer (a redirect too) is retried"}},
            }
        }
        for event, (model, summary) in webhooks.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": 'Errors are JSON {"error": {"code", "message", "fields"?}}.'},
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        **({"webhooks": outgoing} if outgoing else {}),
        "components": {
            "schemas": definitions,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an api_token from signup or login"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "sid",
                    "description": "unsafe methods also need the X-CSRF-Token header",
                },
            },
        },
    }
