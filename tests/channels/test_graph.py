"""The Graph client against a local fake Graph API that fails on command."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from datetime import UTC

import aiohttp
import pytest

from channels.graph import GraphClient, parse_retry_after
from channels.graph_errors import (
    AccessRefused,
    BadRequest,
    CustomerRateLimited,
    GraphError,
    OutsideWindow,
    PermissionMissing,
    RateLimited,
    RecipientUnavailable,
    SendOutcomeUnknown,
    SpamRateLimited,
    TemplateRequired,
    TemporaryFailure,
    TokenInvalid,
    UnknownGraphError,
    Unreachable,
    error_from_response,
)
from channels.registry import channel_named
from tests.channels.graph_server import Answer, Hang, graph_error

TOKEN = "EAAB-secret-page-token-x9Zq"


def messenger_request():
    [request] = channel_named("messenger").build_send_requests("PAGE_1", "PSID_9", "hello")
    return request


def whatsapp_request():
    [request] = channel_named("whatsapp").build_send_requests("PNID_1", "5511987654321", "hello", reply_to_message_id="wamid.IN1")
    return request


async def test_messenger_send_puts_the_token_in_the_query(graph_rig):
    result = await graph_rig.client.send(messenger_request(), TOKEN)
    assert result.message_id == "m_1"
    [call] = graph_rig.fake.calls
    assert (call.method, call.path) == ("POST", "/me/messages")
    assert call.query == {"access_token": TOKEN}
    assert "Authorization" not in call.headers
    assert call.json["recipient"] == {"id": "PSID_9"}


async def test_whatsapp_send_uses_a_bearer_header(graph_rig):
    graph_rig.fake.on(
        "POST",
        "/PNID_1/messages",
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": "5511987654321", "wa_id": "5511987654321"}],
            "messages": [{"id": "wamid.OUT9"}],
        },
    )
    result = await graph_rig.client.send(whatsapp_request(), TOKEN)
    assert (result.message_id, result.recipient_id) == ("wamid.OUT9", "5511987654321")
    [call] = graph_rig.fake.calls
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert "access_token" not in call.query
    assert call.json["context"] == {"message_id": "wamid.IN1"}


async def test_429_honours_retry_after(graph_rig):
    graph_rig.fake.script = [Answer(429, graph_error(4, "Application request limit reached"), {"Retry-After": "2"})]
    result = await graph_rig.client.send(messenger_request(), TOKEN)
    assert result.message_id
    assert len(graph_rig.fake.calls) == 2
    assert graph_rig.sleeps.delays == [2.0]


async def test_retry_after_is_capped(graph_rig):
    graph_rig.fake.script = [Answer(503, {}, {"Retry-After": "3600"})]
    await graph_rig.client.send(messenger_request(), TOKEN)
    assert graph_rig.sleeps.delays == [graph_rig.client.max_delay_s]


async def test_5xx_backs_off_exponentially_with_jitter_then_succeeds(graph_rig):
    graph_rig.fake.script = [Answer(500, {}), Answer(502, {}), Answer(500, {"error": {"code": 2, "message": "unavailable"}})]
    result = await graph_rig.client.send(messenger_request(), TOKEN)
    assert result.message_id
    assert len(graph_rig.fake.calls) == 4
    assert len(graph_rig.sleeps.delays) == 3
    for attempt, delay in enumerate(graph_rig.sleeps.delays, start=1):
        assert 0 <= delay <= 0.5 * 2 ** (attempt - 1)


async def test_5xx_every_time_gives_up_after_max_attempts(graph_rig):
    graph_rig.fake.script = [Answer(500, {}) for _ in range(6)]
    with pytest.raises(GraphError) as caught:
        await graph_rig.client.send(messenger_request(), TOKEN)
    assert (caught.value.transient, type(caught.value), caught.value.http_status) == (True, TemporaryFailure, 500)
    assert len(graph_rig.fake.calls) == 4
    assert len(graph_rig.sleeps.delays) == 3


async def test_a_read_that_timed_out_is_retried(graph_rig):
    graph_rig.fake.script = [Hang(3.0)]
    assert await graph_rig.client.get("/me", params={"fields": "id"}, token=TOKEN) == {"success": True}
    assert len(graph_rig.fake.calls) == 2


async def test_a_send_whose_answer_timed_out_is_not_repeated(graph_rig):
    # Meta may have delivered it: the caller waits for the echo or status before anything is sent again.
    graph_rig.fake.script = [Hang(3.0)]
    with pytest.raises(SendOutcomeUnknown) as caught:
        await graph_rig.client.send(messenger_request(), TOKEN)
    assert len(graph_rig.fake.calls) == 1
    assert caught.value.transient and TOKEN not in str(caught.value)


@dataclass
class RecordedPace:
    waits: int = 0
    pauses: list[float] = field(default_factory=list)

    async def wait_for_slot(self) -> None:
        self.waits += 1

    async def slow_down(self, pause_s: float) -> None:
        self.pauses.append(pause_s)


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80000, 80007, 80014, 130429])
async def test_a_rate_limit_answer_slows_the_accounts_pace_and_backs_off(graph_rig, code):
    pace = RecordedPace()
    graph_rig.fake.script = [Answer(400, graph_error(code, "Rate limit hit")), Answer(400, graph_error(code, "Rate limit hit"))]
    assert (await graph_rig.client.send(messenger_request(), TOKEN, pace=pace)).message_id
    assert pace.waits == 3  # each attempt waits for the account's next slot
    assert pace.pauses == graph_rig.sleeps.delays
    assert 0.5 <= pace.pauses[0] <= 1.0 and 1.0 <= pace.pauses[1] <= 2.0  # backing off, never retrying at once


@pytest.mark.parametrize("answer", [Answer(500, {}), Answer(400, graph_error(131056, "pair rate limit hit"))])
async def test_other_failures_leave_the_pace_alone(graph_rig, answer):
    pace = RecordedPace()
    graph_rig.fake.script = [answer]
    await graph_rig.client.send(whatsapp_request(), TOKEN, pace=pace)
    assert (pace.waits, pace.pauses) == (2, [])


@pytest.mark.parametrize(
    "error",
    [
        graph_error(1200, "Temporary send message failure"),
        graph_error(131000, "Something went wrong"),
        graph_error(613, "Calls to this api have exceeded the rate limit"),
        graph_error(80007, "Rate limit hit for WABA"),
        graph_error(130429, "Rate limit hit"),
        graph_error(9999, "An odd one", transient=True),
    ],
)
async def test_transient_codes_sent_as_http_400_are_retried(graph_rig, error):
    graph_rig.fake.script = [Answer(400, error)]
    result = await graph_rig.client.send(messenger_request(), TOKEN)
    assert result.message_id
    assert len(graph_rig.fake.calls) == 2


@pytest.mark.parametrize(
    ("status", "error", "family"),
    [
        (400, graph_error(100, "Invalid parameter"), BadRequest),
        (401, graph_error(190, "Error validating access token: Session has expired"), TokenInvalid),
        (403, graph_error(10, "Application does not have permission for this action"), PermissionMissing),
        (400, graph_error(200, "Permissions error"), PermissionMissing),
        (400, graph_error(10, "This message is sent outside of allowed window.", subcode=2018278), OutsideWindow),
        (400, graph_error(10, "Outside of allowed window", subcode=2534022), OutsideWindow),
        (400, graph_error(131047, "Re-engagement message"), TemplateRequired),
        (400, graph_error(551, "This person isn't available right now.", subcode=1545041), RecipientUnavailable),
        (400, graph_error(131026, "Message undeliverable"), RecipientUnavailable),
        (400, graph_error(131048, "Spam rate limit hit"), SpamRateLimited),
        (404, {"not": "graph"}, UnknownGraphError),
    ],
)
async def test_permanent_errors_are_not_retried(graph_rig, status, error, family):
    graph_rig.fake.script = [Answer(status, error), Answer(200, {"message_id": "never"})]
    with pytest.raises(GraphError) as caught:
        await graph_rig.client.send(messenger_request(), TOKEN)
    assert len(graph_rig.fake.calls) == 1
    assert graph_rig.sleeps.delays == []
    assert (type(caught.value), caught.value.transient, caught.value.http_status) == (family, False, status)
    if "error" in error:
        assert caught.value.code == error["error"]["code"]
        assert caught.value.subcode == error["error"].get("error_subcode", 0)
        assert caught.value.message.startswith(error["error"]["message"])


async def test_pair_rate_limit_waits_at_least_six_seconds(graph_rig):
    graph_rig.fake.script = [Answer(400, graph_error(131056, "(Business Account, Consumer Account) pair rate limit hit"))]
    await graph_rig.client.send(whatsapp_request(), TOKEN)
    assert len(graph_rig.fake.calls) == 2
    assert graph_rig.sleeps.delays[0] >= 6.0


async def test_network_errors_are_retried_then_raised():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    async with aiohttp.ClientSession() as session:
        client = GraphClient(session, f"http://127.0.0.1:{port}/v21.0", max_attempts=3, sleep=record)
        with pytest.raises(GraphError) as caught:
            await client.send(messenger_request(), TOKEN)
    assert (type(caught.value), caught.value.transient, caught.value.http_status) == (Unreachable, True, 0)
    assert len(delays) == 2
    assert TOKEN not in str(caught.value)


async def test_tokens_never_reach_the_logs_or_errors(graph_rig, caplog):
    caplog.set_level(logging.DEBUG)
    graph_rig.fake.script = [
        Answer(500, {}),
        Answer(400, graph_error(190, f"Malformed access token {TOKEN}")),
    ]
    with pytest.raises(GraphError) as caught:
        await graph_rig.client.send(messenger_request(), TOKEN)
    assert isinstance(caught.value, TokenInvalid)
    assert TOKEN not in str(caught.value) and TOKEN not in caught.value.message
    assert any("retrying" in record.getMessage() for record in caplog.records)
    ours = [record for record in caplog.records if record.name.startswith("channels")]
    assert ours
    for record in ours:  # (the fake server's own access log shows the query; it stands in for Meta)
        assert TOKEN not in record.getMessage()
        assert TOKEN not in str(record.__dict__)


async def test_generic_calls_pass_params_and_token(graph_rig):
    graph_rig.fake.on("GET", "/PAGE_1", {"id": "PAGE_1", "instagram_business_account": {"id": "1784"}})
    body = await graph_rig.client.get("/PAGE_1", params={"fields": "instagram_business_account"}, token=TOKEN)
    assert body["instagram_business_account"] == {"id": "1784"}
    assert graph_rig.fake.calls[-1].query == {"fields": "instagram_business_account", "access_token": TOKEN}
    assert await graph_rig.client.post("/PAGE_1/subscribed_apps", token=TOKEN, auth="bearer") == {"success": True}
    assert graph_rig.fake.calls[-1].headers["Authorization"] == f"Bearer {TOKEN}"
    assert await graph_rig.client.delete("/PAGE_1/subscribed_apps", token=TOKEN) == {"success": True}
    assert graph_rig.fake.calls[-1].method == "DELETE"


def families(*cases: tuple[int, int, int]) -> list[tuple[str, bool]]:
    return [(type(error).__name__, error.transient) for error in (make_error(*case) for case in cases)]


def make_error(status: int, code: int, subcode: int, is_transient: bool = False) -> GraphError:
    return error_from_response(status, {"error": {"code": code, "error_subcode": subcode, "is_transient": is_transient}})


def test_meta_codes_choose_the_family():
    assert families((400, 4, 2018022), (400, 17, 0), (400, 32, 0), (400, 80014, 0), (429, 0, 0)) == [("RateLimited", True)] * 5
    assert families((400, 131056, 0), (400, 131048, 0)) == [("CustomerRateLimited", True), ("SpamRateLimited", False)]
    assert families((400, 80015, 0), (400, 0, 0)) == [("UnknownGraphError", False)] * 2
    assert families((400, 1, 0), (400, 131016, 0), (503, 0, 0)) == [("TemporaryFailure", True)] * 3
    assert families((400, 230, 0), (400, 299, 0), (400, 10, 0)) == [("PermissionMissing", False)] * 3
    assert families((400, 190, 463), (400, 102, 0), (401, 0, 0)) == [("TokenInvalid", False)] * 3
    assert families((400, 131047, 0), (400, 10, 2018278)) == [("TemplateRequired", False), ("OutsideWindow", False)]


def test_meta_calling_a_failure_transient_makes_it_worth_retrying_except_outside_the_window():
    assert type(make_error(400, 100, 0, True)) is BadRequest and make_error(400, 100, 0, True).transient
    assert type(make_error(400, 9999, 0, True)) is TemporaryFailure
    assert not make_error(400, 10, 2018278, True).transient


def test_families_group_what_callers_handle_alike():
    assert issubclass(TokenInvalid, AccessRefused) and issubclass(PermissionMissing, AccessRefused)
    assert issubclass(TemplateRequired, OutsideWindow)
    assert issubclass(CustomerRateLimited, RateLimited) and issubclass(SpamRateLimited, RateLimited)
    assert issubclass(Unreachable, TemporaryFailure) and issubclass(SendOutcomeUnknown, TemporaryFailure)


def test_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    from datetime import datetime

    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
