"""Where money, secrets or contacts would go: found by their shape, whatever language the words around them are in. Pure.

Advice to move money, to hand over a password or a code, or to get in touch with someone needs a destination: an
account (IBAN, card, a long account number, a crypto wallet), a link, an email address, a phone number or a handle.
Those have shapes that no language changes, so Leo looks for the shapes rather than for the words around them: a
destination the tenant's own data holds (a lead's phone, the business's website) is fine; any other is not shown.
The meaning of the words is judged apart, by the model when there is one (`answer_check.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["iban", "card", "wallet", "secret", "number", "link", "email", "handle"]

# Two letters, two check digits, then 11 to 30 letters and digits, often in groups of four.
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")
CARD = re.compile(r"(?<![\d])\d(?:[ \-]?\d){12,18}(?![\d])")
WALLET = re.compile(
    r"(?<![A-Za-z0-9])(?:0x[0-9a-fA-F]{40}|bc1[ac-hj-np-z02-9]{11,71}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})(?![A-Za-z0-9])"
)
# A long run of letters and digits mixed: an access key, a token, a password or a wallet of another chain.
SECRET = re.compile(r"(?<![A-Za-z0-9_\-])(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{20,}(?![A-Za-z0-9_\-])")
EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
LINK = re.compile(
    r"(?i)(?<![\w@.\-])(?:[a-z][a-z0-9+.\-]*://[^\s<>\"']+|www\.[^\s<>\"']+|(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+"
    r"(?:[a-z]{2,24})(?:/[^\s<>\"']*)?)(?![\w\-])"
)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{2,}")
# Digits that may carry separators: a phone number, an account number, a code.
DIGITS = re.compile(r"\+?\(?\d[\d \-().\u00a0\u202f]{5,}\d")
# What Leo's own sentences hold that looks like digits but is neither: dates, times, amounts with thousands.
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
AMOUNT = re.compile(r"^\d{1,3}(?:([,.\u00a0\u202f ])\d{3})(?:\1\d{3})*(?:[.,]\d{1,2})?$")
MIN_DIGITS = 7  # shorter runs are counts and amounts, which the number check already holds to the tools' figures
# A word ending in one of these is a file or a version, not a host ("report.pdf", "v1.2").
NOT_HOSTS = frozenset({"pdf", "csv", "png", "jpg", "jpeg", "gif", "txt", "doc", "docx", "xls", "xlsx", "js", "py", "md"})


@dataclass(frozen=True)
class Finding:
    kind: Kind
    text: str


@dataclass(frozen=True)
class Contacts:
    """The destinations the tenant's own data holds: its leads' phones and emails, its website and links."""

    phones: frozenset[str] = frozenset()  # digits only
    emails: frozenset[str] = frozenset()  # lower case
    hosts: frozenset[str] = frozenset()  # lower case, without "www."

    def __or__(self, other: Contacts) -> Contacts:
        return Contacts(self.phones | other.phones, self.emails | other.emails, self.hosts | other.hosts)

    def holds_phone(self, digits: str) -> bool:
        # A phone may be written with or without its country code: the last nine digits name it.
        return any(digits[-9:] == known[-9:] for known in self.phones if len(known) >= MIN_DIGITS)

    def holds_host(self, host: str) -> bool:
        return any(host == known or host.endswith("." + known) for known in self.hosts)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _host(link: str) -> str:
    host = re.sub(r"(?i)^[a-z][a-z0-9+.\-]*://", "", link).split("/")[0].split("?")[0].split(":")[0].lower()
    return host.removeprefix("www.").rstrip(".")


def contacts_in(texts: Iterable[str]) -> Contacts:
    """The destinations written in the tenant's own texts (leads' contacts, the business's website and links)."""
    phones: set[str] = set()
    emails: set[str] = set()
    hosts: set[str] = set()
    for written in texts:
        text = _blank(written, (m.span() for m in (*DATE.finditer(written), *TIME.finditer(written))))
        for email in EMAIL.findall(text):
            emails.add(email.lower())
            hosts.add(email.split("@", 1)[1].lower())
        for link in LINK.findall(EMAIL.sub(" ", text)):
            hosts.add(_host(link))
        for run in DIGITS.findall(text):
            if len(_digits(run)) >= MIN_DIGITS:
                phones.add(_digits(run))
    return Contacts(frozenset(phones), frozenset(emails), frozenset(h for h in hosts if h))


