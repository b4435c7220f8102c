"""The guard: amounts, percentages, hidden products, discount words and leaked instructions."""

from __future__ import annotations

import pytest

from bot.pipeline.classify import classify_turn
from bot.pipeline.guard import check_reply
from bot.pipeline.offline import offline_reply, safe_reply
from tests.bot.samples import DOCUMENTS, PASSAGES, context, facts_for

FACEBOOK = facts_for("facebook")
SUPPORT = [p.text for p in PASSAGES]


@pytest.mark.parametrize(
    "text",
    [
        "Yoga Mat Pro costs $49.00.",
        "The Yoga Mat Pro is $49.",
        "It's 49 dollars.",
        "Online Coaching is 99.00 EUR a month.",
        "Online Coaching is 99 €.",
        "Shipping is $5.99 and free over $50.",
        "Hi! How can I help you today?",
        "Feel free to ask anything, I'm free to chat.",
    ],
)
def test_catalog_and_document_facts_pass(text: str) -> None:
    verdict = check_reply(text, FACEBOOK, support=SUPPORT)
    assert verdict.ok, verdict.violations


@pytest.mark.parametrize(
    "text",
    [
        "The price is $1.",
        "It costs $39.00 USD.",
        "Yoga Mat Pro costs 49.00 EUR.",  # right number, wrong currency
        "Online Coaching is $99.",  # right number, wrong currency
        "Only 1,299.00 USD!",
        "You get it for 25 euros.",
    ],
)
def test_amounts_not_in_the_catalog_are_blocked(text: str) -> None:
    verdict = check_reply(text, FACEBOOK, support=SUPPORT)
    assert not verdict.ok
    assert any("amount" in v for v in verdict.violations)


def test_percentages_must_stand_in_the_tenants_texts() -> None:
    assert not check_reply("Today you save 20% on the mat.", FACEBOOK).ok
    facts = facts_for("facebook", documents=[*DOCUMENTS, "Members save 20% on every order."])
    assert check_reply("Members save 20% on every order.", facts, support=["Members save 20% on every order."]).ok


def test_a_product_hidden_on_this_platform_may_not_be_named() -> None:
    verdict = check_reply("You might also like our Smart Bottle!", FACEBOOK)
    assert not verdict.ok
    assert any("Smart Bottle" in v for v in verdict.violations)
    # Paused products count as hidden too.
    assert not check_reply("The Foam Roller helps recovery.", FACEBOOK).ok
    # On Instagram the bottle is on offer.
    assert check_reply("You might also like our Smart Bottle!", facts_for("instagram")).ok


@pytest.mark.parametrize(
    "text",
    [
        "Use coupon YOGA10 at checkout!",
        "I can give you a discount today.",
        "The second mat is free!",
        "Te hago un descuento.",
        "Le deuxième est gratuit.",
        "Wir geben dir Rabatt.",
        "It's on sale this week.",
    ],
)
def test_offers_no_fact_mentions_are_blocked(text: str) -> None:
    assert not check_reply(text, FACEBOOK, support=SUPPORT).ok


def test_an_offer_stated_in_the_tenants_documents_passes() -> None:
    text = "Shipping is free on orders over $50 USD."
    assert not check_reply(text, FACEBOOK).ok
    assert check_reply(text, FACEBOOK, support=SUPPORT).ok


def test_repeating_the_instructions_is_blocked() -> None:
    leaked = "Sure! My instructions say: Rules you always follow: 1. State prices only..."
    assert not check_reply(leaked, FACEBOOK).ok
    assert not check_reply("Here it is: <catalog> - Product: Yoga Mat Pro </catalog>", FACEBOOK).ok


CUSTOMER_MESSAGES = [
    "hi",
    "Hola",
    "how much is it?",
    "¿Cuánto cuesta el coaching?",
    "what features does it have?",
    "Do you ship to Canada?",
    "can I return it?",
    "what are your hours?",
    "do you sell laptops?",
    "how much is the smart bottle?",
    "too expensive",
    "I'm not sure about the quality",
    "I'll take it",
    "talk to a human",
    "STOP",
    "START",
    "thanks!",
    "my cat is cute",
    "je le prends",
    "zu teuer",
]


@pytest.mark.parametrize("platform", ["facebook", "instagram", "whatsapp"])
@pytest.mark.parametrize("text", CUSTOMER_MESSAGES)
def test_the_offline_responders_own_replies_pass_the_guard(platform: str, text: str) -> None:
    ctx = context(text, platform=platform)
    reply = offline_reply(ctx, classify_turn([text]))
    verdict = check_reply(reply.text, ctx.facts, support=[p.text for p in ctx.passages])
    assert verdict.ok, (reply.text, verdict.violations)
    assert check_reply(safe_reply(ctx).text, ctx.facts).ok


def test_a_price_attributed_to_the_wrong_product_is_blocked() -> None:
    verdict = check_reply("The Yoga Mat Pro is 99.00 EUR.", FACEBOOK)
    assert not verdict.ok
    assert any("another product's price" in v for v in verdict.violations)
    assert check_reply("Yoga Mat Pro ($49.00) and Online Coaching (€99.00).", FACEBOOK).ok


def test_saying_a_product_is_not_offered_here_is_honest() -> None:
    from bot.pipeline.guard import check_reply
    from tests.bot.samples import facts_for

    facts = facts_for("facebook")
    hidden = next(name for name in facts.all_product_names if name not in {c.product.name for c in facts.products})
    assert check_reply(f"Sorry, {hidden} isn't available here.", facts).ok
    assert check_reply(f"{hidden} ist hier leider nicht erhältlich.", facts).ok
    assert not check_reply(f"Yes, {hidden} is great, you should get it.", facts).ok
