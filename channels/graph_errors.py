"""Graph API failures as classes, one per family of Meta's errors, chosen from Meta's error code and subcode.

Meta reports most failures, rate limits included, as HTTP 400 with `{"error": {"code", "error_subcode",
"is_transient", ...}}`, so the family is decided on the code first and on the HTTP status only when the code says
nothing. Callers tell the families apart with `isinstance` (retry, delivery state, a channel's health); whether a
failure is worth retrying is the family's default, which Meta's `is_transient` may turn on.
"""

from __future__ import annotations

from typing import Any, ClassVar

from channels.parsing import as_dict, as_int, as_str

TRANSIENT_CODES = frozenset({1, 2, 1200, 131000, 131016})
# App, user, page, custom and business-use-case limits, WhatsApp throughput and pair limits: back off, retry.
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 130429, 131056, *range(80000, 80015)})
# WhatsApp's spam rate limit follows from message quality: retrying soon only makes it worse.
SPAM_RATE_LIMIT_CODES = frozenset({131048})
# Meta's WhatsApp docs: the same customer may get at most one message every 6 seconds.
PAIR_RATE_LIMIT_CODE = 131056
TEMPLATE_REQUIRED_CODES = frozenset({131047})
# A template Meta will not send as asked: parameters that do not match (132000, 132001 its name or language
# missing), a format or text refused (132005, 132007, 132012), or the template paused or disabled (132015, 132016).
TEMPLATE_REFUSED_CODES = frozenset({132000, 132001, 132005, 132007, 132012, 132015, 132016})
# The customer chose to stop marketing messages from this business.
MARKETING_STOPPED_CODES = frozenset({131050})
WINDOW_SUBCODES = frozenset({2018278, 2534022})
TOKEN_CODES = frozenset({190, 102})
PERMISSION_CODES = frozenset({10, 230, *range(200, 300)})
UNDELIVERABLE_CODES = frozenset({551, 131021, 131026, 131049, 131051})
UNDELIVERABLE_SUBCODES = frozenset({1545041, 2018001})
INVALID_CODES = frozenset({100, 131008, 131009})
# A private reply Meta will never take: the comment was answered already (10900), its author cannot be answered
# (10903), or it is not a comment that can be answered (10902).
COMMENT_REPLY_CODES = frozenset({10900, 10902, 10903})
ALREADY_REPLIED_CODE = 10900


