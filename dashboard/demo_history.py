"""Thirty days of made-up but plausible history for the demo business, so every page and chart has
something to show: conversations on all three channels, leads at every stage, sales, handoffs, a complaint,
and the engine's daily counters (hours of the week included) agreeing with them.

Each day is generated from its own date (the same day always gives the same history) and recorded in
`demo_days` once written, so seeding again (another start, another day) adds only the days still missing
up to today. Everything goes through the stores the engine itself uses; conversations carry `demo: true`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pymongo.errors import DuplicateKeyError

from bot.conversations import messages as msgs
from bot.conversations import store as convs
from bot.conversations.records import ConversationStatus, to_ms
from bot.conversations.source import record_referral
from bot.pipeline.lead_scoring import score_lead_notes
from bot.pipeline.types import LeadFields, LeadStage, LeadState
from bot.sales.ad_spend import SpendRow, save_spend
from bot.sales.attribution import ConversationSource
from bot.sales.conversions import ConversionIn, record_conversion
from bot.sales.counters import bump_daily, hour_field
from bot.sales.leads import save_lead_after_turn
from channels.events import InboundMessage
from knowledge.db import Db
from knowledge.models import Campaign

DAYS = 30
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Elif",
    "Femi",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kemi",
    "Liam",
    "Mia",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Yara",
    "Zoe",
)
LAST_INITIALS = "ABCDEFGHJKLMNPRSTW"
# Customers write mostly at lunch and in the evening.
HOUR_WEIGHTS = [1, 1, 0, 0, 0, 1, 2, 4, 6, 6, 5, 6, 9, 8, 5, 5, 6, 7, 9, 11, 10, 8, 5, 2]
PLATFORM_WEIGHTS = (("facebook", 45), ("instagram", 35), ("whatsapp", 20))
# What happens in a conversation, and how often.
OUTCOMES = (
    ("browse", 26),
    ("engaged", 22),
    ("qualified", 14),
    ("proposal", 10),
    ("converted", 14),
    ("lost", 7),
    ("handoff", 5),
    ("complaint", 2),
)
SCORES = {
    "browse": 15,
    "engaged": 40,
    "qualified": 74,
    "proposal": 82,
    "converted": 90,
    "lost": 25,
    "handoff": 55,
    "complaint": 20,
}


# Some customers come from the business's ads (one in three on Messenger and Instagram, one in four on WhatsApp),
# so the ads page and Leo's answers about ads have something to show.
DEMO_ADS = {
    "facebook": (("120210000000101", "Your first week of yoga, free"), ("120210000000102", "Sunrise flow before work")),
    "instagram": (("120210000000201", "Stretch, breathe, glow"),),
    "whatsapp": (("120210000000301", "Book a private session on WhatsApp"),),
}
AD_SHARE = {"facebook": 3, "instagram": 3, "whatsapp": 4}
# What each demo ad cost per day, in the campaigns' currency (minor units).
DEMO_AD_DAILY_SPEND_MINOR = {"120210000000101": 900, "120210000000102": 600, "120210000000201": 700, "120210000000301": 500}


def demo_ad(platform: str, customer_id: str) -> ConversationSource | None:
    """The ad this customer clicked, if any: the same customer always gives the same answer."""
    pick = random.Random(f"ad:{platform}:{customer_id}")
    if pick.randrange(AD_SHARE[platform]) != 0:
        return None
    ad_id, headline = pick.choice(DEMO_ADS[platform])
    clid = f"ARdemo{pick.randrange(10**12):012d}" if platform == "whatsapp" else ""
    return ConversationSource(kind="ad", ad_id=ad_id, headline=headline, ctwa_clid=clid)


async def seed_ad_spend(db: Db, tenant_id: str, today: date, currency: str, *, days: int = DAYS) -> None:
    """The demo ads' spend over the history's days (entered again on every start: the same amounts replace)."""
    first = today - timedelta(days=days - 1)
    rows = [
        SpendRow(ad_id=ad_id, from_day=first, to_day=today, amount_minor=daily * days, currency=currency)
        for ad_id, daily in DEMO_AD_DAILY_SPEND_MINOR.items()
    ]
    await save_spend(db, tenant_id, rows, now=datetime.now(UTC))


@dataclass(frozen=True)
class DemoAccounts:
    """The account id the demo business has connected on each channel."""

    facebook: str
    instagram: str
    whatsapp: str

    def of(self, platform: str) -> str:
        return str(getattr(self, platform))


def _script(outcome: str, campaign: Campaign, name: str) -> list[tuple[str, str, str]]:
    """The conversation as (sender, text, intent) turns."""
    product = campaign.product
    price = f"${product.price:,.0f}"
    link = product.cta_url or "our website"
    question = (campaign.chat_flow.qualification_questions or ["What would you like to work on?"])[0]
    opening = [
        ("customer", f"Hi! How much is the {product.name}?", "price_question"),
        ("bot", f"Hi {name}! The {product.name} is {price}. {product.description} {question}", ""),
    ]
    if outcome == "browse":
        return [
            ("customer", f"Hello, what is the {product.name}?", "product_question"),
            ("bot", f"Hi! {product.description} It is {price}. Would you like to know more?", ""),
        ]
    if outcome == "engaged":
        return opening + [
            ("customer", "Does it include mat rental?", "product_question"),
            ("bot", "Yes, mats are free to borrow in the studio. Anything else I can help with?", ""),
        ]
    if outcome == "complaint":
        return [
            ("customer", "I was charged twice for my pass and nobody answers my emails. Really disappointed.", "complaint"),
            ("bot", "I am sorry about that. I am passing you to a person from our team right now.", ""),
        ]
    if outcome == "handoff":
        return opening + [
            ("customer", "Can I talk to a real person about a discount for my company?", "human_request"),
            ("bot", "Of course, someone from the team will answer you here shortly.", ""),
        ]
    qualified = opening + [
        ("customer", "About three times a week, I have done some yoga before.", "qualification_answer"),
        ("bot", f"Then the {product.name} is a great fit. Want the link to get started?", ""),
    ]
    if outcome == "qualified":
        return qualified
    if outcome == "lost":
        return qualified + [
            ("customer", "I think it's too expensive for me right now, thanks.", "objection"),
            ("bot", "No problem at all. If you change your mind, we are here.", ""),
        ]
    proposal = qualified + [
        ("customer", "Yes please, send me the link.", "buying_signal"),
        ("bot", f"{campaign.chat_flow.closing_message or 'Here you go:'} {link}", ""),
    ]
    if outcome == "proposal":
        return proposal
    return proposal + [
        ("customer", "Done, just bought it! See you Monday.", "buying_signal"),
        ("human", f"Welcome aboard, {name}! See you on the mat.", ""),
    ]


def _lead_state(outcome: str, name: str, email: str, rnd: random.Random) -> LeadState:
    stage = {
        "browse": LeadStage.new,
        "engaged": LeadStage.engaged,
        "qualified": LeadStage.qualified,
        "proposal": LeadStage.proposal,
        "converted": LeadStage.proposal,
        "lost": LeadStage.lost,
        "handoff": LeadStage.engaged,
        "complaint": LeadStage.engaged,
    }[outcome]
    score = max(0, min(100, SCORES[outcome] + rnd.randint(-6, 6)))
    fields = LeadFields(
        name=name if outcome not in ("browse",) else None,
        email=email if outcome in ("proposal", "converted", "handoff") else None,
    )
    state = LeadState(
        fields=fields,
        score=score,
        stage=stage,
        messages_in=2,
        cta_sent=outcome in ("proposal", "converted"),
        not_interested=outcome == "lost",
    )
    # The reasons the pipeline's own rules give for what this customer did, so they read in the owner's language.
    _, notes = score_lead_notes(state, None)
    return state.model_copy(update={"reasons": [note.english() for note in notes], "reason_notes": notes})


def _weighted(rnd: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rnd.choices([name for name, _ in options], weights=[weight for _, weight in options])[0]


async def _claim_day(db: Db, tenant_id: str, day: date) -> bool:
    """True when this day's history is still to be written (and now belongs to this seeding)."""
    try:
        await db.demo_days.insert_one({"_id": f"{tenant_id}:{day.isoformat()}", "tenant_id": tenant_id, "day": day.isoformat()})
    except DuplicateKeyError:
        return False
    return True


