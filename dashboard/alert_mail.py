"""Alert emails to an owner while something fails: when one is due, and what it says. Pure (see `alerts.py`).

One burst of failures (Meta down for an hour: hundreds of customers) must not become hundreds of emails. So a
business gets at most one alert per ALERT_EVERY, and only when a failure began after its last alert: the first
failure of a burst is told within a poll (30 s), the rest of the burst is in the banner and in the next email,
if something new fails an hour later. A failure that simply goes on is not told again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr

from dashboard.i18n.current import gettext
from dashboard.trouble import Trouble

ALERT_EVERY = timedelta(hours=1)


def alert_due(*, newest_trouble: datetime | None, last_sent: datetime | None, now: datetime) -> bool:
    """Whether the business's owner gets an email now (see the module's docstring)."""
    if newest_trouble is None:
        return False
    if last_sent is None:
        return True
    return newest_trouble > last_sent and now - last_sent >= ALERT_EVERY


def alert_email(trouble: Trouble, *, business_name: str, to: str, sender: str, base_url: str) -> EmailMessage:
    """The email: what fails, in the banner's words, and where to fix it, in the current language (see `alerts.py`)."""
    message = EmailMessage()
    business = business_name or gettext("Your business")
    if trouble.unanswered:
        message["Subject"] = gettext("{business}: customers are not getting answers").format(business=business)
    elif trouble.channels:
        message["Subject"] = gettext("{business}: a channel is failing").format(business=business)
    else:
        message["Subject"] = gettext("{business}: your CRM is not receiving events").format(business=business)
    message["From"] = sender
    message["To"] = to
    lines = [gettext("Hello,"), "", gettext("Something needs you at {business}:").format(business=business), ""]
    lines += [f"- {line}" for line in trouble.lines()]
    lines.append("")
    if trouble.unanswered:
        lines.append(gettext("See who is waiting and press Retry: {url}").format(url=f"{base_url}/inbox?delivery=failed"))
    if trouble.channels:
        lines.append(gettext("Check your channels: {url}").format(url=f"{base_url}/integrations"))
    if trouble.paused_webhooks:
        lines.append(gettext("Fix the receiver, then resume its webhook: {url}").format(url=f"{base_url}/settings#webhooks"))
    lines += ["", gettext("You get at most one such email an hour, and only when something new fails.")]
    message.set_content("\n".join(lines))
    return message


def default_sender(public_base: str) -> str:
    """Who alerts come from when SMTP_FROM is unset: the platform, at its own host name."""
    host = public_base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return formataddr(("Sales bot", f"alerts@{host}"))
