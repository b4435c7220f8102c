"""The business's team: who logs in, invitations for salespeople, and removing one (the owner's alone, as the
role policy says)."""

from __future__ import annotations

import logging

from aiohttp import web

from dashboard.api.operations import ApiRoutes
from dashboard.context import clock_of, db_of, identity, redis_of, settings_of
from dashboard.errors import not_found
from dashboard.owners import get_owner, get_tenant
from dashboard.ratelimit import enforce, limit
from dashboard.revocation import end_access
from dashboard.schemas import DeletedOut
from dashboard.team.invites import cancel_invite, create_invite, open_invites
from dashboard.team.mail import invite_email, send_invite, sender_of
from dashboard.team.members import email_registered, get_person, list_people, remove_agent
from dashboard.team.policy import Role
from dashboard.team.shapes import InviteIn, MemberOut, NewInviteOut, OpenInviteOut, RemovedOut, TeamOut
from knowledge.domain_errors import Conflict

log = logging.getLogger(__name__)
routes = ApiRoutes()

# Each invitation may send an email from the platform's server: a business invites a few people, not a crowd.
INVITES_PER_TENANT = limit("team-invites", "20/hour")


def invite_url(request: web.Request, token: str) -> str:
    return f"{settings_of(request).public_base}/join/{token}"


@routes.get("/api/team")
async def team(request: web.Request) -> TeamOut:
    """The people of your business (you first) and the invitations whose link still works."""
    tenant = identity(request).tenant_id
    people = await list_people(db_of(request), tenant)
    invites = await open_invites(db_of(request), tenant, now=clock_of(request).now())
    return TeamOut(
        members=[MemberOut(id=m.id, email=m.email, role=m.role.value, joined_at=m.joined_at) for m in people],
        invites=[
            OpenInviteOut(id=i.id, email=i.email, role="agent", created_at=i.created_at, expires_at=i.expires_at) for i in invites
        ],
    )


@routes.post("/api/team/invites", status=201, errors=(409, 429))
async def invite(request: web.Request, body: InviteIn) -> NewInviteOut:
    """Invite a salesperson: a link that works once, for 7 days, shown in this answer only.

    The person opens it, chooses a password and joins with the `agent` role. With SMTP set up the link is also
    emailed (`emailed`). A newer invitation to the same email replaces the older one. 409 when the email
    already has an account; 20 invitations an hour per business (429).
    """
    who = identity(request)
    await enforce(request, INVITES_PER_TENANT, who.tenant_id)
    if await email_registered(db_of(request), str(body.email)):
        raise Conflict("email_has_account", {"email": "has_account"})
    now = clock_of(request).now()
    issued = await create_invite(
        db_of(request), who.tenant_id, str(body.email), role=Role.agent, invited_by=who.owner_id, now=now
    )
    url = invite_url(request, issued.token)
    emailed = False
    if settings_of(request).smtp_host:
        tenant, inviter = (
            await get_tenant(db_of(request), who.tenant_id),
            await get_owner(db_of(request), who.tenant_id, who.owner_id),
        )
        message = invite_email(
            to=issued.invite.email,
            sender=sender_of(settings_of(request)),
            business_name=tenant.name if tenant else "",
            invited_by=inviter.email if inviter else "The owner",
            url=url,
            expires_at=issued.invite.expires_at,
        )
        emailed = await send_invite(settings_of(request), message)
    log.info("team invitation created", extra={"invite": issued.invite.id, "emailed": emailed})
    return NewInviteOut(
        id=issued.invite.id,
        email=issued.invite.email,
        role="agent",
        invite_url=url,
        expires_at=issued.invite.expires_at,
        emailed=emailed,
    )


@routes.delete("/api/team/invites/{id}")
async def withdraw(request: web.Request) -> DeletedOut:
    """Withdraw an invitation: its link stops working."""
    if not await cancel_invite(db_of(request), identity(request).tenant_id, request.match_info["id"]):
        raise not_found("invitation")
    return DeletedOut(deleted=True)


@routes.delete("/api/team/members/{id}", errors=(409,))
async def remove(request: web.Request) -> RemovedOut:
    """Remove a member: their sessions end and their API tokens stop working at once (open pages close within a
    second); what they did stays in the conversations, under their email. The owner cannot be removed (409)."""
    tenant = identity(request).tenant_id
    person = await get_person(db_of(request), tenant, request.match_info["id"])
    if person is None:
        raise not_found("team_member")
    if person.role == Role.owner:
        raise Conflict("owner_not_removable")
    # The record goes first: from then on no login, session or token of theirs passes the role guard.
    await remove_agent(db_of(request), tenant, person.id)
    ended = await end_access(db_of(request), redis_of(request), tenant, person.id)
    log.info("team member removed", extra={"member": person.id, "sessions_ended": ended.sessions, "tokens": ended.tokens})
    return RemovedOut(removed=True, sessions_ended=ended.sessions, tokens_revoked=ended.tokens)
