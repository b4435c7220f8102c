"""Per-tenant settings an owner changes: the business's time zone, and how long the bot pauses after a person answers.

The pause is what a conversation obeys after a person answers; the time zone decides which day (and hour) a
message or a sale counts for, so analytics show the owner's days (the zone's arithmetic is in `bot/clock.py`).
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from bot.clock import zone_of
from knowledge.db import Db


class BotSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # After someone answers from the page inbox or phone, the bot stays quiet this long (or until released).
    pause_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    # The business's IANA time zone, e.g. "Europe/Madrid": days and hours in analytics are the owner's.
    timezone: str = Field(default="UTC", min_length=1, max_length=64)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _zone_names():
            raise PydanticCustomError("time_zone", "must be an IANA time zone such as Europe/Madrid or America/New_York")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.timezone)


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


async def get_bot_settings(db: Db, tenant_id: str) -> BotSettings:
    doc = await db.engine_settings.find_one({"_id": tenant_id, "tenant_id": tenant_id})
    return BotSettings(**{k: v for k, v in (doc or {}).items() if k in BotSettings.model_fields})


async def save_bot_settings(db: Db, tenant_id: str, settings: BotSettings) -> BotSettings:
    await db.engine_settings.replace_one(
        {"_id": tenant_id, "tenant_id": tenant_id},
        {"_id": tenant_id, "tenant_id": tenant_id, **settings.model_dump()},
        upsert=True,
    )
    return settings