async def seed_history(
    db: Db,
    tenant_id: str,
    campaigns: list[Campaign],
    accounts: DemoAccounts,
    zone: ZoneInfo,
    *,
    today: date,
    days: int = DAYS,
) -> int:
    """Writes the history of every day of the last `days` not written yet; returns how many conversations."""
    by_platform = {c.target_platform.value: c for c in campaigns}
    written = 0
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        if await _claim_day(db, tenant_id, day):
            written += await _seed_day(db, tenant_id, by_platform, accounts, zone, day, is_today=offset == 0)
    return written


async def _seed_day(
    db: Db,
    tenant_id: str,
    campaigns: dict[str, Campaign],
    accounts: DemoAccounts,
    zone: ZoneInfo,
    day: date,
    *,
    is_today: bool,
) -> int:
    rnd = random.Random(f"demo:{day.isoformat()}")
    weekend = day.weekday() >= 5
    count = rnd.randint(3, 6) + (0 if weekend else rnd.randint(1, 3)) + (day.toordinal() % 7 == 3)
    now = datetime.now(zone)
    counters: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    made = 0
    for _ in range(count):
        platform = _weighted(rnd, PLATFORM_WEIGHTS)
        campaign = campaigns.get(platform)
        if campaign is None:
            continue
        hour = rnd.choices(range(24), weights=HOUR_WEIGHTS)[0]
        start = datetime.combine(day, time(hour, rnd.randint(0, 59)), zone)
        if start > now - timedelta(minutes=20):
            continue  # nothing from the future, and nothing written "just now"
        outcome = _weighted(rnd, OUTCOMES)
        if outcome in ("handoff", "complaint") and not is_today and day < now.date() - timedelta(days=2):
            outcome = "engaged"  # older handoffs were dealt with; the ones waiting are recent
        first = rnd.choice(FIRST_NAMES)
        name = f"{first} {rnd.choice(LAST_INITIALS)}."
        email = f"{first.lower()}{rnd.randint(10, 99)}@example.com"
        customer_id = str(rnd.randint(10**15, 10**16 - 1)) if platform != "whatsapp" else f"1415555{rnd.randint(1000, 9999)}"
        await _write_conversation(
            db,
            tenant_id,
            campaign,
            accounts.of(platform),
            platform,
            customer_id,
            name,
            email,
            outcome,
            start,
            zone,
            rnd,
            counters[(platform, campaign.id)],
        )
        made += 1
    for (platform, campaign_id), values in counters.items():
        await bump_daily(db, tenant_id, dict(values), day=day.isoformat(), platform=platform, campaign_id=campaign_id)
    return made


