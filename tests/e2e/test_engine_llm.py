"""The model path through the whole platform: webhook → worker → fake Groq → guard → fake Graph, all counted.

The fake Groq server answers as scripted; whatever it does, the customer gets a grounded reply with the
catalog's price, and the owner's analytics and the usage records say what happened.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import (
    CAMPAIGN,
    conversation_with,
    post_messenger,
    seeded_tenant,
    today_analytics,
    until_passes,
    wait_for_texts,
)
from tests.fakes.groq_server import FakeGroq, rate_limited, server_error, slow, start_fake_groq, tool_answer, wrong_price

TIMEOUT_S = 0.6


@pytest.fixture
async def groq(aiohttp_server) -> FakeGroq:
    return await start_fake_groq(aiohttp_server)


@pytest.fixture
async def llm_client(aiohttp_client, make_settings, graph, groq, redis):  # noqa: ARG001 # requested for what it sets up
    """The app with its worker, answering through the fake Groq and sending to the fake Graph API."""
    from tests.whole_app import create_app

    _, graph_url = graph
    settings = make_settings(graph_api_url=graph_url, groq_api_key="test-key", groq_base_url=groq.url, groq_timeout_s=TIMEOUT_S)
    return await aiohttp_client(create_app(settings))


async def _settled_totals(client, tenant, *, messages_out: int) -> dict[str, Any]:
    async def check() -> dict[str, Any]:
        totals = (await today_analytics(client, tenant))["totals"]
        assert totals["messages_out"] == messages_out, totals
        return totals

    return await until_passes(check)


@pytest.mark.usefixtures("db")
async def test_structured_model_answer_is_sent_and_its_usage_recorded(llm_client, graph, groq):
    fake, _ = graph
    answer = "The Yoga Pass is $49 a month with unlimited classes. How often do you practice?"
    groq.script(
        tool_answer(
            {"reply": answer, "facts_used": ["Yoga Pass"], "asked_next_question": True}, input_tokens=321, output_tokens=54
        )
    )
    tenant = await seeded_tenant(llm_client)

    await post_messenger(llm_client, "How much is the yoga pass?", psid="PSID_LLM")
    [sent] = await wait_for_texts(fake, 1)
    # The first reply opens with the campaign's greeting, then the model's answer as it wrote it.
    assert sent == f"Hi! Welcome to Sunrise Yoga. {answer}"

    [request] = groq.requests
    assert request.authorization == "Bearer test-key"
    assert "How much is the yoga pass?" in request.user_text
    assert "49" in request.system_text + request.user_text, "the catalog price was not given to the model"

    totals = await _settled_totals(llm_client, tenant, messages_out=1)
    assert totals["replies_llm"] == 1 and totals["replies_offline"] == 0
    assert totals["guard_blocks"] == 0

    assert totals["model_calls"] == 1 and totals["model_failures"] == 0
    assert totals["input_tokens"] == 321 and totals["output_tokens"] == 54
    # llama-3.3-70b-versatile: $0.59 per million tokens in, $0.79 out.
    assert totals["model_cost_usd"] == pytest.approx((321 * 0.59 + 54 * 0.79) / 1_000_000, abs=1e-6)

    detail = await conversation_with(llm_client, tenant, "PSID_LLM", inbound=1)
    assert detail["messages"][-1]["source"] == "llm"


@pytest.mark.usefixtures("db")
async def test_wrong_price_from_the_model_is_never_sent(llm_client, graph, groq):
    fake, _ = graph
    groq.script(wrong_price("Great news: the Yoga Pass is only $1 today!"))
    tenant = await seeded_tenant(llm_client)

    await post_messenger(llm_client, "How much is the yoga pass?", psid="PSID_GUARD")
    [sent] = await wait_for_texts(fake, 1)
    assert "only $1" not in sent and "$1 today" not in sent, sent
    assert "49" in sent, f"the grounded offline answer should state the catalog price: {sent!r}"

    totals = await _settled_totals(llm_client, tenant, messages_out=1)
    assert totals["guard_blocks"] == 1
    assert totals["replies_offline"] == 1 and totals["replies_llm"] == 0

    assert totals["model_calls"] == 1
    assert totals["input_tokens"] > 0 and totals["output_tokens"] > 0, "the model answered, so its tokens count"
    detail = await conversation_with(llm_client, tenant, "PSID_GUARD", inbound=1)
    assert detail["messages"][-1]["source"] == "offline"


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(lambda: server_error(500), id="500"),
        pytest.param(lambda: server_error(503), id="503"),
        pytest.param(lambda: rate_limited(retry_after=30), id="429"),
        pytest.param(lambda: slow(TIMEOUT_S * 5), id="slow"),
    ],
)
async def test_model_failure_falls_back_to_the_catalog_answer(llm_client, graph, groq, failure):
    fake, _ = graph
    groq.script(failure())
    tenant = await seeded_tenant(llm_client)

    await post_messenger(llm_client, "How much is the yoga pass?", psid="PSID_DOWN")
    [sent] = await wait_for_texts(fake, 1)
    assert "49" in sent, sent
    # The customer got the offline answer: the failing (or too slow) model was not waited out.
    detail = await conversation_with(llm_client, tenant, "PSID_DOWN", inbound=1)
    assert detail["messages"][-1]["source"] == "offline"
    # One bounded attempt: no retries pile onto a struggling (or rate-limiting) model.
    assert len(groq.requests) == 1

    totals = await _settled_totals(llm_client, tenant, messages_out=1)
    assert totals["replies_offline"] == 1 and totals["replies_llm"] == 0
    assert totals["guard_blocks"] == 0
    assert totals["model_calls"] == 1 and totals["model_failures"] == 1


@pytest.mark.usefixtures("db")
async def test_model_recovers_on_the_next_turn(llm_client, graph, groq):
    fake, _ = graph
    groq.script(
        server_error(500), tool_answer({"reply": "Yes, mat rental is included with the Yoga Pass.", "facts_used": ["Yoga Pass"]})
    )
    tenant = await seeded_tenant(llm_client)
    await post_messenger(llm_client, "How much is the yoga pass?", psid="PSID_BACK")
    await wait_for_texts(fake, 1)
    await conversation_with(llm_client, tenant, "PSID_BACK", inbound=1)
    await post_messenger(llm_client, "Does it include mat rental?", psid="PSID_BACK")
    texts = await wait_for_texts(fake, 2)
    assert texts[-1] == "Yes, mat rental is included with the Yoga Pass."

    totals = await _settled_totals(llm_client, tenant, messages_out=2)
    assert totals["replies_offline"] == 1 and totals["replies_llm"] == 1
    assert totals["model_calls"] == 2 and totals["model_failures"] == 1
    assert totals["input_tokens"] == 120 and totals["output_tokens"] == 40
    # The second request carries the first exchange, so the model sees the conversation so far.
    assert "How much is the yoga pass?" in "\n".join(str(m.get("content")) for m in groq.requests[-1].messages)


async def test_handoff_and_opt_out_never_wait_for_the_model(llm_client, graph, groq):
    fake, _ = graph
    tenant = await seeded_tenant(llm_client)
    await post_messenger(llm_client, "can I talk to a human?", psid="PSID_H")
    await post_messenger(llm_client, "STOP", psid="PSID_S")
    texts = await wait_for_texts(fake, 2)
    assert any("take over" in text for text in texts) and any("START" in text for text in texts), texts
    assert groq.requests == [], "fixed answers should not call the model"
    assert groq.unscripted == 0
    await conversation_with(llm_client, tenant, "PSID_H", inbound=1)

    # After STOP the customer's words are kept, unanswered, and cost no model call.
    await post_messenger(llm_client, "what does the yoga pass cost?", psid="PSID_S")
    detail = await conversation_with(llm_client, tenant, "PSID_S", inbound=2)
    assert [m["state"] for m in detail["messages"] if m["direction"] == "in"] == ["answered", "skipped"]
    assert groq.requests == [] and len(fake.texts()) == 2


async def test_model_is_told_only_this_platforms_catalog(llm_client, graph, groq):
    fake, _ = graph
    groq.script(tool_answer({"reply": "We offer the Yoga Pass.", "facts_used": ["Yoga Pass"]}))
    tenant = await seeded_tenant(llm_client)
    glow = {
        **CAMPAIGN,
        "name": "Insta glow launch",
        "target_platform": "instagram",
        "product": {**CAMPAIGN["product"], "name": "Glow Serum", "price": 35.0},
    }
    assert (await llm_client.post("/api/campaigns", json=glow, headers=tenant.headers)).status == 201

    await post_messenger(llm_client, "What do you sell?", psid="PSID_CAT")
    await wait_for_texts(fake, 1)
    [request] = groq.requests
    prompt = "\n".join(str(m.get("content")) for m in request.messages)
    assert "Yoga Pass" in prompt
    assert "Glow Serum" not in prompt and "35.00" not in prompt, "an Instagram-only product reached the Messenger prompt"
