"""Failures of connecting a channel, in the families every room shares (`knowledge/domain_errors.py`); the owner's
side decides how each is answered and said."""

from __future__ import annotations

from knowledge.domain_errors import Conflict, InvalidInput, Upstream


class AccountTaken(Conflict):
    """Another business has the account, or it changed while it was being connected."""


class ConnectionRefused(InvalidInput):
    """What was typed to connect an account cannot be used: a field, or a token Meta does not accept for it."""


class MetaUnreachable(Upstream):
    """Meta could not be asked whether the token is good: nothing the owner typed is wrong."""
