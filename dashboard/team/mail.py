"""The invitation by email, through the SMTP server in the settings (the one alert emails use), when one is
set: the owner sees the link either way and can copy it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage

from babel.dates import format_skeleton

from bot.runtime.host import Settings
from dashboard.alert_mail import default_sender
from dashboard.i18n.current import format_locale, gettext
from dashboard.outgoing_mail import send_email

log = logging.getLogger(__name__)

# The owner waits for this answer on the invite form: a slow server gives up soon, the link is on screen anyway.
SMTP_TIMEOUT_S = 10.0


def invite_email(*, to: str, sender: str, business_name: str, invited_by: str, url: str, expires_at: datetime) -> EmailMessage:
    """What the salesperson reads: who asks, what they may do, the link and until when it works. In the inviting
    owner's language (the salesperson's is not known yet)."""
    business = business_name or gettext("a business")
    message = EmailMessage()
    message["Subject"] = gettext("Join {business} on Sales bot").format(business=business)
    message["From"] = sender
    message["To"] = to
    # The day as the reader's language writes it, the hour always 24-hour, as on the pages.
    moment = expires_at.astimezone(UTC)
    until = f"{format_skeleton('yMMMd', moment, tzinfo=UTC, locale=format_locale())}, {moment:%H:%M}"
    lines = [
        gettext("Hello,"),
        "",
        gettext(
            "{invited_by} invites you to answer the customers of {business}: you will see the inbox and the leads, "
            "take conversations over from the bot, reply, hand them back and record sales."
        ).format(invited_by=invited_by, business=business),
        "",
        gettext("Choose a password and join: {url}").format(url=url),
        "",
        gettext("The link works once, until {until} UTC. If you did not expect it, ignore this email.").format(until=until),
    ]
    message.set_content("\n".join(lines))
    return message


def sender_of(settings: Settings) -> str:
    return settings.smtp_from or default_sender(settings.public_base)


async def send_invite(settings: Settings, message: EmailMessage) -> bool:
    """Send it; False (logged, never raised) when the server is unset, away or refuses."""
    if not settings.smtp_host:
        return False
    error = await send_email(settings, message, timeout_s=SMTP_TIMEOUT_S)
    if error:
        log.warning("invitation email not sent", extra={"error_type": error})
    return not error
