"""Which addresses an outbound webhook may reach, and which URLs an owner may save (pure).

An owner's URL is a request this platform makes on their behalf: without these checks it could read the cloud's
metadata service or a database on the private network (SSRF). Every address a name resolves to must be public;
one bad address refuses the whole name, since the connection could be made to any of them.
"""

from __future__ import annotations

import ipaddress

from yarl import URL

MAX_URL_LENGTH = 2000

# Cloud metadata services, named so the refusal says what they are (most also fall in a range refused below).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)


def address_problem(text: str, *, allow_private: bool = False) -> str:
    """Why a connection to this IP address is refused ("" when it may be made)."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone ("fe80::1%eth0") names no other host
    except ValueError:
        return "not an IP address"
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address written as IPv6 reaches the IPv4 host: judge that one.
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            found = address_problem(str(embedded), allow_private=allow_private)
            return found and f"{found} (inside {address})"
    return _never_reached(address) or ("" if allow_private else _not_public(address))


def _never_reached(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Addresses refused even in development: a cloud's metadata, no address at all, a group."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    return ""


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Addresses of this machine or of a private network, refused in production."""
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if isinstance(address, ipaddress.IPv4Address) and address in ipaddress.IPv4Network("100.64.0.0/10"):
        return "a carrier-grade NAT address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a reserved address"
    return ""


def refused_address(addresses: list[str], *, allow_private: bool = False) -> tuple[str, str] | None:
    """The first address that may not be reached, and why (None when every one may)."""
    for address in addresses:
        if found := address_problem(address, allow_private=allow_private):
            return address, found
    return None


def addresses_problem(addresses: list[str], *, allow_private: bool = False) -> str:
    """Why a name that resolves to these addresses is refused ("" when every one is public)."""
    if not addresses:
        return "the name has no address"
    refused = refused_address(addresses, allow_private=allow_private)
    return f"{refused[0]} is {refused[1]}" if refused else ""


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def url_problem(text: str, *, require_https: bool) -> str:
    """What is wrong with this URL's form, as a kind ("" when nothing; its addresses are checked apart):
    `too_long`, `not_web_address` or `needs_https`."""
    if len(text) > MAX_URL_LENGTH:
        return "too_long"
    try:
        url = URL(text)
    except ValueError:
        return "not_web_address"
    if url.scheme not in ("http", "https") or not url.host or not url.is_absolute():
        return "not_web_address"
    if require_https and url.scheme != "https":
        return "needs_https"
    return ""
