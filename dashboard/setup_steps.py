"""The setup checklist on the home page, decided from plain facts about the business: each step done or not, and
"Go live" naming every step still missing, each with the link that fixes it.

Going live needs an active campaign with the other steps done; it does not wait for a first customer (a business
that has set everything up is live, whether or not anyone wrote yet).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n.current import gettext


@dataclass(frozen=True)
class SetupFacts:
    described: bool  # the business profile has a description
    campaigns: int
    active_campaigns: int
    channels: int
    tried_playground: bool


@dataclass(frozen=True)
class Missing:
    """Something going live still needs, and where to do it."""

    what: str
    href: str
    action: str


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    text: str
    href: str
    action: str
    done: bool
    missing: tuple[Missing, ...] = ()


def missing_to_go_live(facts: SetupFacts) -> tuple[Missing, ...]:
    """Every unmet condition of going live, in the checklist's order, said in the request's language."""
    missing: list[Missing] = []
    if not facts.described:
        missing.append(Missing(gettext("Your business details"), "/onboarding", gettext("Add business details")))
    if not facts.campaigns:
        missing.append(Missing(gettext("A campaign, set to Active"), "/campaigns/new", gettext("Create a campaign")))
    elif not facts.active_campaigns:
        missing.append(
            Missing(
                gettext("An active campaign: yours are all drafts, paused or completed"), "/campaigns", gettext("Activate one")
            )
        )
    if not facts.channels:
        missing.append(Missing(gettext("A connected channel"), "/integrations", gettext("Connect a channel")))
    if not facts.tried_playground:
        missing.append(Missing(gettext("A test chat with your bot"), "/playground", gettext("Open the playground")))
    return tuple(missing)


def setup_steps(facts: SetupFacts) -> list[Step]:
    missing = missing_to_go_live(facts)
    return [
        Step(
            "profile",
            gettext("Tell the bot about your business"),
            gettext("What you do, who you serve, how to reach you; add your FAQ or price list."),
            "/onboarding",
            gettext("Add business details"),
            facts.described,
        ),
        Step(
            "campaign",
            gettext("Create a campaign"),
            gettext("The product, its price, how the bot greets people and answers doubts."),
            "/campaigns/new",
            gettext("Create a campaign"),
            facts.campaigns > 0,
        ),
        Step(
            "channel",
            gettext("Connect a channel"),
            gettext("Your Facebook page, Instagram account or WhatsApp number."),
            "/integrations",
            gettext("Connect a channel"),
            facts.channels > 0,
        ),
        Step(
            "playground",
            gettext("Test your bot"),
            gettext("Chat with it as a customer would, before real customers do."),
            "/playground",
            gettext("Open the playground"),
            facts.tried_playground,
        ),
        Step(
            "live",
            gettext("Go live"),
            gettext("With an active campaign and a connected channel, the bot answers every customer who writes."),
            missing[0].href if missing else "/campaigns",
            missing[0].action if missing else gettext("See your campaigns"),
            not missing,
            missing,
        ),
    ]
