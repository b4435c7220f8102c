"""Catalog facts: what a conversation on one platform may state (products, prices, known amounts)."""

from __future__ import annotations

from knowledge.campaigns import campaign_texts
from knowledge.db import Db
from knowledge.models import Amount, CatalogFacts
from knowledge.money import extract_amounts, extract_percentages
from knowledge.profiles import profile_text
from knowledge.snapshot import TenantKnowledge, load_tenant_knowledge


def _unique_amounts(amounts: list[Amount]) -> list[Amount]:
    seen: set[tuple[int, str]] = set()
    unique: list[Amount] = []
    for amount in amounts:
        key = (amount.minor, amount.currency)
        if key not in seen:
            seen.add(key)
            unique.append(amount)
    return unique


def owner_texts(knowledge: TenantKnowledge) -> list[str]:
    """The tenant's documents and profile: text the owner stands behind on every platform."""
    texts = [chunk.text for chunk in knowledge.chunks]
    if knowledge.profile is not None:
        texts.append(profile_text(knowledge.profile))
    return texts


def build_catalog_facts(
    knowledge: TenantKnowledge,
    platform: str,
    owner_amounts: list[Amount] | None = None,
    owner_percentages: list[float] | None = None,
) -> CatalogFacts:
    """The facts for `platform`. `owner_amounts` / `owner_percentages` may be passed in when already
    extracted from `owner_texts` (they do not depend on the platform)."""
    platform = getattr(platform, "value", platform)
    products = [campaign for campaign in knowledge.campaigns if campaign.visible_on(platform)]
    texts = owner_texts(knowledge) if owner_amounts is None or owner_percentages is None else []
    if owner_amounts is None:
        owner_amounts = [amount for text in texts for amount in extract_amounts(text)]
    if owner_percentages is None:
        owner_percentages = [value for text in texts for value in extract_percentages(text)]
    # A visible campaign's own words ("shipping is $5", "20% off today") are the owner's too.
    campaign_words = [text for campaign in products for text in campaign_texts(campaign)]
    amounts = owner_amounts + [amount for text in campaign_words for amount in extract_amounts(text)]
    percentages = owner_percentages + [value for text in campaign_words for value in extract_percentages(text)]
    return CatalogFacts(
        tenant_id=knowledge.tenant_id,
        platform=platform,
        products=products,
        document_amounts=_unique_amounts(amounts),
        percentages=sorted(set(percentages)),
        all_product_names=list(
            dict.fromkeys(name for campaign in knowledge.campaigns for name in (campaign.product.name, campaign.name))
        ),
    )


async def catalog_facts(db: Db, tenant_id: str, platform: str) -> CatalogFacts:
    """The facts read fresh from storage (KnowledgeIndex.catalog_facts keeps them per knowledge version)."""
    return build_catalog_facts(await load_tenant_knowledge(db, tenant_id), platform)
