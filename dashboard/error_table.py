"""How every failure is answered to an owner: one table from an error's family and kind to the HTTP status, the
API's error code (`{"error": {"code", "message", "fields"}}`) and the sentence in the owner's language.

The API's error middleware and the pages read the same rows (`answer_for`), so a refusal says the same thing in
JSON and on a form. Sentences are msgids of the dashboard's catalogs, with `{placeholders}` filled from the error's
`params`; the fields at fault are named in words (`field_label`) before the sentence about them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.problems import PASSING_PROBLEMS, PROBLEMS, service_name
from dashboard.delivery_words import not_sent
from dashboard.field_errors import SENTENCES as FIELD_PROBLEM_SENTENCES
from dashboard.field_errors import field_label, sentence
from dashboard.i18n.current import N_, gettext
from knowledge.domain_errors import DomainError, InvalidInput, Param


@dataclass(frozen=True)
class Row:
    status: int
    code: str
    sentence: str = ""  # a msgid with {placeholders} from the error's params
    # A sentence that is not one msgid (a delivery's reason, said by `delivery_words`), from the params.
    say: Callable[[Mapping[str, Param]], str] | None = None
    challenge: bool = False  # a 401 that tells API clients to send a bearer token
    # Params answered as they are under `fields` (a code from Meta the owner can look up, not a sentence).
    codes_as_fields: tuple[str, ...] = ()


def _not_sent_row(problem: str) -> Row:
    return Row(
        502 if problem in PASSING_PROBLEMS else 409,
        f"not_sent_{problem}",
        say=lambda params: not_sent(problem, str(params.get("platform", "facebook"))),
        codes_as_fields=("meta_error_code",),
    )


NOT_FOUND = {
    "campaign": N_("campaign not found"),
    "api_token": N_("API token not found"),
    "channel": N_("channel not found"),
    "deletion_request": N_("deletion request not found"),
    "invitation": N_("invitation not found"),
    "team_member": N_("team member not found"),
    "document": N_("document not found"),
    "test_question": N_("test question not found"),
    "conversation": N_("conversation not found"),
    "recording": N_("recording not found"),
    "leo_thread": N_("no such thread"),
    "spend": N_("spend not found"),
    "webhook": N_("webhook not found"),
    "ad": N_("ad or post not found"),
}

# (family, kind) -> how it is answered. A kind means one thing in its family: "channel_disconnected" is a person's
# reply that could not go (conflict) or a retry that cannot start (refused).
TABLE: dict[tuple[str, str], Row] = {
    **{("not_found", kind): Row(404, "not_found", said) for kind, said in NOT_FOUND.items()},
    # Conflicts: the thing exists already, or changed meanwhile.
    ("conflict", "channel_disconnected"): Row(
        409,
        "channel_disconnected",
        N_("Not sent: this conversation's channel is no longer connected. Connect it again on the Channels page."),
    ),
    ("conflict", "account_taken"): Row(409, "account_taken", N_("this account is already connected to another business")),
    ("conflict", "account_being_connected"): Row(
        409, "account_taken", N_("this account is being connected right now; try again")
    ),
    ("conflict", "account_changed"): Row(409, "account_taken", N_("this account changed while connecting; try again")),
    ("conflict", "email_taken"): Row(409, "email_taken", N_("an account with this email already exists")),
    ("conflict", "email_has_account"): Row(
        409, "email_taken", N_("this email already has an account; a person belongs to one business")
    ),
    ("conflict", "tokens_busy"): Row(409, "busy", N_("other API tokens are being created right now; try again")),
    ("conflict", "owner_not_removable"): Row(409, "owner_not_removable", N_("the owner of the business cannot be removed")),
    # Refusals: not allowed, or not possible now.
    ("refused", "nothing_to_retry"): Row(
        409, "nothing_to_retry", N_("Every message of this conversation went out: there is nothing to retry.")
    ),
    ("refused", "nothing_left_to_retry"): Row(
        409, "nothing_to_retry", N_("There is no message left to send again in this conversation.")
    ),
    ("refused", "busy"): Row(409, "busy", N_("The bot is answering this conversation right now; try again in a moment.")),
    ("refused", "channel_disconnected"): Row(
        409,
        "channel_disconnected",
        N_("This conversation's channel is no longer connected. Connect it again on the Channels page."),
    ),
    ("refused", "person_has_it"): Row(
        409, "person_has_it", N_("A person has this conversation now: answer the customer yourself.")
    ),
    ("refused", "too_many_questions"): Row(
        409,
        "too_many_questions",
        N_("You can keep up to {limit} test questions. Delete some you no longer need first."),
    ),
    ("refused", "too_many_tokens"): Row(
        409, "too_many_tokens", N_("an owner has at most {limit} named API tokens; revoke one first")
    ),
    ("refused", "too_many_webhooks"): Row(
        409, "too_many_webhooks", N_("A business can have up to 10 webhooks. Delete one you no longer use first.")
    ),
    ("refused", "no_model"): Row(
        409,
        "no_model",
        N_("No AI model is set up on this server (GROQ_API_KEY is not set), so test questions run offline only."),
    ),
    ("refused", "not_logged_in"): Row(401, "unauthorized", N_("log in or send an API token"), challenge=True),
    ("refused", "bad_authorization"): Row(
        401, "unauthorized", N_("the Authorization header must be 'Bearer <api token>'"), challenge=True
    ),
    ("refused", "token_expired"): Row(
        401, "token_expired", N_("this API token has expired; log in again or create a new token"), challenge=True
    ),
    ("refused", "token_invalid"): Row(401, "unauthorized", N_("this API token is not valid"), challenge=True),
    ("refused", "policy_needs_login"): Row(401, "unauthorized", N_("log in or send an API token")),
    ("refused", "account_gone"): Row(401, "unauthorized", N_("this account no longer exists")),
    ("refused", "invalid_credentials"): Row(401, "invalid_credentials", N_("wrong email or password")),
    ("refused", "owner_only"): Row(403, "owner_only", N_("only the owner of this business can do this")),
    ("refused", "csrf"): Row(
        403, "csrf", N_("The page's security token is missing or wrong (X-CSRF-Token header). Reload the page and try again.")
    ),
    ("refused", "wrong_password"): Row(403, "wrong_password", N_("the password is not right")),
    ("refused", "state_not_yours"): Row(
        403,
        "state_not_yours",
        N_(
            "This Facebook login was started from another account or browser, so nothing was connected. "
            "Log in to your dashboard and connect Facebook from there."
        ),
    ),
    ("refused", "facebook_not_configured"): Row(
        503, "facebook_not_configured", N_("Facebook Login needs META_APP_ID and META_APP_SECRET")
    ),
    # Rate limits (`dashboard/ratelimit.py`), by the limit's name; Retry-After comes from the params.
    ("refused", "login-fail-address"): Row(
        429, "too_many_attempts", N_("too many failed logins from this address; try again later")
    ),
    ("refused", "login-fail-account"): Row(429, "too_many_attempts", N_("too many failed logins; try again later")),
    ("refused", "signup-address"): Row(429, "rate_limited", N_("too many sign-ups from this address; try again later")),
    ("refused", "password-fail-owner"): Row(429, "too_many_attempts", N_("too many wrong passwords; try again later")),
    ("refused", "playground"): Row(429, "rate_limited", N_("too many playground messages; try again in a minute")),
    ("refused", "leo"): Row(429, "rate_limited", N_("Leo needs a short break; try again in a minute")),
    ("refused", "team-invites"): Row(429, "rate_limited", N_("too many invitations in an hour; try again later")),
    ("refused", "quality-run"): Row(429, "rate_limited", N_("too many test runs; try again in a minute")),
    ("refused", "quality-model-run"): Row(
        429, "rate_limited", N_("too many test runs with the AI model; try again in a few minutes")
    ),
    ("refused", "join-address"): Row(
        429, "too_many_attempts", N_("too many attempts to join from this address; try again later")
    ),
    # Outside services.
    ("upstream", "meta_unreachable"): Row(
        502,
        "meta_unreachable",
        N_("{service} could not be reached to check this access token. Nothing was saved; try again in a minute."),
    ),
    ("upstream", "meta_unreachable_in_time"): Row(
        504,
        "meta_unreachable",
        N_("{service} could not be reached to check this access token. Nothing was saved; try again in a minute."),
    ),
    ("upstream", "no_access_token"): Row(
        502, "facebook_login_failed", N_("Facebook did not return an access token for the login code")
    ),
    ("upstream", "no_long_lived_token"): Row(
        502, "facebook_login_failed", N_("Facebook did not return a long-lived access token")
    ),
    ("upstream", "facebook_unreachable"): Row(
        502,
        "facebook_login_failed",
        N_("Facebook could not be reached to finish connecting. Nothing was connected; try again in a minute."),
    ),
    ("upstream", "facebook_refused_login"): Row(
        502, "facebook_login_failed", N_("Facebook did not accept the login. Try again, or connect a page by hand below.")
    ),
    # A reply that did not go out: for now (Meta failing) or for good (window, blocked, token).
    **{
        ("upstream" if problem in PASSING_PROBLEMS else "refused", f"not_sent_{problem}"): _not_sent_row(problem)
        for problem in PROBLEMS
    },
    # A WhatsApp number's templates (`GET /api/channels/{id}/templates`).
    ("refused", "templates_not_whatsapp"): Row(
        409, "templates_not_whatsapp", N_("Message templates exist only for WhatsApp numbers.")
    ),
    ("refused", "templates_refused"): Row(
        409,
        "templates_refused",
        N_(
            "WhatsApp refused to list the templates: check the business account id and that this number's access token may manage it."
        ),
        codes_as_fields=("meta_error_code",),
    ),
    ("upstream", "templates_unavailable"): Row(
        502, "templates_unavailable", N_("WhatsApp could not be reached to read the templates; try again in a minute.")
    ),
    ("invalid", "waba_id_needed"): Row(
        400,
        "waba_id_needed",
        N_("Name the WhatsApp business account once: add waba_id, its id as WhatsApp Manager shows it."),
    ),
    # Input that cannot be used.
    ("invalid", "invalid"): Row(422, "invalid", N_("some fields are invalid")),
    ("invalid", "invalid_filter"): Row(400, "invalid_filter", N_("some query parameters are invalid")),
    ("invalid", "invalid_access_token"): Row(
        422,
        "invalid_access_token",
        N_("{service} did not accept this access token for this account: it may have expired or belong to another one."),
    ),
    ("invalid", "token_of_another_account"): Row(
        422, "invalid_access_token", N_("This access token is for another account than {account_id}.")
    ),
    ("invalid", "weak_password"): Row(422, "weak_password", N_("This password cannot be used.")),
    ("invalid", "payload_too_large"): Row(413, "payload_too_large", N_("the request body is larger than {kb} KB")),
    ("invalid", "body_not_object"): Row(400, "bad_json", N_("the request body must be a JSON object")),
    ("invalid", "body_too_deep"): Row(400, "bad_json", N_("the request body nests deeper than {depth} levels")),
    ("invalid", "body_not_json"): Row(400, "bad_json", N_("the request body is not valid JSON")),
    ("invalid", "bad_form"): Row(400, "bad_form", N_("the request body is not a valid form")),
    ("invalid", "unsupported_media_type"): Row(415, "unsupported_media_type", N_("send the body as {accepts}")),
    ("invalid", "bad_multipart"): Row(400, "bad_multipart", N_("the multipart body is malformed")),
    ("invalid", "missing_file"): Row(400, "missing_file", N_("send the document in the multipart field 'file'")),
    ("invalid", "bad_state"): Row(400, "bad_state", N_("This login link is unknown or expired; start again from the dashboard.")),
    ("invalid", "facebook_login_cancelled"): Row(400, "facebook_login_cancelled", N_("Facebook did not grant access.")),
    ("invalid", "bad_signed_request"): Row(400, "bad_signed_request", N_("signed_request is missing or not signed by this app")),
    ("invalid", "signed_request_without_user"): Row(400, "bad_signed_request", N_("signed_request names no user")),
    ("invalid", "range_reversed"): Row(400, "invalid_range", N_("from must not be after to")),
    ("invalid", "range_too_long"): Row(400, "invalid_range", N_("at most {days} days at once")),
    # Ad spend (`dashboard/ad_spend_entry.py`, `dashboard/api/ads.py`) and the Conversions API's settings.
    ("invalid", "wrong_currency"): Row(
        422, "wrong_currency", N_("the business counts its money in {currency}; enter the spend in {currency}, not {given}")
    ),
    ("invalid", "csv_too_large"): Row(413, "too_large", N_("the CSV may be at most {megabytes} MB")),
    ("invalid", "csv_not_utf8"): Row(422, "bad_csv", N_("the CSV must be UTF-8 text")),
    # Each bad row by its line, already said in the owner's language where the rows were read (`csv_problem_words`).
    ("invalid", "bad_csv"): Row(422, "bad_csv", say=lambda params: str(params.get("problems", ""))),
    ("invalid", "access_token_needed"): Row(422, "invalid_fields", N_("an access token is needed")),
    # Documents (`knowledge/extraction.py`): the file is the field at fault, said with the same sentence.
    ("invalid", "unsupported_type"): Row(
        415, "unsupported_type", N_("Only plain text, Markdown and PDF documents are supported.")
    ),
    ("invalid", "undecodable_text"): Row(422, "undecodable_text", N_("The text is not UTF-8 encoded.")),
    ("invalid", "not_text"): Row(422, "undecodable_text", N_("The file is not a text file.")),
    ("invalid", "encrypted_pdf"): Row(422, "encrypted_pdf", N_("The PDF is password protected.")),
    ("invalid", "unreadable_pdf"): Row(422, "unreadable_pdf", N_("The PDF could not be read.")),
    ("invalid", "too_large"): Row(413, "too_large", N_("The document is too large (at most {megabytes} MB).")),
    ("invalid", "empty_document"): Row(422, "empty_document", N_("The document is empty.")),
    ("invalid", "no_text"): Row(422, "no_text", N_("The document has no text that could be read.")),
    ("invalid", "pdf_too_complex"): Row(
        422,
        "pdf_too_complex",
        N_("The PDF takes too long to read (over {seconds} seconds). Save it again as a simpler PDF, or upload its text."),
    ),
    ("invalid", "pdf_too_large_unpacked"): Row(
        422,
        "pdf_too_large_unpacked",
        N_("The PDF unpacks to more than {megabytes} MB. Try a smaller PDF, or upload its text."),
    ),
}

# What is wrong with one field of a domain error, by the kind its raiser gave; {field} is the field in words.
FIELD_SENTENCES: dict[str, str] = {
    "not_a_token": N_("This does not look like an access token."),
    "connected_elsewhere": N_("This account is connected to another business already."),
    "token_not_accepted": N_("Not accepted for this account. Copy a fresh access token and try again."),
    "another_account": N_("This access token belongs to another account."),
    "already_registered": N_("An account with this email exists already."),
    "has_account": N_("This email has an account already."),
    "not_your_password": N_("This is not your password."),
    "password_too_short": N_("{field} needs at least {min_length} characters."),
    "password_too_common": N_("{field} is too common or too easy to guess; try a few unrelated words."),
    "unknown_or_expired": N_("This link is unknown or expired."),
    "other_session": N_("This login was started by another session or token."),
    "no_user": N_("The signed request names no user."),
    "unreadable": N_("The file could not be read."),
    "after_last_day": N_("The first day is after the last."),
    "range_too_long": N_("At most {days} days at once."),
    "wrong_currency": N_("Must be {currency}."),
    "content_type": N_("Send one of: {accepts}."),
    "webhook_too_long": N_("At most 2000 characters."),
    "webhook_not_web_address": N_("Enter a web address starting with https://."),
    "webhook_needs_https": N_("Must start with https://: events are sent encrypted only."),
    "webhook_host_unknown": N_("This host name could not be found."),
    "webhook_address_refused": N_(
        "This address leads to {address}, which is not a public internet address (a private, local or reserved network)."
    ),
}


@dataclass(frozen=True)
class Answer:
    """A failure as the owner is answered: status, the API's code, the sentence and the fields in their language."""

    status: int
    code: str
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class FieldsInvalid(InvalidInput):
    """Input refused field by field, with each field's sentence already said in the owner's language (pydantic's
    errors through `field_errors`, or a phone number read at the edge)."""

    def __init__(self, kind: str, said: Mapping[str, str], /, **params: Param) -> None:
        super().__init__(kind, **params)
        self.said = dict(said)


