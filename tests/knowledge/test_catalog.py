from __future__ import annotations

from knowledge.campaigns import create_campaign, update_campaign
from knowledge.catalog import catalog_facts
from knowledge.documents import add_document, delete_document
from knowledge.profiles import save_profile
from knowledge.retrieval import KnowledgeIndex
from tests.knowledge.factories import campaign_in, profile


def amounts(facts) -> set[tuple[int, str]]:
    return {(a.minor, a.currency) for a in facts.document_amounts}


async def seed(db):
    ig = await create_campaign(
        db,
        "t1",
        campaign_in(
            name="Insta glow",
            target_platform="instagram",
            product={"name": "Glow Serum", "price": 49},
            chat_flow={
                "closing_message": "Use code GLOW for 10% off.",
                "objection_handling": {"Shipping?": "Shipping is $4.99 worldwide."},
            },
        ),
    )
    everywhere = await create_campaign(
        db,
        "t1",
        campaign_in(
            name="Night cream",
            target_platform="all",
            product={"name": "Night Cream", "price": 34.9, "currency": "EUR", "features": ["Refill saves 15%"]},
        ),
    )
    draft = await create_campaign(
        db,
        "t1",
        campaign_in(
            name="Secret kit",
            status="draft",
            product={"name": "Holiday Kit", "price": 99, "description": "Launch price 25% off, $80"},
        ),
    )
    await add_document(
        db,
        "t1",
        "shipping.txt",
        "text/plain",
        b"Express shipping costs 12,50 EUR. Gift wrap: $3. Members save 5 %. Warehouse opens 24 hours.",
    )
    await save_profile(db, "t1", profile(description="Free samples with orders over $60. Family run since 1998."))
    await create_campaign(db, "t2", campaign_in(name="Other tenant", product={"name": "Other Thing", "price": 7}))
    return ig, everywhere, draft


async def test_facts_for_a_platform(db):
    ig, everywhere, _draft = await seed(db)
    facts = await catalog_facts(db, "t1", "instagram")
    assert facts.tenant_id == "t1" and facts.platform == "instagram"
    assert [c.id for c in facts.products] == [ig.id, everywhere.id]
    assert {(c.product.price_cents, c.product.currency) for c in facts.products} == {(4900, "USD"), (3490, "EUR")}
    assert {(1250, "EUR"), (300, "USD"), (6000, "USD"), (499, "USD")} <= amounts(facts)
    assert (8000, "USD") not in amounts(facts)  # only in a draft campaign
    assert all(a.currency for a in facts.document_amounts)  # "24 hours", "1998" are no amounts
    assert set(facts.percentages) == {5.0, 10.0, 15.0}
    assert {"Glow Serum", "Night Cream", "Holiday Kit"} <= set(facts.all_product_names)
    assert "Other Thing" not in facts.all_product_names


async def test_facts_follow_the_platform(db):
    _ig, everywhere, _ = await seed(db)
    facts = await catalog_facts(db, "t1", "whatsapp")
    assert [c.id for c in facts.products] == [everywhere.id]
    assert (499, "USD") not in amounts(facts)  # that answer belongs to the Instagram campaign
    assert set(facts.percentages) == {5.0, 15.0}
    assert "Glow Serum" in facts.all_product_names  # still known, so it can be kept out of replies


async def test_cached_facts_equal_fresh_facts_and_follow_changes(db):
    _ig, _, draft = await seed(db)
    index = KnowledgeIndex()
    cached = await index.catalog_facts(db, "t1", "instagram")
    assert cached == await catalog_facts(db, "t1", "instagram")

    cached.products.clear()  # a caller changing its copy does not change the cache
    assert len((await index.catalog_facts(db, "t1", "instagram")).products) == 2

    await update_campaign(
        db, "t1", draft.id, campaign_in(name="Secret kit", status="active", product={"name": "Holiday Kit", "price": 99})
    )
    after = await index.catalog_facts(db, "t1", "instagram")
    assert draft.id in [c.id for c in after.products]


async def test_deleted_document_amounts_leave_the_facts(db):
    index = KnowledgeIndex()
    doc = await add_document(db, "t1", "fees.txt", "text/plain", b"Setup fee: $25.")
    assert (2500, "USD") in amounts(await index.catalog_facts(db, "t1", "facebook"))
    await delete_document(db, "t1", doc.id)
    assert (2500, "USD") not in amounts(await index.catalog_facts(db, "t1", "facebook"))


async def test_empty_tenant(db):
    facts = await KnowledgeIndex().catalog_facts(db, "nobody", "facebook")
    assert facts.products == [] and facts.document_amounts == [] and facts.percentages == []
    assert facts.all_product_names == []
