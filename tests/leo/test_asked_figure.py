"""Leo answers the question asked: the figure named decides the ranking (in the owner's languages, and through the
model's `metric` argument), every figure named is in the answer also when the model's draft is refused, and a
question outside Leo's tools gets a short "I can answer about …", never the last answer again."""

from __future__ import annotations

import json
import re

import pytest

from bot.pipeline.types import LeadStage
from dashboard.leo.analyst import OUTSIDE
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import conversation, lead, sale
from tests.fakes.groq_server import call_tools, text_answer
from tests.leo.conftest import Shop, ask_leo, at


async def _retreat_sale(client, shop: Shop) -> None:
    """One retreat sold: the retreat now brings the most revenue ($299 against $196), while the yoga pass still
    makes the most sales, converts best and has the most conversations."""
    db = platform_of(client).db
    conv = await conversation(
        db, shop.owner.tenant_id, "instagram", "IGSID_RICH", at=at("2026-03-06"), campaign_id=shop.retreat_id
    )
    await lead(db, conv, at=at("2026-03-06"), stage=LeadStage.qualified, score=80)
    await sale(db, conv, 299, at=at("2026-03-06", 16), zone="America/New_York")


LEADERS = {
    "revenue": "Retreat weekend brings the most revenue in the last 30 days (2026-02-10 to 2026-03-11): $299.00.",
    "sales": "Spring yoga pass makes the most sales in the last 30 days (2026-02-10 to 2026-03-11): 4.",
    "conversations": "Spring yoga pass has the most conversations in the last 30 days (2026-02-10 to 2026-03-11): 13.",
    "rate": "Best: Spring yoga pass at 30.8%. Worst: Retreat weekend at 16.7%.",
}
QUESTIONS = {
    "revenue": [
        "Which campaign brings the most revenue?",
        "¿Qué campaña trae más ingresos?",
        "Qual campanha traz mais receita?",
        "Quelle campagne rapporte le plus de chiffre d'affaires ?",
        "Welche Kampagne bringt den meisten Umsatz?",
        "Quale campagna porta più fatturato?",
    ],
    "sales": [
        "Which campaign makes the most sales?",
        "¿Qué campaña tiene más ventas?",
        "Qual campanha tem mais vendas?",
        "Quelle campagne a le plus de ventes ?",
        "Welche Kampagne hat die meisten Verkäufe?",
        "Quale campagna ha più vendite?",
    ],
    "conversations": [
        "Which campaign has the most conversations?",
        "¿Qué campaña tiene más conversaciones?",
        "Qual campanha tem mais conversas?",
        "Quelle campagne a le plus de conversations ?",
        "Welche Kampagne hat die meisten Gespräche?",
        "Quale campagna ha più conversazioni?",
    ],
    "rate": [
        "Which campaign has the best conversion rate?",
        "¿Qué campaña tiene la mejor tasa de conversión?",
        "Qual campanha tem a melhor taxa de conversão?",
        "Quelle campagne a le meilleur taux de conversion ?",
        "Welche Kampagne hat die beste Konversionsrate?",
        "Quale campagna ha il miglior tasso di conversione?",
    ],
}


@pytest.mark.parametrize("figure", list(QUESTIONS))
async def test_the_figure_asked_decides_which_campaign_leads_in_six_languages(shop_api, figure):
    client, shop = shop_api
    await _retreat_sale(client, shop)
    for question in QUESTIONS[figure]:
        reply = (await ask_leo(client, shop.owner, question))["reply"]
        assert LEADERS[figure] in reply, (question, reply)


async def test_a_ranking_lists_every_campaign_by_that_figure_and_its_table_leads_with_it(shop_api):
    client, shop = shop_api
    await _retreat_sale(client, shop)
    answer = await ask_leo(client, shop.owner, "Which campaign brings the most revenue?")
    lines = answer["reply"].splitlines()
    assert lines[1:] == [
        "Your campaigns by revenue:",
        "- Retreat weekend: revenue $299.00 (6 conversations, 1 sale, conversion rate 16.7%).",
        "- Spring yoga pass: revenue $196.00 (13 conversations, 4 sales, conversion rate 30.8%).",
    ]
    [table] = answer["figures"]
    assert table["columns"][:2] == ["campaign", "revenue"]
    assert [row[:2] for row in table["rows"][:2]] == [["Retreat weekend", "$299.00"], ["Spring yoga pass", "$196.00"]]
    # A follow-up with another figure ranks the same campaigns again.
    again = await ask_leo(client, shop.owner, "and by conversations?", answer["thread_id"])
    assert again["reply"].startswith(LEADERS["conversations"])


