"""Who of the team holds a conversation a person has taken, and how its status badge says so to each reader:
"You have it" for the one who holds it, "Ana has it" for everyone else.

The holder is the last person to take the conversation over or answer in it, until someone releases it: the
same reading as the thread's "taken over by …" line. `holder_of` and `held_words` decide; `holders_of` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dashboard.i18n.current import N_, gettext
from dashboard.team.actions import Action
from knowledge.db import Db

HELD_BY_VIEWER = N_("You have it")
HELD_BY_OTHER = N_("{name} has it")
# A person took it outside the dashboard (the business's phone app, say): nobody of the team is named.
HELD_BY_UNKNOWN = N_("A person has it")


@dataclass(frozen=True)
class Holder:
    id: str
    email: str

    @property
    def name(self) -> str:
        """How a badge names them: the email's name part ("ana" of ana@shop.com), its first letter capital."""
        local = self.email.split("@", 1)[0] or self.email
        return local[:1].upper() + local[1:]


def holder_of(status: str, actions: Iterable[tuple[str, str, str]]) -> Holder | None:
    """The holder of a conversation in `status`, from its (action, person id, email) oldest first."""
    if status != "human":
        return None
    holder: Holder | None = None
    for action, person_id, email in actions:
        if action == Action.release:
            holder = None
        elif action in (Action.takeover, Action.reply):
            holder = Holder(person_id, email)
    return holder


def held_words(holder: Holder | None, viewer_id: str) -> str:
    """The badge of a conversation a person has, for the person reading it, in the request's language."""
    if holder is None:
        return gettext(HELD_BY_UNKNOWN)
    if holder.id == viewer_id:
        return gettext(HELD_BY_VIEWER)
    return gettext(HELD_BY_OTHER).format(name=holder.name)


async def holders_of(db: Db, tenant_id: str, conversations: Sequence[tuple[str, str]]) -> dict[str, Holder]:
    """The holders of the conversations given as (id, status), in one read of the team's actions on them."""
    held = [conversation_id for conversation_id, status in conversations if status == "human"]
    if not held:
        return {}
    cursor = db.team_actions.find({"tenant_id": tenant_id, "conversation_id": {"$in": held}}).sort("at_ms", 1)
    actions: dict[str, list[tuple[str, str, str]]] = {}
    async for doc in cursor:
        actions.setdefault(str(doc["conversation_id"]), []).append(
            (str(doc["action"]), str(doc["person_id"]), str(doc.get("email", "")))
        )
    found = {conversation_id: holder_of("human", actions.get(conversation_id, [])) for conversation_id in held}
    return {conversation_id: holder for conversation_id, holder in found.items() if holder is not None}
