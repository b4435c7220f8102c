"""Who may use which route: one table, and the pure decision read from it.

Every route the app serves has a line here, named as "METHOD /path" with the path as the router declares it
(`GET /api/conversations/{id}`). A route without a line is refused to anyone but the owner, and a test walks
`app.router` so that a new route cannot ship without a decision. HEAD is decided as GET.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class Role(StrEnum):
    owner = "owner"  # signed the business up: everything, the account itself included
    agent = "agent"  # a salesperson the owner invited: conversations and leads only


class Access(StrEnum):
    public = "public"  # no login: the way in, Meta's calls, probes, static files
    member = "member"  # anyone of the business, an agent included
    owner = "owner"  # the owner alone


PUBLIC = frozenset(
    {
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /webhooks/messenger",
        "POST /webhooks/messenger",
        "GET /webhooks/instagram",
        "POST /webhooks/instagram",
        "GET /webhooks/whatsapp",
        "POST /webhooks/whatsapp",
        "POST /api/signup",
        "POST /api/login",
        "GET /api/openapi.json",
        # Meta's own calls; the callback is bound to the session or token that asked for it (an owner's).
        "GET /api/integrations/facebook/callback",
        "POST /api/integrations/facebook/deauthorize",
        "POST /api/integrations/facebook/data-deletion",
        "GET /api/integrations/facebook/deletion-status",
        "GET /",
        "GET /login",
        "POST /login",
        "GET /signup",
        "POST /signup",
        # An invitation's link: the token in the path is the credential.
        "GET /join/{token}",
        "POST /join/{token}",
        "GET /static",
        "GET /static/vendor/{name}",
    }
)

# What a salesperson does all day: read and answer customers, hand them back, record a sale, follow leads.
MEMBER = frozenset(
    {
        "POST /api/logout",
        "GET /api/me",
        "GET /api/conversations",
        "GET /api/conversations/{id}",
        "POST /api/conversations/{id}/takeover",
        "POST /api/conversations/{id}/release",
        "POST /api/conversations/{id}/reply",
        "POST /api/conversations/{id}/retry",
        "POST /api/conversations/{id}/conversion",
        "DELETE /api/conversations/{id}/follow-up",
        "GET /api/conversations/{id}/voice/{clip_id}",
        "GET /api/leads",
        "POST /logout",
        "GET /inbox",
        "GET /conversations/{id}",
        "POST /conversations/{id}/takeover",
        "POST /conversations/{id}/release",
        "POST /conversations/{id}/reply",
        "POST /conversations/{id}/sale",
        "POST /conversations/{id}/retry",
        "POST /conversations/{id}/follow-up/cancel",
        "GET /leads",
        "GET /live/events",
    }
)

# Everything else is the owner's: settings, tokens, channels, the team, the account, and also what shapes the
# business or reads its revenue (business details, documents, campaigns, analytics, Leo, the playground, test
# questions), which a salesperson's work does not need.
OWNER = frozenset(
    {
        "GET /api/tokens",
        "POST /api/tokens",
        "DELETE /api/tokens/{id}",
        "POST /api/account/password",
        "POST /api/account/delete",
        "PUT /api/account",
        "GET /api/onboarding",
        "PUT /api/onboarding",
        "POST /api/knowledge/documents",
        "GET /api/knowledge/documents",
        "DELETE /api/knowledge/documents/{id}",
        "GET /api/knowledge/search",
        "GET /api/campaigns",
        "POST /api/campaigns",
        "GET /api/campaigns/{id}",
        "PUT /api/campaigns/{id}",
        "DELETE /api/campaigns/{id}",
        "POST /api/campaigns/{id}/status",
        "GET /api/channels",
        "POST /api/channels",
        "DELETE /api/channels/{id}",
        "GET /api/integrations/facebook/auth-url",
        "GET /api/analytics",
        "GET /api/ads",
        "GET /api/ads/{id}",
        "GET /api/channels/{id}/templates",
        "GET /api/comments/replies",
        "PUT /api/ads/spend",
        "GET /api/ads/spend",
        "DELETE /api/ads/spend/{id}",
        "POST /api/ads/spend/import",
        "GET /api/integrations/conversions",
        "PUT /api/integrations/conversions",
        "GET /api/integrations/conversions/events",
        "GET /api/webhooks",
        "POST /api/webhooks",
        "DELETE /api/webhooks/{id}",
        "POST /api/webhooks/{id}/test",
        "POST /api/webhooks/{id}/secret",
        "POST /api/webhooks/{id}/resume",
        "POST /api/leo/chat",
        "GET /api/settings/bot",
        "PUT /api/settings/bot",
        "GET /api/quality/questions",
        "POST /api/quality/questions",
        "DELETE /api/quality/questions/{id}",
        "POST /api/quality/run",
        "POST /api/playground/chat",
        "GET /api/team",
        "POST /api/team/invites",
        "DELETE /api/team/invites/{id}",
        "DELETE /api/team/members/{id}",
        "GET /dashboard",
        "GET /onboarding",
        "POST /onboarding",
        "POST /onboarding/documents",
        "POST /onboarding/documents/{id}/delete",
        "GET /campaigns",
        "GET /campaigns/new",
        "POST /campaigns/new",
        "GET /campaigns/{id}/edit",
        "POST /campaigns/{id}/edit",
        "POST /campaigns/{id}/status",
        "GET /campaigns/{id}/delete",
        "POST /campaigns/{id}/delete",
        "GET /integrations",
        "POST /integrations/facebook",
        "POST /integrations/connect",
        "POST /integrations/{id}/disconnect",
        "GET /analytics",
        "GET /ads",
        "GET /ads/{id}",
        "POST /ads/spend",
        "POST /ads/spend/import",
        "POST /ads/spend/{id}/delete",
        "POST /settings/conversions",
        "POST /settings/webhooks",
        "POST /settings/webhooks/{id}/test",
        "POST /settings/webhooks/{id}/secret",
        "POST /settings/webhooks/{id}/resume",
        "POST /settings/webhooks/{id}/delete",
        "GET /settings",
        "POST /settings/bot",
        "POST /settings/language",
        "GET /playground",
        "GET /quality",
        "POST /quality/questions",
        "POST /quality/questions/{id}/delete",
        "POST /quality/run",
        "POST /leo",
        "GET /team",
        "POST /team/invites",
        "POST /team/invites/{id}/cancel",
        "POST /team/members/{id}/remove",
    }
)

# Where each role starts: an agent who follows a link to the owner's home lands in the inbox instead.
HOME = {Role.owner: "/dashboard", Role.agent: "/inbox"}


def route_key(method: str, path: str) -> str:
    """The table's name of a route: "GET /api/team" (HEAD is read as GET)."""
    return f"{'GET' if method.upper() == 'HEAD' else method.upper()} {path}"


def access_of(key: str) -> Access | None:
    """The line of the table for this route, or None when it has none."""
    for access, keys in ((Access.public, PUBLIC), (Access.member, MEMBER), (Access.owner, OWNER)):
        if key in keys:
            return access
    return None


def allowed(role: Role, key: str) -> bool:
    """Whether a person of this role may use the route; a route the table does not name is the owner's alone."""
    access = access_of(key)
    if access in (Access.public, Access.member):
        return True
    return role == Role.owner


def can_open(role: Role) -> Callable[[str], bool]:
    """For templates: whether this person may open a page (`can('/integrations')`), so links they would be
    refused are not shown."""
    return lambda path: allowed(role, route_key("GET", path))


def parse_role(value: object) -> Role:
    """A stored role; anything unknown is read as the narrower one."""
    return Role.owner if value in (None, Role.owner.value) else Role.agent