def _luhn(digits: str) -> bool:
    total = 0
    for n, char in enumerate(reversed(digits)):
        value = int(char) * (2 if n % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def findings(text: str, allowed: Contacts = Contacts()) -> list[Finding]:
    """Every destination in `text` that `allowed` does not hold: an account, a link, an address, a number, a handle."""
    found = [Finding("email", m.group(0)) for m in EMAIL.finditer(text) if m.group(0).lower() not in allowed.emails]
    # Each kind found is blanked before the next looks, so an address is not read again as a link or a number.
    rest = _blank(text, (m.span() for m in EMAIL.finditer(text)))
    found += _links(rest, allowed)
    rest = _blank(rest, (m.span() for m in LINK.finditer(rest)))
    found += [Finding("handle", m.group(0)) for m in HANDLE.finditer(rest)]
    ibans = [m for m in IBAN.finditer(rest) if sum(char.isdigit() for char in m.group(0)) >= 10]
    found += [Finding("iban", m.group(0)) for m in ibans]
    rest = _blank(rest, (m.span() for m in ibans))
    found += [Finding("wallet", m.group(0)) for m in WALLET.finditer(rest)]
    rest = _blank(rest, (m.span() for m in WALLET.finditer(rest)))
    found += [Finding("secret", m.group(0)) for m in SECRET.finditer(rest)]
    rest = _blank(rest, (m.span() for m in SECRET.finditer(rest)))
    return found + _numbers(rest, allowed)


def _links(text: str, allowed: Contacts) -> list[Finding]:
    """Links to hosts the tenant does not hold; a bare "report.pdf" or "v1.2" is no host."""
    found = []
    for match in LINK.finditer(text):
        link = match.group(0).rstrip(".,;:!?)")
        host = _host(link)
        last = host.rsplit(".", 1)[-1]
        if "://" not in link and not link.lower().startswith("www.") and (last in NOT_HOSTS or host.replace(".", "").isdigit()):
            continue
        if not allowed.holds_host(host):
            found.append(Finding("link", link))
    return found


def _numbers(text: str, allowed: Contacts) -> list[Finding]:
    """Card numbers, then runs of digits long enough to reach someone (dates, times and amounts are none)."""
    found = [
        Finding("card", m.group(0))
        for m in CARD.finditer(text)
        if _luhn(_digits(m.group(0))) and not allowed.holds_phone(_digits(m.group(0)))
    ]
    cards = {_digits(f.text) for f in found}
    rest = _blank(text, (m.span() for m in DATE.finditer(text)))
    rest = _blank(rest, (m.span() for m in TIME.finditer(rest)))
    for match in DIGITS.finditer(rest):
        run = match.group(0).strip(" ().-\u00a0\u202f")
        digits = _digits(run)
        if len(digits) < MIN_DIGITS or AMOUNT.match(run) or allowed.holds_phone(digits) or digits in cards:
            continue
        found.append(Finding("number", run))
    return found


def without_held_contacts(text: str, allowed: Contacts) -> str:
    """`text` with the destinations the tenant holds blanked out: a lead's phone is a contact, not a figure."""
    spans = [m.span() for m in EMAIL.finditer(text) if m.group(0).lower() in allowed.emails]
    spans += [m.span() for m in LINK.finditer(text) if allowed.holds_host(_host(m.group(0)))]
    spans += [m.span() for m in DIGITS.finditer(text) if allowed.holds_phone(_digits(m.group(0)))]
    return _blank(text, spans)


def screened(value: str, placeholder: str) -> str:
    """A customer's words as Leo may show them: unchanged, or `placeholder` when they carry a destination."""
    return placeholder if findings(value) else value
