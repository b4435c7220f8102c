"""Leo without a model: the owner's common questions answered from the tools, checked against the analytics the
owner sees for the same days (`GET /api/analytics`)."""

from __future__ import annotations

import re

from tests.dashboard.conftest import sign_up
from tests.leo.conftest import RIVAL_MARKS, analytics, ask_leo


def _no_rival(reply: dict) -> None:
    shown = reply["reply"] + str(reply["figures"])
    assert not [mark for mark in RIVAL_MARKS if mark in shown], shown


async def test_the_conversion_rate_is_conversions_over_conversations_overall_by_campaign_and_platform(shop_api):
    client, shop = shop_api
    report = await analytics(client, shop.owner)
    t = report["totals"]
    answer = await ask_leo(client, shop.owner, "What's my conversion rate?")
    rate = round(t["conversions"] / t["conversations"] * 100, 1)
    assert f"is {rate:g}%: {t['conversions']} sales from {t['conversations']} new conversations" in answer["reply"], answer[
        "reply"
    ]
    for row in report["per_campaign"]:
        if row["conversations"]:
            assert (
                f"{row['campaign_name']} {round(row['conversion_rate'] * 100, 1):g}% ({row['conversions']} of {row['conversations']})"
                in answer["reply"]
            )
    assert "Messenger 50% (3 of 6); Instagram 0% (0 of 10); WhatsApp 33.3% (1 of 3)" in answer["reply"]
    assert [f["title"].split(",")[0] for f in answer["figures"]] == ["Numbers", "Numbers by campaign", "Numbers by platform"]
    _no_rival(answer)
    # Last month in the business's own calendar: February, before any of this month's sales.
    february = await ask_leo(client, shop.owner, "and last month?", answer["thread_id"])
    assert (
        "last month (2026-02-01 to 2026-02-28)" in february["reply"]
        and "is 20%: 1 sale from 5 new conversations" in february["reply"]
    )


async def test_how_the_campaigns_perform_best_and_worst_and_why(shop_api):
    client, shop = shop_api
    answer = (await ask_leo(client, shop.owner, "How are my campaigns performing?"))["reply"]
    assert "- Spring yoga pass: 13 conversations, 4 sales (conversion rate 30.8%), revenue $196.00" in answer, answer
    assert "- Retreat weekend: 6 conversations, 0 sales (conversion rate 0%), no revenue" in answer
    assert "Best: Spring yoga pass at 30.8%. Worst: Retreat weekend at 0%." in answer
    assert "customers raised 3 objections there" in answer
    assert "Mat sale" not in answer  # no conversations: not ranked


async def test_why_instagram_converts_worse_names_the_figures_behind_it(shop_api):
    client, shop = shop_api
    report = await analytics(client, shop.owner)
    instagram = next(p for p in report["per_platform"] if p["platform"] == "instagram")
    answer = (await ask_leo(client, shop.owner, "Why does Instagram convert worse?"))["reply"]
    assert "- Instagram: 10 conversations, 0 sales (conversion rate 0%)" in answer, answer
    why = next(line for line in answer.splitlines() if line.startswith("Why Instagram does worse:"))
    assert f"answers fewer customer messages: {round(instagram['response_rate'] * 100, 1):g}% against 100% for Messenger" in why
    assert "2 replies could not be delivered" in why


async def test_a_question_that_assumes_the_wrong_thing_is_corrected_first(shop_api):
    client, shop = shop_api
    # Messenger converts best here (3 sales of 6 conversations), so "why worse?" gets the premise corrected.
    answer = (await ask_leo(client, shop.owner, "Why does Messenger convert worse?"))["reply"]
    assert "Messenger actually converts best of your platforms." in answer
    assert "Why Messenger does worse" not in answer


async def test_what_the_business_sells_and_its_top_products(shop_api):
    client, shop = shop_api
    sells = (await ask_leo(client, shop.owner, "What do I sell?"))["reply"]
    assert sells.splitlines() == [
        "You sell 3 products:",
        "- Yoga Pass at $49.00, on every platform (campaign Spring yoga pass, active).",
        "- Retreat at $299.00, on Instagram (campaign Retreat weekend, active).",
        "- Eco Mat at $35.00, on Messenger (campaign Mat sale, paused).",
    ]
    top = (await ask_leo(client, shop.owner, "Show me top performing products"))["reply"]
    assert top.splitlines()[1] == "- Yoga Pass ($49.00): 4 sales, revenue $196.00, conversion rate 30.8% from 13 conversations."


