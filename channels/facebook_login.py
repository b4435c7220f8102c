"""Facebook Login steps that connect an owner's pages (and their Instagram accounts), and Meta's callbacks.

The owner-facing routes live in the dashboard; these helpers build the dialog URL, trade the code for a
long-lived user token, list the pages with their page tokens, unsubscribe the app from a page's webhooks
(subscribing is `channels/subscriptions.py`'s, for every way of connecting), and verify the `signed_request` of
Meta's deauthorize and data-deletion callbacks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, Field

from channels.graph import GraphClient
from channels.parsing import as_dict, as_str, dicts, loads_limited
from knowledge.domain_errors import Upstream

SCOPES = (
    "pages_show_list",
    "pages_messaging",
    "pages_manage_metadata",
    "instagram_basic",
    "instagram_manage_messages",
    # Comments: read them (`feed`, Instagram `comments`), answer them privately and, if asked, publicly.
    "pages_read_engagement",
    "pages_manage_engagement",
    "instagram_manage_comments",
)
PAGE_FIELDS = "id,name,access_token,tasks,instagram_business_account{id,username}"
_MAX_PAGE_LISTINGS = 20  # pages of 100: far more than any owner has


class LoginError(Upstream):
    """A login step Meta answered without what it should carry."""


class SignedRequestError(ValueError):
    """A `signed_request` that is malformed or not signed with our app secret."""


class PageInfo(BaseModel):
    id: str
    name: str = ""
    access_token: str = Field(default="", repr=False)
    instagram_account_id: str = ""
    instagram_username: str = ""
    tasks: list[str] = Field(default_factory=list)


def auth_url(app_id: str, redirect_uri: str, state: str, graph_version: str) -> str:
    """Where to send the owner: Facebook's login dialog asking for the messaging permissions."""
    version = graph_version.strip("/")
    path = f"/{version}/dialog/oauth" if version else "/dialog/oauth"
    query = urlencode(
        {
            "client_id": app_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(SCOPES),
        }
    )
    return f"https://www.facebook.com{path}?{query}"


async def exchange_code(graph: GraphClient, app_id: str, app_secret: str, redirect_uri: str, code: str) -> str:
    """The login code → a short-lived user token → a long-lived (about 60 days) user token.

    `redirect_uri` must be exactly the one the dialog was opened with.
    """
    short = await graph.get(
        "/oauth/access_token",
        params={
            "client_id": app_id,
            "client_secret": app_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
    )
    short_token = as_str(short.get("access_token"))
    if not short_token:
        raise LoginError("no_access_token")
    long = await graph.get(
        "/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app_id,
            "client_secret": app_secret,
            "fb_exchange_token": short_token,
        },
    )
    long_token = as_str(long.get("access_token"))
    if not long_token:
        raise LoginError("no_long_lived_token")
    return long_token


def _page(raw: dict[str, Any]) -> PageInfo | None:
    page_id = as_str(raw.get("id"))
    if not page_id:
        return None
    instagram = as_dict(raw.get("instagram_business_account"))
    return PageInfo(
        id=page_id,
        name=as_str(raw.get("name")),
        access_token=as_str(raw.get("access_token")),
        instagram_account_id=as_str(instagram.get("id")),
        instagram_username=as_str(instagram.get("username")),
        tasks=[as_str(task) for task in raw.get("tasks") or [] if as_str(task)],
    )


async def list_pages(graph: GraphClient, user_token: str) -> list[PageInfo]:
    """The pages the user manages, each with its page token and linked Instagram account, if any."""
    pages: list[PageInfo] = []
    params = {"fields": PAGE_FIELDS, "limit": "100"}
    for _ in range(_MAX_PAGE_LISTINGS):
        body = await graph.get("/me/accounts", params=params, token=user_token)
        pages.extend(page for page in (_page(raw) for raw in dicts(body.get("data"))) if page)
        paging = as_dict(body.get("paging"))
        after = as_str(as_dict(paging.get("cursors")).get("after"))
        if not paging.get("next") or not after:
            break
        params = {**params, "after": after}
    return pages


async def unsubscribe_page(graph: GraphClient, page_id: str, page_token: str) -> bool:
    body = await graph.delete(f"/{page_id}/subscribed_apps", token=page_token)
    return body.get("success") is True


def _b64url_decode(data: str) -> bytes:
    padded = data + "=" * (-len(data) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def sign_request(payload: dict[str, Any], app_secret: str) -> str:
    """A `signed_request` as Meta makes it (for tests and tools)."""
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode("utf-8")).decode("ascii").rstrip("=")
    signature = hmac.new(app_secret.encode("utf-8"), encoded.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(signature).decode("ascii").rstrip("=") + "." + encoded


def parse_signed_request(signed_request: str, app_secret: str) -> dict[str, Any]:
    """The payload of Meta's `signed_request` (`<b64url sig>.<b64url JSON>`). The HMAC-SHA256 is checked on the
    encoded payload first: nothing of a payload that is not signed with our secret is ever decoded or parsed."""
    if not app_secret:
        raise SignedRequestError("no app secret configured")
    encoded_signature, dot, encoded_payload = (signed_request or "").partition(".")
    if not dot or not encoded_signature or not encoded_payload or not encoded_payload.isascii():
        raise SignedRequestError("signed_request is not <signature>.<payload>")
    try:
        signature = _b64url_decode(encoded_signature)
    except (ValueError, UnicodeError) as exc:
        raise SignedRequestError("signed_request signature is not valid base64url") from exc
    expected = hmac.new(app_secret.encode("utf-8"), encoded_payload.encode("ascii"), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise SignedRequestError("signed_request signature does not match")
    try:
        payload = loads_limited(_b64url_decode(encoded_payload))
    except (ValueError, UnicodeError) as exc:
        raise SignedRequestError("signed_request is not valid base64url JSON") from exc
    if not isinstance(payload, dict):
        raise SignedRequestError("signed_request payload is not an object")
    if str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise SignedRequestError("signed_request uses an unexpected algorithm")
    return payload
