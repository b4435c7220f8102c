"""The API description lists every contract path, with request bodies from the models."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

CONTRACT = {
    "/api/signup": {"post"},
    "/api/login": {"post"},
    "/api/logout": {"post"},
    "/api/me": {"get"},
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
}


def resolve(document: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


async def test_openapi_lists_the_contract_without_login(api: TestClient) -> None:
    response = await api.get("/api/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document["openapi"].startswith("3.1")
    for path, methods in CONTRACT.items():
        assert path in document["paths"], path
        assert methods <= set(document["paths"][path]), path
    campaign = document["paths"]["/api/campaigns"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    campaign_schema = resolve(document, campaign)
    assert {"name", "product", "target_platform", "chat_flow", "status"} <= set(campaign_schema["properties"])
    product = resolve(document, campaign_schema["properties"]["product"])
    assert {"price", "currency", "features", "call_to_action_url"} <= set(product["properties"])
    signup = resolve(document, document["paths"]["/api/signup"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    assert signup["properties"]["password"]["minLength"] == 8


async def test_every_served_api_route_is_described(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    for resource in api.server.app.router.resources():
        path = resource.canonical
        if not path.startswith("/api/"):
            continue
        described = document["paths"].get(path)
        assert described is not None, path
        served = {route.method.lower() for route in resource if route.method not in ("HEAD", "*")}
        assert served <= set(described), path
