"""Facebook Login helpers against the fake Graph API, and Meta's signed_request."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from channels.facebook_login import (
    LoginError,
    SignedRequestError,
    auth_url,
    exchange_code,
    list_pages,
    parse_signed_request,
    sign_request,
    unsubscribe_page,
)
from channels.graph_errors import BadRequest
from channels.subscriptions import subscribe_account
from tests.channels.graph_server import Answer, graph_error

APP_ID = "111222333"
APP_SECRET = "login-app-secret"
REDIRECT = "https://bot.example/api/integrations/facebook/callback"


def test_auth_url_asks_for_the_messaging_scopes():
    url = auth_url(APP_ID, REDIRECT, "csrf-state-1", "v21.0")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.facebook.com", "/v21.0/dialog/oauth")
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query["client_id"] == APP_ID
    assert query["redirect_uri"] == REDIRECT
    assert query["state"] == "csrf-state-1"
    assert query["response_type"] == "code"
    assert query["scope"].split(",") == [
        "pages_show_list",
        "pages_messaging",
        "pages_manage_metadata",
        "instagram_basic",
        "instagram_manage_messages",
        "pages_read_engagement",
        "pages_manage_engagement",
        "instagram_manage_comments",
    ]


async def test_exchange_code_trades_short_for_long_lived_token(graph_rig):
    def token(call):
        if call.query.get("grant_type") == "fb_exchange_token":
            assert call.query["fb_exchange_token"] == "SHORT-1"
            return {"access_token": "LONG-1", "token_type": "bearer", "expires_in": 5183944}
        assert call.query["code"] == "the-code"
        return {"access_token": "SHORT-1", "token_type": "bearer", "expires_in": 5000}

    graph_rig.fake.on("GET", "/oauth/access_token", token)
    assert await exchange_code(graph_rig.client, APP_ID, APP_SECRET, REDIRECT, "the-code") == "LONG-1"
    first, second = graph_rig.fake.calls
    assert first.query == {"client_id": APP_ID, "client_secret": APP_SECRET, "redirect_uri": REDIRECT, "code": "the-code"}
    assert (second.query["client_id"], second.query["client_secret"]) == (APP_ID, APP_SECRET)


async def test_exchange_code_with_a_used_code_raises_graph_error(graph_rig):
    graph_rig.fake.script = [Answer(400, graph_error(100, "This authorization code has been used.", subcode=36009))]
    with pytest.raises(BadRequest):
        await exchange_code(graph_rig.client, APP_ID, APP_SECRET, REDIRECT, "used")
    assert len(graph_rig.fake.calls) == 1


async def test_exchange_code_without_a_token_in_the_answer(graph_rig):
    graph_rig.fake.on("GET", "/oauth/access_token", {"error_message": "odd"})
    with pytest.raises(LoginError) as caught:
        await exchange_code(graph_rig.client, APP_ID, APP_SECRET, REDIRECT, "c")
    assert (caught.value.family, caught.value.kind) == ("upstream", "no_access_token")


async def test_list_pages_with_instagram_accounts_across_pages_of_results(graph_rig):
    def accounts(call):
        assert call.query["access_token"] == "USER-TOKEN"
        assert "instagram_business_account" in call.query["fields"]
        if call.query.get("after") == "CURSOR-1":
            return {
                "data": [{"id": "PAGE_3", "name": "Third", "access_token": "PT3"}],
                "paging": {"cursors": {"after": "CURSOR-2"}},
            }
        return {
            "data": [
                {
                    "id": "PAGE_1",
                    "name": "Sunrise Yoga",
                    "access_token": "PT1",
                    "tasks": ["MESSAGING", "MODERATE"],
                    "instagram_business_account": {"id": "17841400000000001", "username": "sunrise"},
                },
                {"id": "PAGE_2", "name": "No IG", "access_token": "PT2"},
                {"name": "no id: skipped"},
            ],
            "paging": {"cursors": {"after": "CURSOR-1"}, "next": "https://graph.facebook.com/next"},
        }

    graph_rig.fake.on("GET", "/me/accounts", accounts)
    pages = await list_pages(graph_rig.client, "USER-TOKEN")
    assert [(p.id, p.name, p.access_token, p.instagram_account_id) for p in pages] == [
        ("PAGE_1", "Sunrise Yoga", "PT1", "17841400000000001"),
        ("PAGE_2", "No IG", "PT2", ""),
        ("PAGE_3", "Third", "PT3", ""),
    ]
    assert pages[0].tasks == ["MESSAGING", "MODERATE"]
    assert "PT1" not in repr(pages[0])
    assert len(graph_rig.fake.calls) == 2


async def test_subscribe_and_unsubscribe_page(graph_rig):
    assert await subscribe_account(graph_rig.client, "facebook", "PAGE_1", "PT1") is None
    call = graph_rig.fake.calls[-1]
    assert (call.method, call.path, call.query["access_token"]) == ("POST", "/PAGE_1/subscribed_apps", "PT1")
    assert call.query["subscribed_fields"].split(",") == [
        "messages",
        "messaging_postbacks",
        "message_echoes",
        "message_deliveries",
        "message_reads",
        "messaging_referrals",
        "feed",
    ]
    assert await unsubscribe_page(graph_rig.client, "PAGE_1", "PT1") is True
    assert (graph_rig.fake.calls[-1].method, graph_rig.fake.calls[-1].path) == ("DELETE", "/PAGE_1/subscribed_apps")


async def test_an_instagram_account_is_subscribed_to_its_comments_and_conversations(graph_rig):
    assert await subscribe_account(graph_rig.client, "instagram", "17841400000000001", "PT1") is None
    call = graph_rig.fake.calls[-1]
    assert (call.method, call.path, call.query["access_token"]) == ("POST", "/17841400000000001/subscribed_apps", "PT1")
    assert call.query["subscribed_fields"].split(",") == [
        "messages",
        "messaging_postbacks",
        "messaging_referral",
        "messaging_seen",
        "comments",
    ]


async def test_a_whatsapp_number_needs_no_subscription_call(graph_rig):
    assert await subscribe_account(graph_rig.client, "whatsapp", "106540352242922", "WT") is None
    assert graph_rig.fake.calls == []


async def test_a_subscription_meta_refuses_is_kept_as_a_kind_of_problem(graph_rig):
    graph_rig.fake.script = [Answer(403, graph_error(200, "Requires pages_manage_metadata permission"))]
    assert await subscribe_account(graph_rig.client, "facebook", "PAGE_1", "PT1") == "token"
    graph_rig.fake.script = [Answer(200, {"success": False})]
    assert await subscribe_account(graph_rig.client, "facebook", "PAGE_1", "PT1") == "refused"


def meta_signed_request(payload: dict, secret: str) -> str:
    """Built here independently of the code under test, the way Meta documents it."""
    encoded = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    signature = (
        base64.urlsafe_b64encode(hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest()).decode().rstrip("=")
    )
    return f"{signature}.{encoded}"


PAYLOAD = {"algorithm": "HMAC-SHA256", "expires": 1291840400, "issued_at": 1291836800, "user_id": "218471"}


def test_signed_request_good():
    assert parse_signed_request(meta_signed_request(PAYLOAD, APP_SECRET), APP_SECRET) == PAYLOAD
    assert parse_signed_request(sign_request(PAYLOAD, APP_SECRET), APP_SECRET) == PAYLOAD


@pytest.mark.parametrize(
    "signed",
    [
        "",
        "no-dot-here",
        ".onlypayload",
        "onlysig.",
        meta_signed_request(PAYLOAD, "another-secret"),
        meta_signed_request({**PAYLOAD, "algorithm": "HMAC-SHA1"}, APP_SECRET),
        meta_signed_request(PAYLOAD, APP_SECRET).split(".")[0]
        + "."
        + meta_signed_request({**PAYLOAD, "user_id": "999"}, APP_SECRET).split(".")[1],
        "!!!." + meta_signed_request(PAYLOAD, APP_SECRET).split(".")[1],
        meta_signed_request(PAYLOAD, APP_SECRET) + "é",
    ],
)
def test_signed_request_bad(signed):
    with pytest.raises(SignedRequestError):
        parse_signed_request(signed, APP_SECRET)


def test_signed_request_without_secret_is_refused():
    with pytest.raises(SignedRequestError):
        parse_signed_request(meta_signed_request(PAYLOAD, ""), "")


def _deep_payload(depth: int) -> str:
    raw = b'{"algorithm": "HMAC-SHA256", "user_id": "1", "x": ' + b"[" * depth + b"]" * depth + b"}"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_forged_signed_request_is_refused_before_its_payload_is_read(monkeypatch):
    # A payload that would break any parser, under a signature that is not ours: the signature check comes first.
    import channels.facebook_login as login

    parsed: list[object] = []
    monkeypatch.setattr(login, "loads_limited", lambda raw: parsed.append(raw))
    forged = "c2lnbmF0dXJl." + _deep_payload(100_000)
    with pytest.raises(SignedRequestError, match="signature does not match"):
        parse_signed_request(forged, APP_SECRET)
    assert parsed == []


@pytest.mark.parametrize("depth", [100_000, 200])
def test_a_signed_request_nested_too_deeply_is_refused_even_when_signed(depth):
    encoded = _deep_payload(depth)
    signature = hmac.new(APP_SECRET.encode(), encoded.encode(), hashlib.sha256).digest()
    signed = base64.urlsafe_b64encode(signature).decode().rstrip("=") + "." + encoded
    with pytest.raises(SignedRequestError):
        parse_signed_request(signed, APP_SECRET)
