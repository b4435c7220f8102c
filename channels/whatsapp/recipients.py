"""Who a WhatsApp send goes to: a phone number (`to`) or, for a customer who hides theirs behind a username, their
business-scoped user id (BSUID, `recipient`).

A BSUID is an ISO 3166 country code, a dot, and up to 128 letters and digits ("US.13491208655302741918"; a parent
BSUID adds "ENT."). A WhatsApp phone id is digits only, so the two never look alike.
"""

from __future__ import annotations

import re

_USER_ID = re.compile(r"[A-Z]{2}\.[A-Za-z0-9.]{1,140}")


def is_user_id(customer_id: str) -> bool:
    return _USER_ID.fullmatch(customer_id) is not None


def recipient_field(customer_id: str) -> dict[str, str]:
    """The field of a send's body that names its customer."""
    return {"recipient": customer_id} if is_user_id(customer_id) else {"to": customer_id}
