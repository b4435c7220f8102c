"""Every sentence the dashboard asks the catalogs for, found the way gettext tools find them: babel's extraction
over the templates (jinja2's own extractor) and the Python code (`_`, `gettext`, `ngettext`, `N_`). The catalog
test holds each language to this list, so a sentence added to a page without its translations fails a test."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

DASHBOARD_DIR = Path(__file__).resolve().parents[1]
TEMPLATES = DASHBOARD_DIR / "templates"

# A msgid, or a singular and plural pair.
MessageId = str | tuple[str, str]


def _found(method: str, path: Path) -> list[MessageId]:
    found: list[MessageId] = []
    for _line, message, _comments, _context in extract_from_file(method, str(path), keywords=DEFAULT_KEYWORDS):
        if isinstance(message, tuple):
            singular, plural = (str(part) for part in message[:2])
            found.append((singular, plural))
        elif message:
            found.append(str(message))
    return found


def used_messages() -> list[MessageId]:
    """Each msgid the templates and the dashboard's Python code use, once, in the order first found."""
    sources = [("jinja2.ext:babel_extract", path) for path in sorted(TEMPLATES.glob("*.html"))]
    sources += [("python", path) for path in sorted(DASHBOARD_DIR.rglob("*.py"))]
    seen: dict[MessageId, None] = {}
    for method, path in sources:
        for message in _found(method, path):
            seen.setdefault(message, None)
    return list(seen)