class GraphError(Exception):
    """A Graph API call that failed for good (permanent error, or retries used up). Raise a family, not this."""

    retried_by_default: ClassVar[bool] = False

    def __init__(
        self,
        http_status: int,
        code: int,
        subcode: int,
        message: str,
        *,
        transient: bool | None = None,
        retry_after_s: float | None = None,
        fbtrace_id: str = "",
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.subcode = subcode
        self.message = message
        self.transient = self.retried_by_default if transient is None else transient
        self.retry_after_s = retry_after_s
        self.fbtrace_id = fbtrace_id

    def __str__(self) -> str:
        return f"Graph error {self.code}/{self.subcode} (HTTP {self.http_status}): {self.message}"


class RateLimited(GraphError):
    """Meta asked us to slow down (an app, page, account or number limit): back off and try again."""

    retried_by_default = True


class CustomerRateLimited(RateLimited):
    """WhatsApp's limit per customer (one message every 6 seconds): only that customer waits, not the account."""


class SpamRateLimited(RateLimited):
    """WhatsApp's limit on a number whose messages are reported: trying again soon makes it worse."""

    retried_by_default = False


class AccessRefused(GraphError):
    """Meta refuses the token for this call: only the owner can mend it by connecting the channel again."""


class TokenInvalid(AccessRefused):
    """The token expired, was revoked or was never valid (190, 102)."""


class PermissionMissing(AccessRefused):
    """The token is valid but lacks a permission the call needs (10, 200–299, 230)."""


class OutsideWindow(GraphError):
    """More than 24 hours since the customer last wrote: Meta takes no free-form message now."""


class TemplateRequired(OutsideWindow):
    """WhatsApp, outside the window: only an approved template may go (131047)."""


class RecipientUnavailable(GraphError):
    """This customer cannot receive messages from this account (blocked it, left, or cannot be reached)."""


class MarketingStopped(RecipientUnavailable):
    """WhatsApp: the customer stopped marketing messages from this business (131050)."""


class TemplateRefused(GraphError):
    """WhatsApp refused a template send: its parameters, or the template itself (paused, disabled, not found)."""


class TemporaryFailure(GraphError):
    """Meta had a problem on its side (a server error, or a code Meta calls transient): try again."""

    retried_by_default = True


class Unreachable(TemporaryFailure):
    """No answer from Meta at all: the connection failed before a request could be answered."""

    def __init__(self, kind: str) -> None:
        super().__init__(0, 0, 0, f"network error: {kind}")


class SendOutcomeUnknown(TemporaryFailure):
    """A send whose answer never came: Meta may or may not have delivered it. Not retried blindly."""

    def __init__(self, kind: str) -> None:
        super().__init__(0, 0, 0, f"no answer to the send ({kind}): it may have been delivered")


class CommentReplyRefused(GraphError):
    """Meta takes no private reply to this comment, now or later (10900, 10902, 10903): final, never retried."""

    @property
    def already_replied(self) -> bool:
        return self.code == ALREADY_REPLIED_CODE


class BadRequest(GraphError):
    """Meta refused the request itself (a parameter it does not take)."""


class UnknownGraphError(GraphError):
    """A failure of no family we know."""


def family_of(http_status: int, code: int, subcode: int) -> type[GraphError]:
    """The family of an error answer, from Meta's code and subcode first, then the HTTP status."""
    return _family_by_code(code, subcode) or _family_by_status(http_status, code)


def _family_by_code(code: int, subcode: int) -> type[GraphError] | None:
    """The family Meta's code (or subcode) names, in the order the codes are trusted; None for a code of none."""
    if subcode in WINDOW_SUBCODES and code not in _BEFORE_THE_WINDOW:
        return OutsideWindow
    if code == PAIR_RATE_LIMIT_CODE:
        return CustomerRateLimited
    if subcode in UNDELIVERABLE_SUBCODES and code not in _BEFORE_UNDELIVERABLE:
        return RecipientUnavailable
    return next((family for codes, family in _BY_CODE if code in codes), None)


def _family_by_status(http_status: int, code: int) -> type[GraphError]:
    """The family of an answer whose code says nothing we know: the HTTP status decides."""
    if http_status == 429:
        return RateLimited
    if http_status >= 500:
        return TemporaryFailure
    if http_status in (401, 403) and not code:
        return TokenInvalid
    return UnknownGraphError


# Codes to families, in the order they are trusted: a code of an earlier row wins over a subcode read later.
_BY_CODE: tuple[tuple[frozenset[int], type[GraphError]], ...] = (
    (TEMPLATE_REQUIRED_CODES, TemplateRequired),
    (TEMPLATE_REFUSED_CODES, TemplateRefused),
    (MARKETING_STOPPED_CODES, MarketingStopped),
    (COMMENT_REPLY_CODES, CommentReplyRefused),
    (TOKEN_CODES, TokenInvalid),
    (PERMISSION_CODES, PermissionMissing),
    (SPAM_RATE_LIMIT_CODES, SpamRateLimited),
    (RATE_LIMIT_CODES, RateLimited),
    (TRANSIENT_CODES, TemporaryFailure),
    (UNDELIVERABLE_CODES, RecipientUnavailable),
    (INVALID_CODES, BadRequest),
)
# The window's subcode is read after the template, marketing and comment codes (as before), the undeliverable subcode
# after every code but the invalid ones.
_BEFORE_THE_WINDOW = TEMPLATE_REQUIRED_CODES | TEMPLATE_REFUSED_CODES | MARKETING_STOPPED_CODES | COMMENT_REPLY_CODES
_BEFORE_UNDELIVERABLE = (
    _BEFORE_THE_WINDOW
    | TOKEN_CODES
    | PERMISSION_CODES
    | SPAM_RATE_LIMIT_CODES
    | {PAIR_RATE_LIMIT_CODE}
    | RATE_LIMIT_CODES
    | TRANSIENT_CODES
)


def graph_error(
    http_status: int,
    code: int,
    subcode: int,
    message: str,
    *,
    is_transient: bool = False,
    retry_after_s: float | None = None,
    fbtrace_id: str = "",
) -> GraphError:
    """The failure of an error answer. Meta's `is_transient` makes any family but the window worth retrying; a
    failure of no family it calls transient is a temporary one."""
    family = family_of(http_status, code, subcode)
    if is_transient and family is UnknownGraphError:
        family = TemporaryFailure
    final = issubclass(family, (OutsideWindow, CommentReplyRefused))
    transient = True if is_transient and not final else None
    return family(http_status, code, subcode, message, transient=transient, retry_after_s=retry_after_s, fbtrace_id=fbtrace_id)


def error_from_response(http_status: int, body: Any, retry_after_s: float | None = None, *, redact: str = "") -> GraphError:
    """The typed error of an error answer; `redact` (the token used) is blanked out of Meta's message."""
    error = as_dict(as_dict(body).get("error"))
    code = as_int(error.get("code"))
    subcode = as_int(error.get("error_subcode"))
    message = as_str(error.get("message")) or as_str(error.get("error_user_msg")) or f"HTTP {http_status}"
    details = as_str(as_dict(error.get("error_data")).get("details"))
    if details and details not in message:
        message = f"{message} ({details})"
    if redact:
        message = message.replace(redact, "***")
    return graph_error(
        http_status,
        code,
        subcode,
        message,
        is_transient=error.get("is_transient") is True,
        retry_after_s=retry_after_s,
        fbtrace_id=as_str(error.get("fbtrace_id")),
    )
