"""A send that did not go out, in the owner's language: `channels.problems` keeps the kinds of problem (and its
English sentences for the platform's own logs and callers); the dashboard says them here, from the stored kind,
so `channels/` needs nothing of the dashboard. The English text is the same as `channels.problems` writes."""

from __future__ import annotations

from bot.conversations.records import Conversation, ConversationDelivery
from channels.problems import PASSING_PROBLEMS, known_problem, service_name
from dashboard.i18n.current import N_, gettext

CAUSES = {
    "unreachable": N_("{service} could not be reached."),
    "meta_error": N_("{service} had a problem on its side."),
    "rate_limited": N_("{service} asked us to slow down: too many messages went out at once."),
    "no_answer": N_("{service} did not confirm the message; it may or may not have arrived."),
    "token": N_("{service} no longer accepts this channel's connection: it has to be connected again."),
    "window": N_("The customer last wrote more than 24 hours ago, and {service} allows answers only within 24 hours."),
    "template_needed": N_("The customer last wrote more than 24 hours ago: WhatsApp then allows only an approved template."),
    "template_refused": N_("WhatsApp refused the follow-up's template: check that it is approved and that its parameters match."),
    "marketing_stopped": N_("This customer asked WhatsApp to stop marketing messages from you."),
    "blocked": N_("This customer cannot receive messages from you on {service} (they may have blocked you or left)."),
    "refused": N_("{service} refused this message."),
    "not_answered": N_("Something went wrong on our side while answering."),
    "voice_unheard": N_("A voice message could not be transcribed."),
}


def cause(problem: str, platform: str) -> str:
    """Why it happened, as one sentence."""
    return gettext(CAUSES[known_problem(problem)]).format(service=service_name(platform))


def way_out(problem: str) -> str:
    """What the owner can do about it."""
    problem = known_problem(problem)
    if problem == "token":
        return gettext("Reconnect it on the Channels page, then press Retry.")
    if problem in ("window", "template_needed", "blocked", "marketing_stopped"):
        return gettext("Retrying will not help; answer the customer another way.")
    if problem == "template_refused":
        return gettext("Fix the template in the campaign's follow-ups (or in WhatsApp Manager).")
    if problem == "refused":
        return gettext("Change the message and send it again, or press Retry.")
    if problem == "voice_unheard":
        return gettext("Listen to it in the conversation and answer the customer yourself.")
    return gettext("We will keep the message; press Retry.")


def not_sent(problem: str, platform: str) -> str:
    """The whole line an owner reads about a message that did not go out."""
    if known_problem(problem) == "voice_unheard":  # the customer was told a person will listen: nothing failed to go
        return gettext("Not answered: {cause} {way_out}").format(cause=cause(problem, platform), way_out=way_out(problem))
    return gettext("Not sent: {cause} {way_out}").format(cause=cause(problem, platform), way_out=way_out(problem))


def still_trying(problem: str, platform: str) -> str:
    """The line for a reply the platform is still trying to send by itself."""
    return gettext("Not sent yet: {cause} We are trying again.").format(cause=cause(problem, platform))


def delivery_error(conversation: Conversation) -> str:
    """The owner's sentence for a conversation whose reply did not go out ("" when it did)."""
    if conversation.delivery == ConversationDelivery.failed:
        return not_sent(conversation.delivery_problem or "not_answered", conversation.platform)
    if conversation.delivery == ConversationDelivery.pending:
        return still_trying(conversation.delivery_problem or "unreachable", conversation.platform)
    return ""


def channel_trouble(problem: str, platform: str) -> str:
    """What a failing channel shows."""
    if known_problem(problem) == "token":
        return gettext("{cause} Connect it again on the Channels page.").format(cause=cause(problem, platform))
    return gettext("Messages are not going out: {cause} We keep trying.").format(cause=cause(problem, platform))


def channel_banner(problem: str, platform: str, label: str) -> str:
    """One short line about a failing channel, for the banner every page shows (`label` names the channel)."""
    if known_problem(problem) == "token":
        return gettext("{label} must be connected again: {service} no longer accepts its connection.").format(
            label=label, service=service_name(platform)
        )
    return gettext("{label} cannot send: {cause}").format(label=label, cause=cause(problem, platform))


def webhooks_trouble(problem: str, platform: str) -> str:
    """Why no message or comment of a connected account reaches the bot: Meta refused to send us its webhooks."""
    service = service_name(platform)
    if known_problem(problem) in PASSING_PROBLEMS:
        return gettext(
            "{service} could not be asked to send us this account's messages and comments, so the bot does not see "
            "them yet. We ask again every few hours; or connect it again in a few minutes."
        ).format(service=service)
    return gettext(
        "{service} refused to send us this account's messages and comments, so the bot does not see them. Connect "
        "with Facebook again and allow every permission it asks for (or use a token that has them)."
    ).format(service=service)
