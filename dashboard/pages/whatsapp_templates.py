"""The WhatsApp templates a campaign's follow-up may name, read from Meta when the campaign form opens: offered as
suggestions for the template's name and language, and listed with their text so the owner maps the parameters.
Meta slow or refusing leaves the fields to type by hand."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from channels.accounts import account_token, list_accounts
from channels.crypto import TokenDecryptError
from channels.graph_errors import GraphError
from channels.registry import channel_for_platform
from channels.whatsapp.templates import Template, list_approved_templates
from dashboard.context import cipher_of, db_of, graph_of

log = logging.getLogger(__name__)

# The form waits this long for Meta at most, then opens without suggestions.
TEMPLATES_WAIT_S = 3.0


async def offered_templates(request: web.Request, tenant_id: str) -> list[Template]:
    """The approved templates of the business's WhatsApp numbers whose business account is known, each once."""
    accounts = [
        account
        for account in await list_accounts(db_of(request), tenant_id)
        if channel_for_platform(account.platform).window.templates_after_window and account.business_account_id
    ]
    found: dict[tuple[str, str], Template] = {}
    for account in accounts:
        try:
            token = account_token(cipher_of(request), account)
            listed = await asyncio.wait_for(
                list_approved_templates(graph_of(request), account.business_account_id, token), TEMPLATES_WAIT_S
            )
        except (GraphError, TimeoutError, TokenDecryptError) as exc:
            log.info("templates not listed for the campaign form", extra={"reason": type(exc).__name__})
            continue
        for template in listed:
            found.setdefault((template.name, template.language), template)
    return sorted(found.values(), key=lambda t: (t.name, t.language))
