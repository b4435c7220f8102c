"""Sample tenant data for pipeline tests: a fitness shop with campaigns on different platforms."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.pipeline.types import HistoryItem, LeadState, TurnContext
from knowledge.models import (
    BusinessProfile,
    Campaign,
    CampaignStatus,
    CatalogFacts,
    ChatFlow,
    Passage,
    Product,
    TargetPlatform,
)
from knowledge.money import extract_amounts, extract_percentages

TENANT = "tenant_fit"
WHEN = datetime(2025, 3, 1, tzinfo=UTC)

PROFILE = BusinessProfile(
    name="Acme Fitness",
    industry="Fitness equipment and coaching",
    description="We sell yoga gear and online coaching for people who train at home.",
    website="https://acme.example.com",
)


def campaign(
    campaign_id: str,
    name: str,
    product: Product,
    *,
    platform: TargetPlatform = TargetPlatform.all,
    status: CampaignStatus = CampaignStatus.active,
    chat_flow: ChatFlow | None = None,
    tenant_id: str = TENANT,
) -> Campaign:
    return Campaign(
        id=campaign_id,
        tenant_id=tenant_id,
        name=name,
        product=product,
        target_platform=platform,
        chat_flow=chat_flow or ChatFlow(),
        status=status,
        created_at=WHEN,
        updated_at=WHEN,
    )


YOGA_MAT = campaign(
    "c_mat",
    "Spring Yoga",
    Product(
        name="Yoga Mat Pro",
        description="A thick, non-slip mat for daily practice.",
        price_cents=4900,
        currency="USD",
        features=["Non-slip surface", "6 mm thick", "Carry strap included"],
        cta_url="https://shop.acme.example.com/yoga-mat",
    ),
    platform=TargetPlatform.facebook,
    chat_flow=ChatFlow(
        greeting="Hi! Thanks for your interest in the Yoga Mat Pro. What would you like to know?",
        qualification_questions=["What kind of yoga do you practise?", "When would you like to start?"],
        objection_handling={
            "too expensive": "It lasts for years, so it costs less than renting a studio mat every week.",
            "not sure about the quality": "Every mat comes with a two-year warranty.",
        },
        closing_message="Wonderful! Your mat ships within two days.",
    ),
)

COACHING = campaign(
    "c_coach",
    "Coaching Launch",
    Product(
        name="Online Coaching",
        description="Weekly video sessions with a certified coach.",
        price_cents=9900,
        currency="EUR",
        features=["Weekly 1:1 video call", "Personal training plan", "Chat support"],
        cta_url="https://shop.acme.example.com/coaching",
    ),
    platform=TargetPlatform.all,
    chat_flow=ChatFlow(qualification_questions=["How many days a week do you train?"]),
)

# Offered on Instagram only: never on Facebook or WhatsApp.
SMART_BOTTLE = campaign(
    "c_bottle",
    "Insta Hydration",
    Product(name="Smart Bottle", price_cents=1900, currency="USD", features=["Tracks your water intake"]),
    platform=TargetPlatform.instagram,
)

# Paused: never offered anywhere.
FOAM_ROLLER = campaign(
    "c_roller",
    "Recovery",
    Product(name="Foam Roller", price_cents=2500, currency="USD"),
    platform=TargetPlatform.all,
    status=CampaignStatus.paused,
)

ALL_CAMPAIGNS = [YOGA_MAT, COACHING, SMART_BOTTLE, FOAM_ROLLER]

SHIPPING_TEXT = (
    "Shipping policy. We ship to the US and Canada within 3 to 5 business days. "
    "Standard shipping costs $5.99 USD and is free on orders over $50 USD."
)
RETURNS_TEXT = "Returns. You can return any item within 30 days for a full refund."
HOURS_TEXT = "Support hours. Our team answers Monday to Friday, 9am to 5pm Eastern time."
DOCUMENTS = [SHIPPING_TEXT, RETURNS_TEXT, HOURS_TEXT]

PASSAGES = [
    Passage(text=SHIPPING_TEXT, source="document:d_policies", title="policies.md", score=3.2),
    Passage(text=RETURNS_TEXT, source="document:d_policies", title="policies.md", score=1.1),
    Passage(text=HOURS_TEXT, source="document:d_support", title="support.md", score=0.8),
]


def visible(platform: str, campaigns: list[Campaign] | None = None) -> list[Campaign]:
    return [c for c in (campaigns if campaigns is not None else ALL_CAMPAIGNS) if c.visible_on(platform)]


def facts_for(platform: str, campaigns: list[Campaign] | None = None, documents: list[str] | None = None) -> CatalogFacts:
    """What knowledge.catalog_facts would give for the sample tenant on a platform."""
    campaigns = campaigns if campaigns is not None else ALL_CAMPAIGNS
    documents = documents if documents is not None else DOCUMENTS
    return CatalogFacts(
        tenant_id=TENANT,
        platform=platform,
        products=visible(platform, campaigns),
        document_amounts=[amount for text in documents for amount in extract_amounts(text)],
        percentages=[p for text in documents for p in extract_percentages(text)],
        all_product_names=[c.product.name for c in campaigns],
    )


def context(
    *texts: str,
    platform: str = "facebook",
    campaign: Campaign | None | str = "first",
    campaigns: list[Campaign] | None = None,
    passages: list[Passage] | None = None,
    lead: LeadState | None = None,
    history: list[HistoryItem] | None = None,
    customer_name: str = "Maria Lopez",
    customer_id: str = "6000001",
    profile: BusinessProfile | None = PROFILE,
) -> TurnContext:
    shown = visible(platform, campaigns)
    chosen = (shown[0] if shown else None) if campaign == "first" else campaign
    return TurnContext(
        tenant_id=TENANT,
        platform=platform,
        customer_name=customer_name,
        customer_id=customer_id,
        profile=profile,
        campaigns=shown,
        campaign=chosen,
        history=history or [],
        turn_texts=list(texts),
        lead=lead or LeadState(),
        facts=facts_for(platform, campaigns),
        passages=PASSAGES if passages is None else passages,
    )
