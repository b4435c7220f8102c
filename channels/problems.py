"""What went wrong with a send or a connection, as a kind of problem and as the sentence an owner reads.

Every failure an owner can see about talking to Meta is named here, once: the engine stores the kind (a short key,
so the words can change or be translated later without touching stored data) and the pages and the API turn it
into a sentence. No sentence carries an exception's class name, Meta's raw message or a library's text.
"""

from __future__ import annotations

from typing import Literal, get_args

from channels.graph_errors import (
    AccessRefused,
    GraphError,
    MarketingStopped,
    OutsideWindow,
    RateLimited,
    RecipientUnavailable,
    SendOutcomeUnknown,
    TemplateRefused,
    TemplateRequired,
    TemporaryFailure,
    Unreachable,
    graph_error,
)
from channels.registry import channel_for_platform

Problem = Literal[
    "unreachable",  # no connection to Meta (DNS, refused, timeout before the request left)
    "meta_error",  # Meta answered with a server error, after our retries
    "rate_limited",  # Meta asked us to slow down, after our retries
    "no_answer",  # the send went out but its answer never came
    "token",  # the page's or number's access token was refused (expired, revoked, permission gone)
    "window",  # more than 24 hours since the customer last wrote
    "template_needed",  # WhatsApp, outside the window: only an approved template may go
    "template_refused",  # WhatsApp refused the follow-up's template (its parameters, or paused, disabled)
    "marketing_stopped",  # the customer stopped marketing messages from this business on WhatsApp
    "blocked",  # the customer cannot receive messages from this account
    "refused",  # Meta refused this message for another reason
    "not_answered",  # the bot could not answer (its own failure, not Meta's)
    "voice_unheard",  # a voice note could not be transcribed: the customer was told a person will listen
]
PROBLEMS: tuple[str, ...] = get_args(Problem)

# Problems of the channel itself (every customer there is affected), as opposed to one customer's message.
CHANNEL_PROBLEMS: frozenset[str] = frozenset({"unreachable", "meta_error", "rate_limited", "token"})
# Problems that pass by themselves: pressing Retry later is worth it.
PASSING_PROBLEMS: frozenset[str] = frozenset({"unreachable", "meta_error", "rate_limited", "no_answer", "not_answered"})


def service_name(platform: str) -> str:
    """What the owner calls the platform behind a channel."""
    try:
        return channel_for_platform(platform).service_name
    except KeyError:
        return "Facebook"


def problem_of(error: GraphError) -> Problem:
    """The kind of problem a Graph failure is (the one mapping from Graph's failure families to owners' words)."""
    if isinstance(error, SendOutcomeUnknown):
        return "no_answer"
    if isinstance(error, Unreachable):
        return "unreachable"
    if isinstance(error, AccessRefused):
        return "token"
    if isinstance(error, TemplateRequired):
        return "template_needed"
    if isinstance(error, TemplateRefused):
        return "template_refused"
    if isinstance(error, MarketingStopped):
        return "marketing_stopped"
    if isinstance(error, OutsideWindow):
        return "window"
    if isinstance(error, RateLimited):
        return "rate_limited"
    if isinstance(error, RecipientUnavailable):
        return "blocked"
    if isinstance(error, TemporaryFailure) or error.http_status >= 500:
        return "meta_error"
    return "refused"


def problem_of_code(code: int) -> Problem:
    """The kind of problem of an error Meta reported with only its code (a WhatsApp status, an older record)."""
    if not code:
        return "refused"
    return problem_of(graph_error(400, code, 0, ""))


def known_problem(value: str) -> Problem:
    """A stored kind read back ("refused" for anything this version does not know)."""
    return value if value in PROBLEMS else "refused"  # type: ignore[return-value]


def cause(problem: str, platform: str) -> str:
    """Why it happened, as one sentence."""
    service = service_name(platform)
    sentences = {
        "unreachable": f"{service} could not be reached.",
        "meta_error": f"{service} had a problem on its side.",
        "rate_limited": f"{service} asked us to slow down: too many messages went out at once.",
        "no_answer": f"{service} did not confirm the message; it may or may not have arrived.",
        "token": f"{service} no longer accepts this channel's connection: it has to be connected again.",
        "window": f"The customer last wrote more than 24 hours ago, and {service} allows answers only within 24 hours.",
        "template_needed": "The customer last wrote more than 24 hours ago: WhatsApp then allows only an approved template.",
        "template_refused": "WhatsApp refused the follow-up's template: check that it is approved and that its parameters match.",
        "marketing_stopped": "This customer asked WhatsApp to stop marketing messages from you.",
        "blocked": f"This customer cannot receive messages from you on {service} (they may have blocked you or left).",
        "refused": f"{service} refused this message.",
        "not_answered": "Something went wrong on our side while answering.",
        "voice_unheard": "A voice message could not be transcribed.",
    }
    return sentences[known_problem(problem)]


def way_out(problem: str) -> str:
    """What the owner can do about it."""
    problem = known_problem(problem)
    if problem == "token":
        return "Reconnect it on the Channels page, then press Retry."
    if problem in ("window", "template_needed", "blocked", "marketing_stopped"):
        return "Retrying will not help; answer the customer another way."
    if problem == "template_refused":
        return "Fix the template in the campaign's follow-ups (or in WhatsApp Manager)."
    if problem == "refused":
        return "Change the message and send it again, or press Retry."
    if problem == "voice_unheard":
        return "Listen to it in the conversation and answer the customer yourself."
    return "We will keep the message; press Retry."


def not_sent(problem: str, platform: str) -> str:
    """The whole line an owner reads about a message that did not go out."""
    if known_problem(problem) == "voice_unheard":  # the customer was told a person will listen: nothing failed to go
        return f"Not answered: {cause(problem, platform)} {way_out(problem)}"
    return f"Not sent: {cause(problem, platform)} {way_out(problem)}"


def still_trying(problem: str, platform: str) -> str:
    """The line for a reply the platform is still trying to send by itself."""
    return f"Not sent yet: {cause(problem, platform)} We are trying again."


def channel_trouble(problem: str, platform: str) -> str:
    """What a failing channel shows."""
    problem = known_problem(problem)
    if problem == "token":
        return cause(problem, platform) + " Connect it again on the Channels page."
    return f"Messages are not going out: {cause(problem, platform)} We keep trying."


def channel_banner(problem: str, platform: str, label: str) -> str:
    """One short line about a failing channel, for the banner every page shows (`label` names the channel)."""
    if known_problem(problem) == "token":
        return f"{label} must be connected again: {service_name(platform)} no longer accepts its connection."
    return f"{label} cannot send: {cause(problem, platform)}"


def connect_trouble(problem: str, platform: str = "facebook") -> str:
    """Why connecting a channel by hand did not work."""
    service = service_name(platform)
    problem = known_problem(problem)
    if problem == "token":
        return f"{service} did not accept this access token for this account: it may have expired or belong to another one."
    if problem in ("unreachable", "meta_error", "rate_limited", "no_answer"):
        return f"{service} could not be reached to check this access token. Nothing was saved; try again in a minute."
    return f"{service} refused this access token for this account."


def login_trouble(problem: str) -> str:
    """Why connecting with Facebook (the login dialog's return) did not work."""
    if known_problem(problem) in PASSING_PROBLEMS:
        return "Facebook could not be reached to finish connecting. Nothing was connected; try again in a minute."
    return "Facebook did not accept the login. Try again, or connect a page by hand below."
