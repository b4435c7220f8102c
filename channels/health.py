"""A connected channel's health, decided from what its sends recorded: ok, failing, or needs_reconnect.

Pure: the account's stored facts in, the state and the owner's sentence out. The writes are in `accounts.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from channels.problems import channel_trouble

HealthState = Literal["ok", "failing", "needs_reconnect"]

# A success is written at most this often while the channel is healthy: a busy page sends hundreds of messages a
# minute, and "last message sent at 10:42" needs no finer grain. A success after a failure is always written.
SUCCESS_NOTE_EVERY_MS = 60_000


@dataclass(frozen=True)
class ChannelHealth:
    state: HealthState
    last_success_at: datetime | None = None
    last_error: str = ""
    failing_since: datetime | None = None


def _moment(ms: int) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms > 0 else None


def health_of(*, platform: str, status: str, last_success_ms: int, failing_since_ms: int, problem: str) -> ChannelHealth:
    """The channel's state: a refused token wins (only the owner can mend it), then sends failing now."""
    last_success = _moment(last_success_ms)
    if status == "needs_reconnect":
        return ChannelHealth("needs_reconnect", last_success, channel_trouble("token", platform), _moment(failing_since_ms))
    if failing_since_ms > 0:
        return ChannelHealth("failing", last_success, channel_trouble(problem, platform), _moment(failing_since_ms))
    return ChannelHealth("ok", last_success)


def success_worth_noting(*, status: str, last_success_ms: int, failing_since_ms: int, now_ms: int) -> bool:
    """Whether a send that went through must be written down (see SUCCESS_NOTE_EVERY_MS)."""
    if status != "connected" or failing_since_ms > 0:
        return True
    return now_ms - last_success_ms >= SUCCESS_NOTE_EVERY_MS
