"""Alert emails, sent by the web process: every POLL_S it looks for failures that began lately (customers without
an answer, failing channels, CRM webhooks paused after a day of failures), and tells each
business's owner through the SMTP server in the settings (aiosmtplib), at most once per `ALERT_EVERY` (see
`alert_mail.py`). Off while SMTP_HOST is unset.

Several web processes may run: a business's alert is claimed in Redis before it is sent, so one of them sends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import redis.asyncio as aioredis
from aiohttp import web
from pymongo import ASCENDING

from bot.clock import Clock
from bot.conversations.records import from_ms, to_ms
from bot.conversations.undelivered import failed_since
from bot.outbound_webhooks.endpoints import paused_endpoints
from bot.runtime.host import CLOCK, DATABASE, REDIS, SETTINGS, Settings
from channels.accounts import troubled_since
from dashboard.alert_mail import alert_due, alert_email, default_sender
from dashboard.i18n import SOURCE_LANGUAGE, use_language
from dashboard.outgoing_mail import send_email
from dashboard.owners import get_tenant
from dashboard.trouble import owner_trouble
from knowledge.db import Db

log = logging.getLogger(__name__)

POLL_S = 30.0
# Failures older than this are not news (a process that was down longer does not email about them).
LOOKBACK = timedelta(hours=24)
# A channel failing for a moment (one send that Meta's next answer mends) is no reason to email: it must fail this
# long first. A customer left without an answer is told at once: the queue already tried for over a minute.
CHANNEL_GRACE = timedelta(minutes=2)
# A failed attempt to email (the SMTP server away) is tried again after this long, not at every poll.
SEND_RETRY = timedelta(minutes=5)
SMTP_TIMEOUT_S = 20.0
CLAIM_TTL = timedelta(minutes=10)


def _sent_key(tenant_id: str) -> str:
    return f"alerts:sent:{tenant_id}"


def _claim_key(tenant_id: str) -> str:
    return f"alerts:claim:{tenant_id}"


def _failed_key(tenant_id: str) -> str:
    return f"alerts:failed:{tenant_id}"


class AlertMailer:
    def __init__(self, db: Db, redis: aioredis.Redis, settings: Settings, clock: Clock) -> None:
        self._db, self._redis, self._settings, self._clock = db, redis, settings, clock

    async def run(self, poll_s: float = POLL_S) -> None:
        while True:
            try:
                await self.check_once()
            except Exception:  # a store away for a moment: the next poll looks again
                log.warning("alert check failed", exc_info=True)
            await asyncio.sleep(poll_s)

    async def check_once(self) -> int:
        """Email every owner whose alert is due; how many emails went."""
        now = self._clock.now()
        since = now - LOOKBACK
        newest: dict[str, datetime] = {}
        for conversation in await failed_since(self._db, since):
            if conversation.delivery_since is not None:
                newest[conversation.tenant_id] = max(conversation.delivery_since, newest.get(conversation.tenant_id, since))
        for account in await troubled_since(self._db, to_ms(since)):
            if from_ms(account.failing_since_ms) > now - CHANNEL_GRACE:
                continue
            newest[account.tenant_id] = max(from_ms(account.failing_since_ms), newest.get(account.tenant_id, since))
        for endpoint in await paused_endpoints(self._db, since_ms=to_ms(since)):
            newest[endpoint.tenant_id] = max(from_ms(endpoint.paused_ms), newest.get(endpoint.tenant_id, since))
        sent = 0
        for tenant_id, began in newest.items():
            if await self._alert(tenant_id, began, now):
                sent += 1
        return sent

    async def _alert(self, tenant_id: str, began: datetime, now: datetime) -> bool:
        raw = str(await self._redis.get(_sent_key(tenant_id)) or "")  # the client decodes replies to text
        last_sent = from_ms(int(raw)) if raw else None
        if not alert_due(newest_trouble=began, last_sent=last_sent, now=now):
            return False
        failed_raw = await self._redis.get(_failed_key(tenant_id))
        if failed_raw and now - from_ms(int(failed_raw)) < SEND_RETRY:
            return False  # the SMTP server refused a moment ago
        # One claim per email to send (named by the last one sent): the process that takes it sends; the others,
        # polling at the same moment, leave it. Every decision reads the injected clock; TTLs only tidy up.
        claim = f"{_claim_key(tenant_id)}:{raw or 0}"
        if not await self._redis.set(claim, to_ms(now), nx=True, ex=CLAIM_TTL):
            return False
        trouble = await owner_trouble(self._db, tenant_id)
        to, language = await self._owner_contact(tenant_id)
        if not trouble.any or not to:
            await self._redis.delete(claim)
            return False
        tenant = await get_tenant(self._db, tenant_id)
        s = self._settings
        # No browser asks here: the email is in the language the owner chose, else English.
        with use_language(language or SOURCE_LANGUAGE):
            message = alert_email(
                trouble,
                business_name=tenant.name if tenant else "",
                to=to,
                sender=s.smtp_from or default_sender(s.public_base),
                base_url=s.public_base,
            )
        error = await send_email(s, message, timeout_s=SMTP_TIMEOUT_S)
        if error:
            log.warning("alert email not sent", extra={"error_type": error})
            await self._redis.set(_failed_key(tenant_id), to_ms(now), ex=timedelta(hours=1))
            await self._redis.delete(claim)
            return False
        await self._redis.set(_sent_key(tenant_id), to_ms(now), ex=timedelta(days=7))
        await self._redis.delete(_failed_key(tenant_id))
        log.info("alert email sent", extra={"unanswered": trouble.unanswered, "channels": len(trouble.channels)})
        return True

    async def _owner_contact(self, tenant_id: str) -> tuple[str, str]:
        """The business's first owner (not a team member they invited): email and chosen language."""
        cursor = (
            self._db.owners.find({"tenant_id": tenant_id, "role": {"$nin": ["agent"]}}, {"email": 1, "language": 1})
            .sort("created_at", ASCENDING)
            .limit(1)
        )
        docs = await cursor.to_list(1)
        return (str(docs[0].get("email", "")), str(docs[0].get("language", ""))) if docs else ("", "")


def setup_alerts(app: web.Application) -> None:
    """Runs the alert loop beside the web app when SMTP_HOST is set."""

    async def alerts_ctx(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        if not settings.smtp_host:
            yield
            return
        task = asyncio.create_task(AlertMailer(app[DATABASE], app[REDIS], settings, app[CLOCK]).run(), name="alerts")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(alerts_ctx)