async def _write_conversation(
    db: Db,
    tenant_id: str,
    campaign: Campaign,
    account_id: str,
    platform: str,
    customer_id: str,
    name: str,
    email: str,
    outcome: str,
    start: datetime,
    zone: ZoneInfo,
    rnd: random.Random,
    counts: dict[str, int],
) -> None:
    conversation, created = await convs.create_conversation(
        db, tenant_id, platform, account_id, customer_id, name, now=start, campaign_id=campaign.id, demo=True
    )
    if not created:
        return
    if (ad := demo_ad(platform, customer_id)) is not None:
        await record_referral(db, tenant_id, conversation.id, ad, at=start)
        conversation = conversation.model_copy(update={"source": ad, "source_at": start})
    counts["conversations"] += 1
    at = start
    answered_first = replied = False
    turns = _script(outcome, campaign, name.split()[0])
    for number, (sender, text, intent) in enumerate(turns):
        if sender == "customer":
            event = InboundMessage(
                platform=platform,
                account_id=account_id,
                customer_id=customer_id,
                message_id=f"demo.{conversation.id}.{number}",
                text=text,
                timestamp_ms=to_ms(at),
            )
            message, _ = await msgs.record_inbound(db, tenant_id, conversation, event, text, now=at)
            await msgs.mark_inbound(db, tenant_id, [message.id], "answered", intent=intent, confidence=0.9)
            counts["messages_in"] += 1
            counts[hour_field(at, zone)] += 1
            if answered_first and not replied:  # wrote again after the first answer: counted once
                counts["customers_replied"] += 1
                replied = True
            if intent == "complaint":
                counts["complaints"] += 1
            at += timedelta(seconds=rnd.randint(4, 40))
            continue
        source = "human" if sender == "human" else rnd.choice(("llm", "llm", "offline"))
        await msgs.record_outbound(
            db,
            tenant_id,
            conversation.id,
            sender="human" if sender == "human" else "bot",
            text=text,
            source=source,
            delivery=rnd.choice(("delivered", "read", "read")),
            now=at,
        )
        counts["messages_out"] += 1
        counts["messages_answered"] += 1
        counts["replies_human" if sender == "human" else f"replies_{source}"] += 1
        if source == "llm":
            counts["model_calls"] += 1
            counts["input_tokens"] += rnd.randint(900, 1600)
            counts["output_tokens"] += rnd.randint(60, 160)
            counts["model_cost_micro_usd"] += rnd.randint(600, 1200)
        if not answered_first:
            answered_first = True
            counts["first_responses"] += 1
            counts["first_response_ms"] += rnd.randint(2500, 9000)
        at += timedelta(minutes=rnd.randint(1, 30) if number + 1 < len(turns) else 0, seconds=rnd.randint(5, 50))
    state = _lead_state(outcome, name, email, rnd)
    lead = await save_lead_after_turn(db, conversation, state, campaign_id=campaign.id, previous=None, now=at)
    if lead.stage in (LeadStage.qualified, LeadStage.proposal) or outcome == "converted":
        counts["leads_qualified"] += 1
    if outcome in ("handoff", "complaint"):
        counts["handoffs"] += 1
        await convs.update_conversation(db, tenant_id, conversation.id, status=ConversationStatus.handoff)
    if outcome == "converted":
        sale = ConversionIn(
            value=campaign.product.price, currency=campaign.product.currency, idempotency_key=f"demo:{conversation.id}"
        )
        await record_conversion(db, conversation, sale, now=at, zone=zone)
