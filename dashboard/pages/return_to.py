"""Where the login page sends an owner afterwards (`next`): a path on this site, read as a browser reads it.

A browser parsing a `Location` (the WHATWG URL standard) drops tab, CR and LF wherever they are, trims C0
controls and spaces from both ends, and in an http(s) URL reads `\\` as `/`. So `/\\t/evil.example/` and
`/\\evil.example` both mean `//evil.example`: another host. The check is made on the value as the browser will
see it, and that same normalised value is what is sent back.
"""

from __future__ import annotations

import re
from urllib.parse import quote

HOME = "/dashboard"

_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))
_CONTROL = re.compile("[\x00-\x1f\x7f]")
# Printable ASCII stays as it is (a `%` too: what is encoded stays encoded); spaces and anything else are encoded,
# so the header holds ASCII only and means to the browser what was checked here.
_KEPT = "".join(chr(code) for code in range(0x21, 0x7F))


class UnreadableReturn(ValueError):
    """`next` holds a control character that no browser drops from an address: the request is refused (400)."""


def return_path(value: str) -> str:
    """The path to send the owner to for this `next`; `HOME` for anything that is not a path on this site
    (another host, `//host`, `/\\host`, a scheme such as `https:` or `javascript:`, a relative path, nothing).
    Raises UnreadableReturn when a control character remains once the browser's own clean-up is done."""
    cleaned = _TAB_OR_NEWLINE.sub("", value.strip(_C0_OR_SPACE))
    if _CONTROL.search(cleaned):
        raise UnreadableReturn("the address to return to holds a control character")
    end = len(cleaned.split("?", 1)[0].split("#", 1)[0])
    # Only before the query or fragment: that is where a browser reads a backslash as a slash.
    path = cleaned[:end].replace("\\", "/")
    if not path.startswith("/") or path.startswith("//"):
        return HOME
    return quote(path + cleaned[end:], safe=_KEPT)
