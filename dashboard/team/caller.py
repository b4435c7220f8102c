"""The person behind a request, as the role guard found them (see `role_guard.py`)."""

from __future__ import annotations

from aiohttp import web

from dashboard.team.members import Person
from dashboard.team.policy import Role

PERSON = web.RequestKey("person", Person)


def person_of(request: web.Request) -> Person | None:
    return request.get(PERSON)


def role_of(request: web.Request) -> Role:
    """The caller's role; without a known person the narrower one, so nothing is shown by mistake."""
    person = request.get(PERSON)
    return person.role if person is not None else Role.agent
