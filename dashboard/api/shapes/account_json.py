"""A connected channel as the owner API gives it: everything but the token, which only shows masked, and its
health in the owner's language."""

from __future__ import annotations

from typing import Any

from channels.accounts import ChannelAccount, account_token
from channels.crypto import TokenCipher, TokenDecryptError, mask
from channels.health import ChannelHealth
from dashboard.delivery_words import channel_trouble, webhooks_trouble


def health_json(health: ChannelHealth) -> dict[str, Any]:
    """A channel's health; the times only when there are some (the English sentence as `channels/` wrote it)."""
    out: dict[str, Any] = {"state": health.state}
    if health.last_success_at is not None:
        out["last_success_at"] = health.last_success_at.isoformat()
    if health.last_error:
        out["last_error"] = health.last_error
    if health.failing_since is not None:
        out["failing_since"] = health.failing_since.isoformat()
    return out


def account_json(account: ChannelAccount, cipher: TokenCipher) -> dict[str, Any]:
    try:
        masked = mask(account_token(cipher, account))
    except TokenDecryptError:  # a token sealed under another key shows as none rather than failing the list
        masked = ""
    data: dict[str, Any] = {
        "id": account.id,
        "platform": account.platform,
        "account_id": account.account_id,
        "name": account.name,
        "status": account.status,
        "access_token": masked,
        "connected_at": account.connected_at.isoformat(),
        "health": health_json(account.health),
    }
    if account.webhooks_problem:
        data["webhooks_problem"] = account.webhooks_problem
    if account.last_error:
        data["last_error"] = account.last_error
        data["last_error_code"] = account.last_error_code
    return data


def account_for_owner(account: ChannelAccount, cipher: TokenCipher) -> dict[str, Any]:
    """The channel as the API and the pages give it, its health sentence in the request's language."""
    view = account_json(account, cipher)
    if account.webhooks_problem:
        view["webhooks_error"] = webhooks_trouble(account.webhooks_problem, account.platform)
    health = view["health"]
    if health.get("last_error"):
        problem = "token" if account.health.state == "needs_reconnect" else account.failing_problem
        view["health"] = {**health, "last_error": channel_trouble(problem, account.platform)}
    return view
