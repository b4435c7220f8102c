"""Leo on ads: "which ad brings buyers?" and "is the summer ad worth its money?" answered from the ads tool, offline
and through the model, with the figures `GET /api/ads` shows, a made-up number refused, and no rival's ad."""

from __future__ import annotations

import re

from babel.numbers import format_currency

from bot.conversations.source import record_referral
from bot.pipeline.types import LeadStage
from bot.sales.attribution import ConversationSource
from tests.dashboard.conftest import platform_of
from tests.dashboard.seeding import conversation, lead, sale
from tests.fakes.groq_server import call_tools, text_answer
from tests.leo.conftest import ask_leo, at

SUMMER = ConversationSource(kind="ad", ad_id="9001", headline="Summer yoga")
FLYER = ConversationSource(kind="ad", ad_id="9002", headline="Morning flyer")
RIVAL_AD = ConversationSource(kind="ad", ad_id="7777", headline="Hot Sauce promo")


async def _ads(client, shop):
    db = platform_of(client).db
    for customer, source, sold in (("s1", SUMMER, 98), ("s2", SUMMER, 0), ("f1", FLYER, 0)):
        conv = await conversation(db, shop.owner.tenant_id, "facebook", customer, at=at("2026-03-05"), campaign_id=shop.yoga_id)
        await record_referral(db, shop.owner.tenant_id, conv.id, source, at=at("2026-03-05"))
        conv = conv.model_copy(update={"source": source})
        await lead(db, conv, at=at("2026-03-05"), stage=LeadStage.qualified, campaign_id=shop.yoga_id)
        if sold:
            await sale(db, conv, sold, at=at("2026-03-06"))
    rival = await conversation(db, shop.rival.tenant_id, "facebook", "r1", at=at("2026-03-05"))
    await record_referral(db, shop.rival.tenant_id, rival.id, RIVAL_AD, at=at("2026-03-05"))
    for ad_id, amount in (("9001", 49), ("9002", 30)):
        body = {"ad_id": ad_id, "from": "2026-03-01", "to": "2026-03-10", "amount": amount, "currency": "USD"}
        response = await client.put("/api/ads/spend", json=body, headers=shop.owner.auth)
        assert response.status == 200, await response.text()


async def test_which_ad_brings_buyers_is_answered_from_the_ads_figures(shop_api):
    client, shop = shop_api
    await _ads(client, shop)
    report = await (await client.get("/api/ads", headers=shop.owner.auth)).json()
    summer = next(ad for ad in report["ads"] if ad["ad_id"] == "9001")
    assert (summer["sales"], summer["revenue"], summer["spend"]) == (1, 98.0, 49.0)

    answer = await ask_leo(client, shop.owner, "Which ad brings buyers?")
    reply = answer["reply"]
    assert (
        "The ad that brings the most buyers in the last 30 days (2026-02-10 to 2026-03-11) is Summer yoga: 1 sale, revenue $98.00."
        in reply
    ), reply
    assert (
        "- Summer yoga: 2 conversations, 2 leads, 1 sale, revenue $98.00; spent $49.00, $49.00 per sale, return on ad spend 2.00: it brought more than it cost."
        in reply
    )
    assert (
        "- Morning flyer: 1 conversation, 1 lead, 0 sales, revenue $0.00; spent $30.00, return on ad spend 0.00: it cost more than it brought so far."
        in reply
    )
    assert answer["figures"][0]["title"].startswith("Ads,")
    assert "Hot Sauce" not in reply + str(answer["figures"])


async def test_whether_the_summer_ad_is_worth_its_money_in_other_languages_too(shop_api):
    client, shop = shop_api
    await _ads(client, shop)
    questions = (
        "Is the summer ad worth its money?",
        "¿Vale la pena el anuncio de verano?",
        "O anúncio de verão vale a pena?",
        "La pub d'été est-elle rentable ?",
        "Lohnt sich die Werbung?",
        "L'annuncio estivo conviene?",
    )
    for question in questions:
        reply = (await ask_leo(client, shop.owner, question))["reply"]
        assert "Summer yoga" in reply and "it brought more than it cost" in reply, (question, reply)


async def test_without_ads_leo_says_so(shop_api):
    client, shop = shop_api
    reply = (await ask_leo(client, shop.owner, "Which ad brings buyers?"))["reply"]
    assert "No conversation started from an ad in the last 30 days" in reply