async def test_products_and_channels_rank_by_the_figure_asked_too(shop_api):
    client, shop = shop_api
    await _retreat_sale(client, shop)
    products = (await ask_leo(client, shop.owner, "Which product brings the most revenue?"))["reply"]
    assert products.startswith("Retreat brings the most revenue in the last 30 days"), products
    channels = (await ask_leo(client, shop.owner, "Which channel has the most conversations?"))["reply"]
    assert channels.startswith("Instagram has the most conversations in the last 30 days"), channels
    assert "- Instagram: conversations 10 (1 sale, conversion rate 10%)." in channels


async def test_every_figure_asked_is_in_the_answer(shop_api):
    client, shop = shop_api
    answer = (await ask_leo(client, shop.owner, "What's my conversion rate and revenue?"))["reply"]
    assert "Your conversion rate in the last 30 days (2026-02-10 to 2026-03-11) is 21.1%" in answer, answer
    assert "Revenue in the last 30 days (2026-02-10 to 2026-03-11): $196.00 (the 30 days before: $49.00)." in answer
    spanish = (await ask_leo(client, shop.owner, "¿Cuántos mensajes y cuántas derivaciones tuve?"))["reply"]
    assert spanish.splitlines() == [
        "Customer messages in the last 30 days (2026-02-10 to 2026-03-11): 42 (the 30 days before: 9).",
        "Handoffs to a person in the last 30 days (2026-02-10 to 2026-03-11): 1 (the 30 days before: 0).",
    ]


async def test_when_the_models_draft_is_refused_the_answer_still_has_every_figure_asked(groq_shop_api):
    client, shop, fake = groq_shop_api
    fake.script(
        call_tools(("metrics", {"metric": "conversion_rate"}), ("metrics", {"metric": "revenue"})),
        text_answer("Your conversion rate is 21.1% and revenue is $9,999.00."),
    )
    answer = (await ask_leo(client, shop.owner, "What's my conversion rate and revenue?"))["reply"]
    assert "9,999" not in answer
    assert "is 21.1%: 4 sales from 19 new conversations" in answer and "Revenue in the last 30 days" in answer, answer


async def test_the_models_metric_argument_reads_a_question_the_catalog_cannot(groq_shop_api):
    client, shop, fake = groq_shop_api
    await _retreat_sale(client, shop)
    fake.script(
        call_tools(("metrics", {"group_by": "campaign", "metric": "revenue"})),
        text_answer("売上が一番多いのはRetreat weekendで、12,345ドルです。"),
    )
    answer = await ask_leo(client, shop.owner, "どのキャンペーンが一番売上が多いですか？")
    # The tool ranked by the figure the model passed, and named the leader.
    [result] = fake.requests[-1].tool_results
    data = json.loads(re.sub(r"^<data tool=\"\w+\">\n|\n</data>$", "", result))
    assert data["ranked_by"] == "revenue" and data["leader"] == ["Retreat weekend"]
    assert data["columns"][:2] == ["campaign", "revenue"] and data["rows"][0][:2] == ["Retreat weekend", "$299.00"]
    # The draft made up its figure, so the answer is the tools' own: ranked by what the model understood.
    assert answer["reply"].startswith(LEADERS["revenue"]), answer["reply"]


@pytest.mark.parametrize("message", ["weather tomorrow?", "thanks!", "¿Qué tiempo hará mañana?", "merci !", "Tell me a joke"])
async def test_a_question_outside_leos_tools_gets_what_it_can_answer_about(shop_api, message):
    client, shop = shop_api
    first = await ask_leo(client, shop.owner, "What's my conversion rate?")
    outside = await ask_leo(client, shop.owner, message, first["thread_id"])
    assert outside["reply"] == OUTSIDE and outside["figures"] == []
    # The thread goes on from the last question Leo could answer.
    follow = await ask_leo(client, shop.owner, "and on Instagram?", first["thread_id"])
    assert "Your conversion rate on Instagram" in follow["reply"], follow["reply"]


async def test_with_a_model_an_outside_question_is_answered_in_a_sentence(groq_shop_api):
    client, shop, fake = groq_shop_api
    fake.script(text_answer("I can only answer about your business: try “Which campaign brings the most revenue?”."))
    answer = await ask_leo(client, shop.owner, "weather tomorrow?")
    assert answer["reply"].startswith("I can only answer about your business")
    # And when the model cannot answer, the offline reply says the same in its own words.
    fake.script(text_answer("Tomorrow will be sunny, 25 degrees."))
    assert (await ask_leo(client, shop.owner, "weather tomorrow?"))["reply"] == OUTSIDE