async def test_the_leads_to_call_today_with_their_contacts(shop_api):
    client, shop = shop_api
    answer = await ask_leo(client, shop.owner, "Which leads should I call today?")
    lines = answer["reply"].splitlines()
    assert lines[0] == "Call these today (3 open leads, hottest first):"
    assert lines[1].startswith("- Ana Lima: score 85, qualified, +12125550101 on Messenger, has not had the purchase link.")
    assert lines[2].startswith("- Ben Ortiz: score 70, proposal, +14155550123 on WhatsApp.")
    assert "Gone Guy" not in answer["reply"] and "Buyer" not in answer["reply"]  # lost and converted leads are not called
    _no_rival(answer)


async def test_what_changed_against_the_period_before(shop_api):
    client, shop = shop_api
    report = await analytics(client, shop.owner)
    answer = await ask_leo(client, shop.owner, "What changed against the previous period?")
    before = report["previous"]["totals"]
    assert f"- sales: {report['totals']['conversions']} (was {before['conversions']}, +3)." in answer["reply"], answer["reply"]
    assert "- conversations: 19 (was 5, +14)." in answer["reply"] and "- revenue USD: 196 (was 49, +147)." in answer["reply"]
    on_instagram = await ask_leo(client, shop.owner, "and on Instagram?", answer["thread_id"])
    assert (
        "on Instagram against the 30 days before" in on_instagram["reply"]
        and "- conversations: 10 (was 0, +10)." in on_instagram["reply"]
    )


async def test_how_to_improve_sales_gives_advice_tied_to_figures(shop_api):
    client, shop = shop_api
    answer = (await ask_leo(client, shop.owner, "How can I improve sales?"))["reply"]
    advice = [line for line in answer.splitlines() if re.match(r"\d\. ", line)]
    assert len(advice) >= 4, answer
    assert all(re.search(r"\d", line[3:]) for line in advice), "every piece of advice carries its figure"
    assert any("Retreat weekend met 3 objections and its chat flow has no objection answers" in line for line in advice)
    assert any("Retreat weekend had 6 conversations and no sale" in line for line in advice)
    assert any(
        line.startswith("3. Instagram answers 77% of customer messages against 100% on Messenger")
        or "Instagram answers 77% of customer messages against 100% on Messenger" in line
        for line in advice
    )
    assert any("1 hot lead scoring 60 or more never got the purchase link: send it to Ana Lima (85)" in line for line in advice)


async def test_a_quiet_business_gets_plain_answers_in_good_english(shop_api):
    client, _ = shop_api
    quiet = await sign_up(client, "quiet@example.com", business="Quiet Shop")
    hello = (await ask_leo(client, quiet, "hello Leo"))["reply"]
    assert "0 new conversations" in hello and "no revenue" in hello and "0 handoffs" in hello
    assert "no open leads" in (await ask_leo(client, quiet, "Which leads should I call today?"))["reply"]
    assert "no campaigns yet" in (await ask_leo(client, quiet, "What do I sell?"))["reply"]
    assert "Nothing stands out" in (await ask_leo(client, quiet, "How can I improve sales?"))["reply"]


async def test_threads_belong_to_their_owner_and_bad_input_is_refused(shop_api):
    client, shop = shop_api
    answer = await ask_leo(client, shop.owner, "What's my conversion rate?")
    foreign = await client.post(
        "/api/leo/chat", json={"message": "and on Instagram?", "thread_id": answer["thread_id"]}, headers=shop.rival.auth
    )
    assert foreign.status == 404
    for body in ({"message": ""}, {"message": "x" * 2001}, {"message": "hi", "thread_id": "../../etc"}, {"text": "hi"}):
        response = await client.post("/api/leo/chat", json=body, headers=shop.owner.auth)
        assert response.status == 422, body


async def test_leo_is_rate_limited_per_owner(shop_api):
    client, shop = shop_api
    statuses = [
        (await client.post("/api/leo/chat", json={"message": "hello"}, headers=shop.owner.auth)).status for _ in range(21)
    ]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    # Another owner is not slowed down by the first one's questions.
    assert (await client.post("/api/leo/chat", json={"message": "hello"}, headers=shop.rival.auth)).status == 200
