"""Campaign and profile fields are bounded, in the API description and in the errors."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.dashboard.conftest import SignedUp
from tests.dashboard.test_openapi import body_schema, resolve


def campaign(**product: object) -> dict:
    return {"name": "Spring", "product": {"name": "Runner", "price": 49.0, "currency": "USD", **product}}


async def errors_of(response) -> dict[str, str]:
    assert response.status == 422, await response.text()
    return (await response.json())["error"]["fields"]


async def test_a_campaign_of_megabytes_is_refused(api: TestClient, owner: SignedUp) -> None:
    huge = campaign(features=["x" * 200_000] * 50)  # 10 MB of features
    response = await api.post("/api/campaigns", json=huge, headers=owner.auth)
    assert response.status == 413
    assert (await api.get("/api/campaigns", headers=owner.auth)).status == 200
    assert (await (await api.get("/api/campaigns", headers=owner.auth)).json())["campaigns"] == []


async def test_each_bounded_part_is_named_with_its_limit(api: TestClient, owner: SignedUp) -> None:
    fields = await errors_of(await api.post("/api/campaigns", json=campaign(features=["light", "y" * 301]), headers=owner.auth))
    assert fields == {"product.features.1": "Feature 2 can have at most 300 characters."}
    fields = await errors_of(await api.post("/api/campaigns", json=campaign(features=["f"] * 51), headers=owner.auth))
    assert "at most 50" in fields["product.features"]

    flow = {"qualification_questions": ["q" * 501], "objection_handling": {f"objection {n}": "answer" for n in range(31)}}
    fields = await errors_of(await api.post("/api/campaigns", json={**campaign(), "chat_flow": flow}, headers=owner.auth))
    assert fields["chat_flow.qualification_questions.0"] == "Question 1 can have at most 500 characters."
    assert "at most 30" in fields["chat_flow.objection_handling"]
    long_answer = {"objection_handling": {"too expensive": "a" * 2001}}
    fields = await errors_of(await api.post("/api/campaigns", json={**campaign(), "chat_flow": long_answer}, headers=owner.auth))
    assert "at most 2,000 characters" in next(iter(fields.values()))

    fields = await errors_of(
        await api.put("/api/onboarding", json={"name": "Acme", "description": "d" * 5001}, headers=owner.auth)
    )
    assert fields == {"description": "What your business does can have at most 5,000 characters."}

    within = {
        **campaign(features=["f" * 300] * 50),
        "chat_flow": {
            "qualification_questions": ["q" * 500] * 20,
            "objection_handling": {f"o{n}": "a" * 2000 for n in range(30)},
        },
    }
    assert (await api.post("/api/campaigns", json=within, headers=owner.auth)).status == 201


async def test_the_description_states_the_limits(api: TestClient) -> None:
    document = await (await api.get("/api/openapi.json")).json()
    schema = body_schema(document, "/api/campaigns", "post")
    product = resolve(document, schema["properties"]["product"])
    features = product["properties"]["features"]
    assert features["maxItems"] == 50 and features["items"]["maxLength"] == 300
    assert "300 characters" in features["description"]
    flow = resolve(document, schema["properties"]["chat_flow"])
    assert flow["properties"]["objection_handling"]["maxProperties"] == 30
    assert flow["properties"]["qualification_questions"]["items"]["maxLength"] == 500
