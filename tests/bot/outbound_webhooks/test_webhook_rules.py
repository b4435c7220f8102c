"""The pure rules of outbound webhooks: which addresses may be reached, which URLs saved, how deliveries are signed
and when a failing one is tried again or its endpoint paused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.outbound_webhooks.addresses import address_problem, url_problem
from bot.outbound_webhooks.delivery import GIVE_UP_AFTER, after_failure
from bot.outbound_webhooks.signing import new_secret, signature, signing_key
from bot.outbound_webhooks.transport import SYSTEM_DNS, DeliveryRules, outcome_of_status, post_signed


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("10.0.0.1", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("fc00::5", "a private address"),
        ("100.64.0.1", "a carrier-grade NAT address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("192.0.2.10", "a private address"),  # documentation range
        ("::ffff:10.0.0.1", "a private address (inside ::ffff:a00:1)"),
        ("2002:7f00:1::", "a loopback address (inside 2002:7f00:1::)"),  # 6to4 around 127.0.0.1
    ],
)
def test_addresses_that_are_not_public_are_refused_with_the_reason(address, why):
    assert address_problem(address) == why


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses_may_be_reached(address):
    assert address_problem(address) == ""


def test_allowing_private_addresses_still_refuses_metadata_and_multicast():
    assert address_problem("127.0.0.1", allow_private=True) == ""
    assert address_problem("10.1.2.3", allow_private=True) == ""
    assert address_problem("169.254.169.254", allow_private=True) == "a cloud metadata address"
    assert address_problem("224.0.0.1", allow_private=True) == "a multicast address"


@pytest.mark.parametrize(
    ("url", "https", "kind"),
    [
        ("https://crm.example.com/hooks", True, ""),
        ("http://crm.example.com/hooks", False, ""),
        ("http://crm.example.com/hooks", True, "needs_https"),
        ("ftp://crm.example.com/hooks", False, "not_web_address"),
        ("crm.example.com/hooks", False, "not_web_address"),
        ("https:///hooks", False, "not_web_address"),
        ("https://crm.example.com/" + "a" * 2000, False, "too_long"),
    ],
)
def test_the_form_of_a_url(url, https, kind):
    assert url_problem(url, require_https=https) == kind


def test_the_signature_is_the_standard_webhooks_one():
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    signed = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')
    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_secrets_are_32_random_bytes_and_differ():
    first, second = new_secret(), new_secret()
    assert first != second and first.startswith("whsec_") and len(signing_key(first)) == 32


def test_a_failure_is_tried_again_with_growing_pauses_then_the_endpoint_paused_after_a_day():
    start = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    now, pauses = start, []
    for failures in range(1, 30):
        decision = after_failure(start, failures, now)
        if decision.pause_endpoint:
            break
        assert decision.next_try is not None and decision.next_try > now
        pauses.append(decision.next_try - now)
        now = decision.next_try
    assert pauses[0] == timedelta(seconds=30) and pauses == sorted(pauses[:-1]) + pauses[-1:]
    assert now - start == GIVE_UP_AFTER and 8 <= len(pauses) <= 12


@pytest.mark.parametrize(
    ("status", "delivered", "error"),
    [
        (200, True, ""),
        (204, True, ""),
        (301, False, "redirect"),
        (307, False, "redirect"),
        (410, False, "HTTP 410"),
        (500, False, "HTTP 500"),
    ],
)
def test_only_a_2xx_is_a_delivery(status, delivered, error):
    outcome = outcome_of_status(status)
    assert outcome.delivered is delivered and error in outcome.error


async def test_a_plain_http_url_gets_nothing_once_the_platform_requires_https():
    rules = DeliveryRules(SYSTEM_DNS, allow_private=True, require_https=True)
    outcome = await post_signed("http://127.0.0.1:9/hooks", b"{}", {}, rules)
    assert not outcome.delivered and outcome.status == 0 and "https://" in outcome.error