def row_of(error: DomainError) -> Row | None:
    return TABLE.get((error.family, error.kind))


def _fill(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):  # a raiser that left out a value: the sentence without it
        return template


def _values(error: DomainError) -> dict[str, Any]:
    values: dict[str, Any] = dict(error.params)
    if "platform" in values:
        values.setdefault("service", service_name(str(values["platform"])))
    return values


def field_sentence(path: str, problem: str, values: Mapping[str, Any], error_sentence: str) -> str:
    """One field's problem in words: from this table, else from the validation sentences, else (a field whose
    problem is the error itself, like a refused file) the error's own sentence."""
    label = field_label(path)
    if problem in FIELD_SENTENCES:
        return _fill(gettext(FIELD_SENTENCES[problem]), {**values, "field": label})
    if problem in FIELD_PROBLEM_SENTENCES:
        return sentence(problem, label, dict(values))
    return error_sentence


def answer_for(error: DomainError) -> Answer:
    """How `error` is answered, in the current request's language. A kind without a row is a 500: the table test
    keeps every kind raised in the code in the table."""
    row = row_of(error)
    if row is None:
        return Answer(500, "internal", gettext(INTERNAL))
    values = _values(error)
    message = row.say(values) if row.say is not None else _fill(gettext(row.sentence), values)
    if isinstance(error, FieldsInvalid):
        fields = dict(error.said)
    else:
        fields = {path: field_sentence(path, problem, values, message) for path, problem in error.fields.items()}
    fields.update({name: str(values[name]) for name in row.codes_as_fields if values.get(name)})
    headers: dict[str, str] = {}
    if row.challenge:
        headers["WWW-Authenticate"] = "Bearer"
    if "retry_after" in values:
        headers["Retry-After"] = str(values["retry_after"])
    return Answer(row.status, row.code, message, fields, headers)


def api_code(error: DomainError) -> str:
    """The API's code for `error` (what lists of skipped items name as their reason)."""
    row = row_of(error)
    return row.code if row is not None else "internal"


# Failures that are not a domain error: aiohttp's own (routing, a body over the server's limit) and the unexpected.
HTTP_SENTENCES: dict[int, tuple[str, str]] = {
    400: ("bad_request", N_("bad request")),
    401: ("unauthorized", N_("log in or send an API token")),
    403: ("forbidden", N_("forbidden")),
    404: ("not_found", N_("not found")),
    405: ("method_not_allowed", N_("method not allowed")),
    413: ("payload_too_large", N_("the request body is too large")),
    415: ("unsupported_media_type", N_("unsupported media type")),
    429: ("too_many_requests", N_("too many requests; try again later")),
}
INTERNAL = N_("something went wrong; try again")


def http_answer(status: int, reason: str) -> tuple[str, str]:
    """The code and sentence of an HTTP failure aiohttp raised itself."""
    if status in HTTP_SENTENCES:
        code, said = HTTP_SENTENCES[status]
        return code, gettext(said)
    return "http_error", reason.lower() if reason else gettext("request failed")
