"""Where a conversation came from: the first referral wins, a redelivery changes nothing, the conversation and its
lead both carry it, and an ad's conversation may be answered for 7 days from the customer's first message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversations import store as convs
from bot.conversations.records import Conversation
from bot.conversations.sending import window_end, window_refusal, window_tag
from bot.conversations.source import record_referral
from bot.inbound.event_plan import ad_source, referral_hint
from bot.pipeline.types import LeadStage, LeadState
from bot.sales.attribution import ConversationSource
from bot.sales.leads import get_lead, save_lead_after_turn
from channels.events import Referral

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
SUMMER = ConversationSource(kind="ad", ad_id="120210001", headline="Summer sale", ctwa_clid="ARAkLkA8rml")
WINTER = ConversationSource(kind="ad", ad_id="120210002", headline="Winter boots")


async def _conversation(db, tenant: str = "t1", customer: str = "u1") -> Conversation:
    conv, _ = await convs.create_conversation(db, tenant, "facebook", "page-1", customer, "Ada", now=NOW)
    return conv


async def test_the_first_referral_wins_and_a_redelivery_changes_nothing(db):
    conv = await _conversation(db)

    assert await record_referral(db, "t1", conv.id, SUMMER, at=NOW) is True
    assert await record_referral(db, "t1", conv.id, SUMMER, at=NOW + timedelta(seconds=30)) is True  # Meta again
    assert await record_referral(db, "t1", conv.id, WINTER, at=NOW + timedelta(days=1)) is False

    stored = await convs.get_conversation(db, "t1", conv.id)
    assert stored is not None
    assert stored.source == SUMMER and stored.source_at == NOW
    assert await db.conversation_sources.count_documents({}) == 1


async def test_the_lead_carries_the_source_whether_it_came_before_or_after_the_referral(db):
    early = await _conversation(db, customer="early")
    await save_lead_after_turn(db, early, LeadState(stage=LeadStage.engaged), campaign_id="", previous=None, now=NOW)
    await record_referral(db, "t1", early.id, SUMMER, at=NOW)
    lead = await get_lead(db, "t1", early.id)
    assert lead is not None and lead.source == SUMMER

    late = await _conversation(db, customer="late")
    await record_referral(db, "t1", late.id, WINTER, at=NOW)
    fresh = await convs.get_conversation(db, "t1", late.id)
    assert fresh is not None
    await save_lead_after_turn(db, fresh, LeadState(), campaign_id="", previous=None, now=NOW)
    lead = await get_lead(db, "t1", late.id)
    assert lead is not None and lead.source.headline == "Winter boots"


async def test_a_turn_that_read_the_lead_before_the_referral_keeps_it(db):
    conv = await _conversation(db)
    await save_lead_after_turn(db, conv, LeadState(), campaign_id="", previous=None, now=NOW)
    read_by_turn = await get_lead(db, "t1", conv.id)
    await record_referral(db, "t1", conv.id, SUMMER, at=NOW)

    await save_lead_after_turn(db, conv, LeadState(stage=LeadStage.engaged), campaign_id="", previous=read_by_turn, now=NOW)
    lead = await get_lead(db, "t1", conv.id)
    assert lead is not None and lead.stage == LeadStage.engaged and lead.source == SUMMER


async def test_another_businesss_conversation_is_not_touched(db):
    conv = await _conversation(db, tenant="t1")
    await record_referral(db, "t1", conv.id, SUMMER, at=NOW)

    assert await record_referral(db, "t2", conv.id, WINTER, at=NOW) is False
    stored = await convs.get_conversation(db, "t1", conv.id)
    assert stored is not None and stored.source == SUMMER


def _conv(
    platform: str, *, wrote: timedelta, source: ConversationSource | None = None, first_at: datetime | None = None
) -> Conversation:
    return Conversation(
        id="c1",
        tenant_id="t1",
        platform=platform,
        account_id="p1",
        customer_id="u1",
        created_at=NOW - timedelta(days=10),
        last_message_at=NOW - wrote,
        last_customer_at=NOW - wrote,
        source=source or ConversationSource(),
        source_at=first_at,
    )


def test_an_ad_conversation_on_messenger_or_instagram_may_be_answered_7_days_from_the_first_message():
    for platform in ("facebook", "instagram"):
        ad = _conv(platform, wrote=timedelta(days=3), source=SUMMER, first_at=NOW - timedelta(days=6, hours=23))
        assert window_refusal(ad, "bot", NOW) == "" and window_tag(ad, NOW) == ""
        assert window_end(ad) == NOW + timedelta(hours=1)

        closed = _conv(platform, wrote=timedelta(days=3), source=SUMMER, first_at=NOW - timedelta(days=7, minutes=1))
        assert "24-hour window" in window_refusal(closed, "bot", NOW)


def test_the_ad_window_counts_from_the_first_message_and_the_24_hours_still_run_from_the_last():
    # The customer wrote again an hour ago, after the 7 days: the ordinary window stays open.
    recent = _conv("facebook", wrote=timedelta(hours=1), source=SUMMER, first_at=NOW - timedelta(days=8))
    assert window_refusal(recent, "bot", NOW) == ""
    assert window_end(recent) == NOW + timedelta(hours=23)


def test_whatsapp_and_conversations_not_from_an_ad_keep_24_hours():
    whatsapp_ad = _conv("whatsapp", wrote=timedelta(days=2), source=SUMMER, first_at=NOW - timedelta(days=2))
    assert "template" in window_refusal(whatsapp_ad, "bot", NOW)
    comment = _conv(
        "facebook",
        wrote=timedelta(days=2),
        source=ConversationSource(kind="comment", comment_id="1_2"),
        first_at=NOW - timedelta(days=2),
    )
    assert "24-hour window" in window_refusal(comment, "bot", NOW)
    plain = _conv("instagram", wrote=timedelta(hours=25))
    assert window_tag(plain, NOW) == "HUMAN_AGENT"


def test_only_an_ads_referral_attributes_and_meta_text_too_long_is_shortened_not_refused():
    ad = Referral(source="ADS", ad_id="120210001", from_ad=True, headline="  Summer\n sale  " + "x" * 400, campaign_hint="Summer")
    source = ad_source(ad)
    assert source is not None and source.kind == "ad" and source.ad_id == "120210001"
    assert source.headline.startswith("Summer sale") and len(source.headline) == 300
    assert ad_source(Referral(source="SHORTLINK", ref="promo_jan")) is None
    assert ad_source(None) is None


def test_the_campaign_hint_is_a_links_ref_or_an_ads_title_never_a_click_id():
    assert referral_hint(Referral(source="SHORTLINK", ref="promo_jan")) == "promo_jan"
    whatsapp = Referral(source="ctwa", ref="ARAkLkA8rml", ctwa_clid="ARAkLkA8rml", campaign_hint="Summer sale", from_ad=True)
    assert referral_hint(whatsapp) == "Summer sale"
    assert referral_hint(whatsapp.model_copy(update={"campaign_hint": ""})) == ""
    assert referral_hint(Referral(source="ADS", ad_id="1", campaign_hint="Spring yoga pass", from_ad=True)) == "Spring yoga pass"
    assert referral_hint(None) == ""
