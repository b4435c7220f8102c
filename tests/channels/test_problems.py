"""Every failure an owner can see about sending and connecting, in words: the one mapping from Graph's failures to
kinds of problem, the sentences, and a channel's health."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from channels.graph_errors import GraphError, SendOutcomeUnknown, Unreachable, error_from_response
from channels.health import SUCCESS_NOTE_EVERY_MS, health_of, success_worth_noting
from channels.problems import (
    PROBLEMS,
    channel_banner,
    channel_trouble,
    connect_trouble,
    login_trouble,
    not_sent,
    problem_of,
    problem_of_code,
    still_trying,
)

NOT_FOR_OWNERS = re.compile(r"Error\b|Exception|aiohttp|Client[A-Z]|OAuth|Graph|HTTP|\(#\d+\)|_")


def meta_says(status: int, code: int, subcode: int = 0) -> GraphError:
    return error_from_response(status, {"error": {"code": code, "error_subcode": subcode, "message": "(#1) raw text"}})


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (Unreachable("ClientConnectorDNSError"), "unreachable"),
        (SendOutcomeUnknown("timeout"), "no_answer"),
        (meta_says(503, 2), "meta_error"),
        (meta_says(500, 0), "meta_error"),
        (meta_says(429, 0), "rate_limited"),
        (meta_says(400, 4), "rate_limited"),
        (meta_says(400, 613), "rate_limited"),
        (meta_says(400, 190), "token"),
        (meta_says(400, 10, 2018278), "window"),
        (meta_says(400, 131047), "template_needed"),
        (meta_says(400, 551), "blocked"),
        (meta_says(400, 100), "refused"),
    ],
)
def test_graph_failures_map_to_kinds_of_problem(error: GraphError, problem: str) -> None:
    assert problem_of(error) == problem


def test_a_code_alone_maps_the_same_way() -> None:
    assert (problem_of_code(190), problem_of_code(131047), problem_of_code(0)) == ("token", "template_needed", "refused")


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("platform", ["facebook", "instagram", "whatsapp"])
def test_every_sentence_is_plain_words(problem: str, platform: str) -> None:
    for sentence in (
        not_sent(problem, platform),
        still_trying(problem, platform),
        channel_trouble(problem, platform),
        channel_banner(problem, platform, "Harbour page (Messenger)"),
        connect_trouble(problem, platform),
        login_trouble(problem),
    ):
        assert sentence.endswith(".") and not NOT_FOR_OWNERS.search(sentence), sentence


def test_the_sentences_owners_read_most() -> None:
    assert (
        not_sent("unreachable", "facebook") == "Not sent: Facebook could not be reached. We will keep the message; press Retry."
    )
    assert not_sent("token", "instagram").endswith("Reconnect it on the Channels page, then press Retry.")
    assert "WhatsApp could not be reached" in connect_trouble("unreachable", "whatsapp")
    assert not_sent("a kind a later version added", "facebook") == "Not sent: Facebook refused this message. " + (
        "Change the message and send it again, or press Retry."
    )


def test_a_channels_health_follows_its_sends() -> None:
    ok = health_of(platform="facebook", status="connected", last_success_ms=1_000, failing_since_ms=0, problem="")
    assert (ok.state, ok.last_success_at) == ("ok", datetime.fromtimestamp(1, UTC))
    failing = health_of(
        platform="facebook", status="connected", last_success_ms=1_000, failing_since_ms=2_000, problem="meta_error"
    )
    assert failing.state == "failing" and "Facebook had a problem on its side" in failing.last_error
    refused = health_of(platform="facebook", status="needs_reconnect", last_success_ms=0, failing_since_ms=2_000, problem="token")
    assert refused.state == "needs_reconnect" and refused.last_error.startswith("Facebook no longer accepts")
    # A success is written down at most once a minute while healthy, always after a failure.
    assert not success_worth_noting(status="connected", last_success_ms=1_000, failing_since_ms=0, now_ms=2_000)
    assert success_worth_noting(
        status="connected", last_success_ms=1_000, failing_since_ms=0, now_ms=1_000 + SUCCESS_NOTE_EVERY_MS
    )
    assert success_worth_noting(status="connected", last_success_ms=1_000, failing_since_ms=1_500, now_ms=2_000)
    assert success_worth_noting(status="needs_reconnect", last_success_ms=1_000, failing_since_ms=0, now_ms=2_000)
