from __future__ import annotations

from knowledge.profiles import get_profile, save_profile
from knowledge.retrieval import KnowledgeIndex
from knowledge.store import PROFILES
from knowledge.versions import current_version
from tests.knowledge.factories import profile


async def test_save_then_get(db):
    assert await get_profile(db, "t1") is None
    saved = await save_profile(db, "t1", profile())
    assert await get_profile(db, "t1") == saved
    assert await get_profile(db, "t2") is None


async def test_save_replaces_the_whole_form(db):
    await save_profile(db, "t1", profile(goals="Grow", phone="+351 1"))
    await save_profile(db, "t1", profile(name="Acme Labs", goals="", phone=""))
    again = await get_profile(db, "t1")
    assert again.name == "Acme Labs" and again.goals == "" and again.phone == ""
    stored = await db[PROFILES].find_one({"_id": "t1"})
    assert stored["tenant_id"] == "t1" and None not in stored.values()
    assert await db[PROFILES].count_documents({}) == 1


async def test_saved_profile_answers_searches_at_once(db):
    index = KnowledgeIndex()
    await save_profile(db, "t1", profile(description="We ship from Lisbon within 48 hours."))
    assert await current_version(db, "t1") == 1
    found = await index.search(db, "t1", "where do you ship from")
    assert found and found[0].source == "profile" and "Lisbon" in found[0].text

    await save_profile(db, "t1", profile(description="We ship from Porto."))
    found = await index.search(db, "t1", "where do you ship from")
    assert "Porto" in found[0].text
    assert await index.search(db, "t1", "Lisbon 48 hours") == []
