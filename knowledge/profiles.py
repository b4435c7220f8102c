"""The tenant's business profile (the onboarding form) and the passages it gives the knowledge base."""

from __future__ import annotations

from knowledge.chunking import split_text
from knowledge.db import Db
from knowledge.models import BusinessProfile, Passage
from knowledge.store import PROFILES, now
from knowledge.versions import bump_version

PROFILE_SOURCE = "profile"


async def get_profile(db: Db, tenant_id: str) -> BusinessProfile | None:
    doc = await db[PROFILES].find_one({"_id": tenant_id})
    if doc is None:
        return None
    return BusinessProfile.model_validate({k: doc[k] for k in BusinessProfile.model_fields if k in doc})


async def save_profile(db: Db, tenant_id: str, profile: BusinessProfile) -> BusinessProfile:
    """Replace the tenant's profile; the knowledge base answers from the new one on its next search."""
    # Every profile field is always written (empty text included), so `$set` replaces the whole form.
    fields = profile.model_dump()
    await db[PROFILES].update_one(
        {"_id": tenant_id},
        {"$set": {**fields, "tenant_id": tenant_id, "updated_at": now()}},
        upsert=True,
    )
    await bump_version(db, tenant_id)
    return profile


def profile_text(profile: BusinessProfile) -> str:
    """All of the profile's words, for finding the amounts and percentages the owner wrote there."""
    return "\n".join(value for value in profile.model_dump().values() if value)


def profile_passages(profile: BusinessProfile) -> list[Passage]:
    """The profile as retrievable passages: who the business is, what it wants, how to reach it."""
    name = profile.name
    sections: list[str] = []
    about = " ".join(
        part
        for part in (
            f"About {name}.",
            f"Industry: {profile.industry}." if profile.industry else "",
            profile.description,
        )
        if part
    )
    sections.extend(split_text(about))
    contact = " ".join(
        part
        for part in (
            f"Owner: {profile.owner_name}." if profile.owner_name else "",
            f"Website: {profile.website}." if profile.website else "",
            f"Phone: {profile.phone}." if profile.phone else "",
        )
        if part
    )
    if contact:
        sections.append(f"Contact {name}: {contact}")
    if profile.target_audience:
        sections.extend(split_text(f"Who {name} serves: {profile.target_audience}"))
    if profile.goals:
        sections.extend(split_text(f"Goals of {name}: {profile.goals}"))
    return [Passage(text=text, source=PROFILE_SOURCE, title=name) for text in sections]
