"""Checking an owner's password: at login (API and form), and again before a password change or a deletion.

Failed logins count per client address and per account and address; a stranger's guesses never lock the
owner out from their own address. A wrong password with a live session counts per owner.
"""

from __future__ import annotations

from aiohttp import web

from dashboard.context import DASHBOARD, db_of
from dashboard.owners import Owner, find_owner_by_email, normalize_email
from dashboard.passwords import MIN_PASSWORD_LENGTH
from dashboard.ratelimit import (
    LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
    LOGIN_FAILURES_PER_ADDRESS,
    PASSWORD_FAILURES_PER_OWNER,
    client_address,
    hashed,
    limiter,
)
from knowledge.domain_errors import InvalidInput, Refused


async def check_login(request: web.Request, email: str, password: str) -> Owner:
    """The owner with this email and password; 401 otherwise (the same answer for an unknown email), 429 once
    this address has failed too often, for this account or for any.

    Both slots are taken before the password is verified, so a burst from one address verifies no more
    passwords than the limits allow. A failure keeps its slots; a success gives the address's back and clears
    the account's count from this address."""
    email = normalize_email(email)
    address, account = client_address(request), hashed(email)
    limits = limiter(request)
    await limits.hit(LOGIN_FAILURES_PER_ADDRESS, address)
    try:
        await limits.hit(LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, account, address)
    except Refused:
        await limits.release(LOGIN_FAILURES_PER_ADDRESS, address)  # refused before any password was tried
        raise
    passwords = request.app[DASHBOARD].passwords
    owner = await find_owner_by_email(db_of(request), email)
    valid = await passwords.verify(owner.password_hash, password) if owner else await passwords.verify_unknown(password)
    if owner is None or not valid:
        raise Refused("invalid_credentials")
    await limits.release(LOGIN_FAILURES_PER_ADDRESS, address)
    await limits.clear(LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, account, address)
    return owner


async def check_own_password(request: web.Request, owner: Owner, password: str, field: str) -> None:
    """A logged-in owner confirms a change with their password: 403 naming `field` when it is wrong, 429 once
    five were wrong. The slot is taken before the password is verified; a right one clears the count."""
    limits = limiter(request)
    await limits.hit(PASSWORD_FAILURES_PER_OWNER, owner.id)
    if not await request.app[DASHBOARD].passwords.verify(owner.password_hash, password):
        raise Refused("wrong_password", {field: "not_your_password"})
    await limits.clear(PASSWORD_FAILURES_PER_OWNER, owner.id)


async def check_new_password(request: web.Request, password: str, field: str, *own_words: str) -> None:
    """422 naming `field` when the password is shorter than 10 characters or common (see `password_problem`)."""
    problem = await request.app[DASHBOARD].passwords.problem(password, *own_words)
    if problem:
        raise InvalidInput("weak_password", {field: problem}, min_length=MIN_PASSWORD_LENGTH)
