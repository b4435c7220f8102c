"""What is failing for a business right now, as every owner page shows it (the banner and the count) and as the
alert emails say it: customers whose reply did not go out, channels whose sends fail, and CRM webhooks paused
after a day of failed deliveries. Pages also say when replies wait their turn because many of the business's
customers wrote at once (not a problem to fix: no count).

Three small indexed reads per page: a count of failed conversations, the business's channels and its paused webhooks
(and one Redis read of the workers' published backlog).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis.asyncio as aioredis
from yarl import URL

from bot.conversations.undelivered import count_failed
from bot.inbound.stream import waiting_in_lanes
from bot.outbound_webhooks.endpoints import paused_endpoints
from channels.accounts import ChannelAccount, list_accounts
from channels.registry import channel_for_platform
from dashboard.delivery_words import channel_banner
from dashboard.i18n.current import gettext, ngettext
from knowledge.db import Db


def display_name(platform: str) -> str:
    try:
        return channel_for_platform(platform).display_name
    except KeyError:
        return platform


@dataclass(frozen=True)
class TroubledChannel:
    id: str
    name: str
    platform: str
    state: str  # failing or needs_reconnect
    sentence: str  # the channels page's: what is wrong and what is done about it
    problem: str


@dataclass(frozen=True)
class Trouble:
    unanswered: int = 0
    channels: list[TroubledChannel] = field(default_factory=list)
    # The host names of the business's paused webhooks.
    paused_webhooks: list[str] = field(default_factory=list)
    queued: int = 0  # customers' messages waiting in the workers behind a burst of this business's own

    @property
    def count(self) -> int:
        """The notification count: each customer without an answer, each channel in trouble, each paused webhook."""
        return self.unanswered + len(self.channels) + len(self.paused_webhooks)

    @property
    def any(self) -> bool:
        return self.count > 0

    def lines(self) -> list[str]:
        """The banner's sentences, most urgent first."""
        lines = []
        if self.unanswered:
            said = ngettext(
                "{count} customer did not get an answer.", "{count} customers did not get an answer.", self.unanswered
            )
            lines.append(said.format(count=self.unanswered))
        for channel in self.channels:
            label = f"{channel.name} ({display_name(channel.platform)})"
            problem = "token" if channel.state == "needs_reconnect" else channel.problem
            lines.append(channel_banner(problem, channel.platform, label))
        for host in self.paused_webhooks:
            said = gettext("Your CRM at {host} kept refusing events for a day, so we stopped sending them; they wait for it.")
            lines.append(said.format(host=host))
        return lines

    def queued_line(self) -> str:
        """Why replies are slower right now, and that none is lost."""
        said = ngettext(
            "{count} customer message is waiting for its reply.",
            "{count} customer messages are waiting for their replies.",
            self.queued,
        )
        why = gettext(
            "Many of your customers wrote at once, so their replies go out in turn while other businesses are "
            "answered too. Every message will be answered; nothing is lost."
        )
        return f"{said.format(count=self.queued)} {why}"


def troubled(account: ChannelAccount) -> TroubledChannel | None:
    health = account.health
    if health.state == "ok":
        return None
    return TroubledChannel(
        account.id, account.name or account.account_id, account.platform, health.state, health.last_error, account.failing_problem
    )


async def owner_trouble(db: Db, tenant_id: str, redis: aioredis.Redis | None = None) -> Trouble:
    """With `redis`, also the business's messages queued behind its own burst (pages show it; emails do not)."""
    accounts = await list_accounts(db, tenant_id)
    channels = [found for account in accounts if (found := troubled(account)) is not None]
    paused = [URL(e.url).host or e.url for e in await paused_endpoints(db, tenant_id=tenant_id)]
    queued = await waiting_in_lanes(redis, {f"{a.platform}:{a.account_id}" for a in accounts}) if redis and accounts else 0
    return Trouble(unanswered=await count_failed(db, tenant_id), channels=channels, paused_webhooks=paused, queued=queued)
