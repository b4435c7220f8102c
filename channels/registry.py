"""The channels the platform talks through, listed once: adding a channel is its folder and one line here.

Webhook routes, the worker, sending, pacing, the account check and the owner's sentences find a channel here by
its URL name, its platform key or its webhook object, and never name one themselves.
"""

from __future__ import annotations

from channels.channel import Channel
from channels.instagram import INSTAGRAM
from channels.messenger import MESSENGER
from channels.whatsapp import WHATSAPP

CHANNELS: list[Channel] = [
    MESSENGER,
    INSTAGRAM,
    WHATSAPP,
]


def all_channels() -> tuple[Channel, ...]:
    return tuple(CHANNELS)


def channel_named(name: str) -> Channel:
    """By URL name (`messenger`, `instagram`, `whatsapp`); KeyError for anything else."""
    for channel in CHANNELS:
        if channel.channel == name:
            return channel
    raise KeyError(name)


def channel_for_platform(platform: str) -> Channel:
    """By stored platform (`facebook`, `instagram`, `whatsapp`); KeyError for anything else."""
    for channel in CHANNELS:
        if channel.platform == platform:
            return channel
    raise KeyError(platform)


def channel_for_object(object_name: str) -> Channel | None:
    """By a webhook body's `object`, or None for an object no channel handles."""
    return next((channel for channel in CHANNELS if channel.object_name == object_name), None)


def platform_keys() -> tuple[str, ...]:
    return tuple(channel.platform for channel in CHANNELS)
