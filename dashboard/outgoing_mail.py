"""Email to owners and their team (alerts, invitations) through the SMTP server in the settings, with aiosmtplib."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from bot.runtime.host import Settings


async def send_email(settings: Settings, message: EmailMessage, *, timeout_s: float) -> str:
    """Send `message`: "" once the server took it, else the kind of failure (the caller logs it and decides
    whether to try again). Never raises for a server that is away, slow or refuses."""
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            timeout=timeout_s,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        return type(exc).__name__
    return ""