async def test_the_model_reads_the_ads_tool_and_a_made_up_figure_is_refused(groq_shop_api):
    client, shop, fake = groq_shop_api
    await _ads(client, shop)
    fake.script(call_tools(("ad_performance", {})), text_answer("Summer yoga made 1 sale for $98.00 of revenue on $49.00 spent."))
    answer = await ask_leo(client, shop.owner, "Which ad brings buyers?")
    assert answer["reply"] == "Summer yoga made 1 sale for $98.00 of revenue on $49.00 spent."
    sent = "".join(fake.requests[-1].tool_results)
    assert "9001" in sent and "Hot Sauce" not in sent

    fake.script(call_tools(("ad_performance", {})), text_answer("Summer yoga returned 7.5 times its cost: $367.50."))
    answer = await ask_leo(client, shop.owner, "Is the summer ad worth its money?")
    assert "367.50" not in answer["reply"] and "it brought more than it cost" in answer["reply"]


async def test_a_german_owner_reads_the_ads_answer_and_its_table_in_german(shop_api):
    client, shop = shop_api
    await _ads(client, shop)
    chosen = await client.put("/api/account", json={"language": "de"}, headers=shop.owner.auth)
    assert chosen.status == 200, await chosen.text()
    answer = await ask_leo(client, shop.owner, "Welche Anzeige bringt Käufer?")
    reply = re.sub("[\u2009\u202f\u00a0]", " ", answer["reply"])
    revenue, spend = (format_currency(amount, "USD", locale="de").replace("\xa0", " ") for amount in (98, 49))
    assert f"ist Summer yoga: 1 Verkauf, Umsatz {revenue}." in reply, reply
    assert f"- Summer yoga: 2 Unterhaltungen, 2 Leads, 1 Verkauf, Umsatz {revenue}; kostete {spend}, {spend} pro Verkauf" in reply
    assert "Werbeertrag 2,00: Sie hat mehr eingebracht, als sie gekostet hat." in reply
    table = answer["figures"][0]
    assert table["title"].startswith("Anzeigen, ") and "Werbeertrag" in table["columns"]
    assert "brought" not in reply and "spent" not in reply


async def test_one_ad_named_is_answered_alone_over_the_days_asked(shop_api):
    client, shop = shop_api
    await _ads(client, shop)
    answer = await ask_leo(client, shop.owner, "Is the summer ad worth its money this month?")
    reply = answer["reply"]
    assert reply.startswith(
        "Summer yoga in this month (2026-03-01 to 2026-03-11): 2 conversations, 2 leads, 1 sale, revenue $98.00;"
    ), reply
    assert "spent $49.00, $49.00 per sale, return on ad spend 2.00: it brought more than it cost." in reply
    assert "Morning flyer" not in reply + str(answer["figures"])
    [table] = answer["figures"]
    assert [row[1] for row in table["rows"]] == ["9001"]
    # The flyer, named next in the same thread, is answered alone too; a period with nothing falls back to every ad.
    flyer = (await ask_leo(client, shop.owner, "And the morning flyer?", thread_id=answer["thread_id"]))["reply"]
    assert flyer.startswith("Morning flyer in this month") and "it cost more than it brought so far" in flyer, flyer


async def test_the_model_asks_for_one_ad_and_every_figure_it_writes_is_checked(groq_shop_api):
    client, shop, fake = groq_shop_api
    await _ads(client, shop)
    fake.script(
        call_tools(("ad_performance", {"ad": "summer", "period": "this month"})),
        text_answer("The summer ad brought 1 sale and $98.00 for $49.00 spent: a return of 2.00."),
    )
    answer = await ask_leo(client, shop.owner, "Is the summer ad worth it this month?")
    assert answer["reply"] == "The summer ad brought 1 sale and $98.00 for $49.00 spent: a return of 2.00."
    sent = "".join(fake.requests[-1].tool_results)
    assert "9001" in sent and "9002" not in sent and "Morning flyer" not in sent

    fake.script(
        call_tools(("ad_performance", {"ad": "summer"})),
        text_answer("The summer ad brought 3 sales and $294.00 for $49.00 spent."),
    )
    answer = await ask_leo(client, shop.owner, "Is the summer ad worth it?")
    assert "294" not in answer["reply"] and "Summer yoga in" in answer["reply"], answer["reply"]
