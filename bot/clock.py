"""The time the engine's decisions read: one injected clock, so tests set the time instead of sleeping.

Policy that depends on the time (the 24-hour messaging window, how old a backlog may be, when a pause after a
person's answer ends, which day a sale counts for) takes `now` from a `Clock`; nothing reads the system time inline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()
