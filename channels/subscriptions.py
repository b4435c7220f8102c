"""Subscribing the app to a connected account's webhooks, and what the owner is told when Meta refuses.

Every way of connecting (Facebook Login, a page or Instagram account connected by hand with its token) ends here:
`POST /{account_id}/subscribed_apps?subscribed_fields=…` with the account's token, the fields the channel names
(`AccountCheck.webhook_fields`: a page's conversations and `feed`; an Instagram account's conversations and
`comments`). Without it Meta sends nothing, so the bot would sit silent: a refusal is kept on the account as a
kind of problem (`channels.problems`), which the channels page and API turn into the owner's sentence; a later
subscription that goes through clears it.
"""

from __future__ import annotations

import asyncio
import logging

from channels.accounts import ChannelAccount, note_webhooks
from channels.graph import GraphClient
from channels.graph_errors import GraphError
from channels.problems import Problem, problem_of
from channels.registry import channel_for_platform
from knowledge.db import Db

log = logging.getLogger(__name__)

# An owner waits for the connection's answer.
SUBSCRIBE_TIMEOUT_S = 20.0


async def subscribe_account(graph: GraphClient, platform: str, account_id: str, token: str) -> Problem | None:
    """Ask Meta to send this account's webhook fields to the app: None when it agreed (or the channel needs no
    such call), else the kind of problem."""
    check = channel_for_platform(platform).account_check
    if not check.webhook_fields:
        return None
    try:
        body = await asyncio.wait_for(
            graph.post(
                f"/{account_id}/subscribed_apps",
                params={"subscribed_fields": ",".join(check.webhook_fields)},
                token=token,
                auth=check.auth,
            ),
            SUBSCRIBE_TIMEOUT_S,
        )
    except GraphError as exc:
        log.warning("webhook subscription refused", extra={"platform": platform, "graph_code": exc.code})
        return problem_of(exc)
    except TimeoutError:
        return "unreachable"
    return None if body.get("success") is True else "refused"


async def subscribe_connected(db: Db, graph: GraphClient, account: ChannelAccount, token: str) -> Problem | None:
    """Subscribe a connected account and keep the outcome on it, for the owner to read."""
    problem = await subscribe_account(graph, account.platform, account.account_id, token)
    await note_webhooks(db, account.tenant_id, account.id, problem or "")
    return problem
