"""Per-tenant engine settings an owner can change: how long the bot pauses after a person answers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pymongo.asynchronous.database import AsyncDatabase


class EngineSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # After someone answers from the page inbox or phone, the bot stays quiet this long (or until released).
    pause_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)


async def get_engine_settings(db: AsyncDatabase, tenant_id: str) -> EngineSettings:
    doc = await db.engine_settings.find_one({"_id": tenant_id, "tenant_id": tenant_id})
    return EngineSettings(**{k: v for k, v in (doc or {}).items() if k in EngineSettings.model_fields})


async def save_engine_settings(db: AsyncDatabase, tenant_id: str, settings: EngineSettings) -> EngineSettings:
    await db.engine_settings.replace_one(
        {"_id": tenant_id, "tenant_id": tenant_id}, {"_id": tenant_id, "tenant_id": tenant_id, **settings.model_dump()}, upsert=True
    )
    return settings
