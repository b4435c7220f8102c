"""One signed POST to an owner's URL, made only to addresses checked at that moment.

aiohttp asks its resolver for the addresses of a name and connects to what it returns, keeping the name for TLS
(SNI, the certificate) and the Host header. `CheckedResolver` is that resolver: it resolves once, refuses the name
when any address is not public, and hands over exactly the addresses it checked, so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot send the request elsewhere. The connector keeps no
DNS cache, so every delivery checks again. Redirects are not followed: a 3xx is a failed delivery.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import Literal, Protocol

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.outbound_webhooks.addresses import address_problem, addresses_problem, is_ip_literal, refused_address

TIMEOUT_S = 10.0
DNS_TIMEOUT_S = 5.0


class HostResolver(Protocol):
    """Names to IP addresses (every A and AAAA record); tests give one that answers what they need."""

    async def addresses(self, host: str, port: int) -> list[str]: ...


class SystemDns:
    async def addresses(self, host: str, port: int) -> list[str]:
        try:
            infos = await asyncio.wait_for(
                asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM), DNS_TIMEOUT_S
            )
        except TimeoutError as exc:  # a resolver that does not answer: the name is refused, not waited on
            raise OSError(f"no DNS answer for {host} within {DNS_TIMEOUT_S:.0f} s") from exc
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


SYSTEM_DNS = SystemDns()


@dataclass(frozen=True)
class DeliveryRules:
    """Where deliveries may go: https only in production, private addresses only in development and tests."""

    dns: HostResolver
    allow_private: bool = False
    require_https: bool = False


class UnsafeAddress(Exception):
    """The URL's host resolves to an address a webhook may not reach."""


class CheckedResolver(AbstractResolver):
    def __init__(self, dns: HostResolver, *, allow_private: bool) -> None:
        self._dns, self._allow_private = dns, allow_private

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:  # noqa: ARG002 # aiohttp's resolver interface; both families are answered
        try:
            addresses = await self._dns.addresses(host, port)
        except OSError as exc:
            raise UnsafeAddress(f"{host} could not be resolved") from exc
        if problem := addresses_problem(addresses, allow_private=self._allow_private):
            raise UnsafeAddress(problem)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        return None


async def refused_host(url: str, rules: DeliveryRules) -> tuple[str, str] | None:
    """The address of the URL's host that may not be reached now, and why (None when every address may be).
    A name that cannot be resolved is refused with an empty address."""
    parsed = URL(url)
    host = parsed.host or ""
    if is_ip_literal(host):
        found = address_problem(host, allow_private=rules.allow_private)
        return (host, found) if found else None
    try:
        addresses = await rules.dns.addresses(host, parsed.port or 443)
    except OSError:
        return "", "the name could not be resolved"
    if not addresses:
        return "", "the name has no address"
    return refused_address(addresses, allow_private=rules.allow_private)


# What went wrong, as a kind the owner's pages put in words: an answer that was not 2xx, a redirect, no answer in
# time, no connection, an address refused, a plain http URL where https is required, a secret that cannot be read.
FailureKind = Literal["", "status", "redirect", "timeout", "unreachable", "refused", "https_only", "secret"]


@dataclass(frozen=True)
class PostOutcome:
    status: int  # the HTTP status, 0 when none came
    error: str  # "" when the receiver took it (2xx); the technical detail, in English, for the API and the log
    kind: FailureKind = ""

    @property
    def delivered(self) -> bool:
        return not self.error


def outcome_of_status(status: int) -> PostOutcome:
    """A 2xx is taken; a redirect is not followed, so it fails like any other answer."""
    if 200 <= status < 300:
        return PostOutcome(status, "")
    if 300 <= status < 400:
        return PostOutcome(status, f"answered HTTP {status} (a redirect, which is not followed)", "redirect")
    return PostOutcome(status, f"answered HTTP {status}", "status")


async def post_signed(url: str, body: bytes, headers: dict[str, str], rules: DeliveryRules) -> PostOutcome:
    if rules.require_https and URL(url).scheme != "https":
        # Saved before the platform moved to https: the CRM gets nothing in the clear.
        return PostOutcome(0, "refused: the platform sends events to https:// addresses only", "https_only")
    host = URL(url).host or ""
    if is_ip_literal(host) and (found := address_problem(host, allow_private=rules.allow_private)):
        # aiohttp connects to an address in the URL without asking a resolver: it is checked here.
        return PostOutcome(0, f"refused: {host} is {found}", "refused")
    connector = aiohttp.TCPConnector(resolver=CheckedResolver(rules.dns, allow_private=rules.allow_private), use_dns_cache=False)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    try:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False) as session:
            async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                return outcome_of_status(response.status)
    except UnsafeAddress as exc:
        return PostOutcome(0, f"refused: {exc}", "refused")
    except TimeoutError:
        return PostOutcome(0, f"no answer within {TIMEOUT_S:.0f} s", "timeout")
    except aiohttp.ClientError as exc:
        if isinstance(exc.__cause__, UnsafeAddress):
            return PostOutcome(0, f"refused: {exc.__cause__}", "refused")
        return PostOutcome(0, f"could not connect ({type(exc).__name__})", "unreachable")
