"""A small client for Meta's Graph API: timeouts, bounded retries with backoff (tenacity), typed errors.

A failure raises one of the families of `channels/graph_errors.py` (decided on Meta's code and subcode, since Meta
answers most failures, rate limits included, with HTTP 400); a family worth retrying is retried here.
Tokens travel as the `access_token` query parameter or a bearer header; nothing here logs either,
and logged paths never carry a query string.

A send is never repeated blindly: one whose answer never came (a timeout, a connection dropped after the request
went out) may have reached the customer, so it raises `SendOutcomeUnknown` instead of being retried, and the
caller finds out from Meta's echo or status whether it went (see `bot/conversations/sending.py`). Sends keep to
their account's pace (`channels/pacing.py`), which slows down when Meta answers with a rate limit.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol

import aiohttp
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from channels.graph_errors import (
    CustomerRateLimited,
    GraphError,
    RateLimited,
    SendOutcomeUnknown,
    Unreachable,
    error_from_response,
)
from channels.outbound import SendRequest
from channels.parsing import as_dict, as_str, dicts

__all__ = ["Auth", "GraphClient", "GraphError", "SendOutcomeUnknown", "SendPace", "SendResult", "error_from_response"]

log = logging.getLogger(__name__)

Auth = Literal["access_token", "bearer"]

PAIR_RATE_LIMIT_WAIT_S = 6.0


class SendPace(Protocol):
    """An account's send pacing, as the client uses it around each attempt of a send."""

    async def wait_for_slot(self) -> None: ...

    async def slow_down(self, pause_s: float) -> None: ...


@dataclass(frozen=True)
class SendResult:
    message_id: str
    recipient_id: str = ""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta seconds or an HTTP date); None when absent or odd."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:
        return None
    return max(0.0, seconds)


def send_result(body: dict[str, Any]) -> SendResult:
    """Messenger/Instagram answer `{recipient_id, message_id}`; WhatsApp `{contacts[], messages[{id}]}`."""
    messages = dicts(body.get("messages"))
    contacts = dicts(body.get("contacts"))
    return SendResult(
        message_id=as_str(body.get("message_id")) or (as_str(messages[0].get("id")) if messages else ""),
        recipient_id=as_str(body.get("recipient_id")) or (as_str(contacts[0].get("wa_id")) if contacts else ""),
    )


def loggable_path(path: str) -> str:
    """A path without its query string, which may hold a token."""
    return path.split("?", 1)[0]


def _worth_retrying(error: BaseException) -> bool:
    """A transient Graph failure is tried again; a send whose outcome is unknown never is."""
    return isinstance(error, GraphError) and error.transient and not isinstance(error, SendOutcomeUnknown)


class _NetworkFailure(Exception):
    def __init__(self, kind: str, *, may_have_arrived: bool) -> None:
        super().__init__(kind)
        self.kind = kind
        # False when the connection itself failed: the request never left, so repeating it is safe.
        self.may_have_arrived = may_have_arrived


def _with_token(params: dict[str, str] | None, token: str, auth: Auth) -> tuple[dict[str, str], dict[str, str]]:
    """The query and headers of a call: the token as a bearer header, or as Graph's `access_token` parameter."""
    query = dict(params or {})
    if not token:
        return query, {}
    if auth == "bearer":
        return query, {"Authorization": f"Bearer {token}"}
    return {**query, "access_token": token}, {}


class GraphClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        timeout_s: float = 10,
        max_attempts: int = 4,
        base_delay_s: float = 0.5,
        max_delay_s: float = 20.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.max_attempts = max(1, max_attempts)
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self._sleep = sleep
        self._jitter = jitter

    async def send(self, request: SendRequest, token: str, *, pace: SendPace | None = None) -> SendResult:
        """One message sent. Waits for the account's pace before each attempt; a rate-limit answer slows the pace;
        SendOutcomeUnknown when the answer never came (never retried: see the module's docstring)."""
        body = await self.request(
            request.method,
            request.path,
            params=request.params,
            json=request.body,
            token=token,
            auth=request.auth,
            pace=pace,
            repeatable=False,
        )
        return send_result(body)

    async def get(
        self, path: str, *, params: dict[str, str] | None = None, token: str = "", auth: Auth = "access_token"
    ) -> dict[str, Any]:
        return await self.request("GET", path, params=params, token=token, auth=auth)

    async def post(
        self,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        token: str = "",
        auth: Auth = "access_token",
    ) -> dict[str, Any]:
        return await self.request("POST", path, params=params, json=json, token=token, auth=auth)

    async def delete(
        self, path: str, *, params: dict[str, str] | None = None, token: str = "", auth: Auth = "access_token"
    ) -> dict[str, Any]:
        return await self.request("DELETE", path, params=params, token=token, auth=auth)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        token: str = "",
        auth: Auth = "access_token",
        pace: SendPace | None = None,
        repeatable: bool = True,
    ) -> dict[str, Any]:
        """One Graph call with retries on transient failures; the answer's JSON object, or GraphError.

        A call that is not `repeatable` (a send: Meta offers no idempotency key) is retried only when it surely did
        not arrive (the connection failed, or Meta answered with an error); one whose answer never came raises
        SendOutcomeUnknown.
        """
        query, headers = _with_token(params, token, auth)
        url = self.base_url + (path if path.startswith("/") else "/" + path)
        # Each failed attempt's backoff, decided once: the account's pace slows down by the very delay waited.
        delays: dict[int, float] = {}

        async def attempt_once(attempt: int) -> dict[str, Any]:
            if pace is not None:
                await pace.wait_for_slot()
            try:
                status, retry_after, body = await self._attempt(method, url, query, json, headers)
            except _NetworkFailure as failure:
                if failure.may_have_arrived and not repeatable:
                    log.warning(
                        "graph send unanswered; its outcome is unknown",
                        extra={"path": loggable_path(path), "error_type": failure.kind},
                    )
                    raise SendOutcomeUnknown(failure.kind) from None
                error: GraphError = Unreachable(failure.kind)
            else:
                if 200 <= status < 300:
                    return as_dict(body)
                error = error_from_response(status, body, retry_after, redact=token)
            delays[attempt] = self._delay(attempt, error)
            if pace is not None and isinstance(error, RateLimited) and not isinstance(error, CustomerRateLimited):
                # The account, not this customer, hit Meta's limit: every worker slows down and waits for it.
                await pace.slow_down(delays[attempt])
            raise error

        def log_retry(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.warning(
                "graph call failed; retrying",
                extra={
                    "path": loggable_path(path),
                    "http_status": getattr(error, "http_status", 0),
                    "code": getattr(error, "code", 0),
                    "attempt": state.attempt_number,
                    "delay_s": round(delays[state.attempt_number], 3),
                },
            )

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_attempts),
            retry=retry_if_exception(_worth_retrying),
            wait=lambda state: delays[state.attempt_number],
            sleep=self._sleep,
            before_sleep=log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await attempt_once(attempt.retry_state.attempt_number)
        except GraphError as error:
            if _worth_retrying(error):
                log.warning(
                    "graph call gave up",
                    extra={
                        "path": loggable_path(path),
                        "code": error.code,
                        "http_status": error.http_status,
                        "attempts": len(delays),
                    },
                )
            raise
        raise AssertionError("tenacity ends with an answer or an exception")  # pragma: no cover

    def _delay(self, attempt: int, error: GraphError) -> float:
        if error.retry_after_s is not None:
            delay = min(error.retry_after_s, self.max_delay_s)
        elif isinstance(error, RateLimited):
            # Limits are counted over a window: a retry within a moment is refused again, so wait at least half.
            ceiling = min(self.max_delay_s, max(1.0, self.base_delay_s) * (2 ** (attempt - 1)))
            delay = ceiling * (0.5 + self._jitter() / 2)
        else:
            # Full jitter: anywhere between 0 and the exponential ceiling, so retries of many senders spread out.
            ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
            delay = self._jitter() * ceiling
        if isinstance(error, CustomerRateLimited):
            delay = max(delay, min(PAIR_RATE_LIMIT_WAIT_S, self.max_delay_s))
        return delay

    async def _attempt(
        self, method: str, url: str, query: dict[str, str], json: dict[str, Any] | None, headers: dict[str, str]
    ) -> tuple[int, float | None, Any]:
        try:
            async with self.session.request(
                method, url, params=query, json=json, headers=headers, timeout=self.timeout
            ) as response:
                raw = await response.read()
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                status = response.status
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as exc:
            # No connection was made: the request never left.
            raise _NetworkFailure(type(exc).__name__, may_have_arrived=False) from None
        except TimeoutError:
            raise _NetworkFailure("timeout", may_have_arrived=True) from None
        except aiohttp.ClientError as exc:
            # The exception text can hold the URL and so the token: only its type is kept.
            raise _NetworkFailure(type(exc).__name__, may_have_arrived=True) from None
        try:
            body = jsonlib.loads(raw) if raw else {}
        except ValueError:
            body = {}
        return status, retry_after, body
