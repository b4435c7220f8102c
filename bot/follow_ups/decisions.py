"""When a nudge is planned, when it is due, and whether it may still go: pure decisions on plain data and `now`.

Quiet hours: a nudge never reaches a customer between 21:00 and 09:00 in the business's time zone; one due then
moves to 09:00 the next morning. A nudge that would fall after the channel's free window closes is not planned,
unless the channel takes an approved template then (WhatsApp) and the campaign's follow-up names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import local_time
from knowledge.models import FollowUp, FollowUpMoment

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(9, 0)

_LINK = re.compile(r"https?://\S+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def _plain(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def moments_of(reply: str, *, states_price: bool, questions: list[str], asked_question: bool) -> frozenset[FollowUpMoment]:
    """What the bot's reply did: stated a price (`states_price`: an amount of the catalog stands in it), sent a link,
    asked one of the campaign's qualification questions (in the owner's words, or as the pipeline says it did)."""
    found: set[FollowUpMoment] = set()
    if states_price:
        found.add(FollowUpMoment.price)
    if _LINK.search(reply):
        found.add(FollowUpMoment.link)
    plain = _plain(reply)
    if asked_question or any(q.strip() and _plain(q) in plain for q in questions):
        found.add(FollowUpMoment.question)
    return frozenset(found)


def rule_for(follow_ups: list[FollowUp], moments: frozenset[FollowUpMoment], *, after_step: int = -1) -> int | None:
    """The campaign's first follow-up (after `after_step`) whose moment the reply had; None for none."""
    for index, follow_up in enumerate(follow_ups):
        if index > after_step and follow_up.after in moments:
            return index
    return None


def out_of_quiet_hours(at: datetime, zone: ZoneInfo) -> datetime:
    """`at`, or 09:00 local the next morning when `at` falls between 21:00 and 09:00 where the business is."""
    local = local_time(at, zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return at
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    morning = datetime.combine(day, QUIET_UNTIL, tzinfo=zone)
    return morning.astimezone(at.tzinfo) if at.tzinfo else morning


@dataclass(frozen=True)
class Planned:
    due_at: datetime
    template: bool  # sent as the follow-up's WhatsApp template: the free window will be closed by then


def plan_due(
    replied_at: datetime,
    follow_up: FollowUp,
    *,
    zone: ZoneInfo,
    window_end: datetime,
    templates_after_window: bool,
) -> Planned | None:
    """When the nudge goes: `after_minutes` after the reply, out of quiet hours; None when that is past the window
    and no template may go instead."""
    due = out_of_quiet_hours(replied_at + timedelta(minutes=follow_up.after_minutes), zone)
    if due < window_end:
        return Planned(due, template=False)
    if templates_after_window and follow_up.template is not None:
        return Planned(due, template=True)
    return None


class Skip(StrEnum):
    """Why a due nudge is not sent."""

    replaced = "replaced"  # the plan changed since (cancelled, or a newer one)
    status = "status"  # opted out, handed off, a person has it, or it is closed
    complaint = "complaint"
    sale = "sale"
    window = "window"  # the free window closed and no template may go
    no_campaign = "no_campaign"


@dataclass(frozen=True)
class Go:
    template: bool


def may_send(
    *,
    planned: bool,
    status: str,
    complained: bool,
    converted: bool,
    has_follow_up: bool,
    has_template: bool,
    templates_after_window: bool,
    window_end: datetime,
    now: datetime,
) -> Go | Skip:
    """Whether a due nudge goes now, and how: never after STOP, a handoff, a person, a complaint or a sale; free text
    inside the window, the template after it where the channel takes one."""
    if not planned:
        return Skip.replaced
    if status != "bot":
        return Skip.status
    if complained:
        return Skip.complaint
    if converted:
        return Skip.sale
    if not has_follow_up:
        return Skip.no_campaign
    if now < window_end:
        return Go(template=False)
    if templates_after_window and has_template:
        return Go(template=True)
    return Skip.window
