"""Which language a request is answered in: the owner's choice when they made one, else the best the browser
asks for (`Accept-Language`, with its q-values) among the catalogs, else English. Pure: the caller reads the header
and the owner."""

from __future__ import annotations

from babel import negotiate_locale

from dashboard.i18n.dashboard_catalogs import LANGUAGES, SOURCE_LANGUAGE


def _preferred(header: str) -> list[str]:
    """The header's tags, most wanted first ("es-MX,es;q=0.9,en;q=0.5" → ["es-MX", "es", "en"]); q=0 is refused."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def from_accept_language(header: str) -> str:
    """The catalog language that best answers an `Accept-Language` header; English when none does."""
    # A regional tag ("pt-BR") is answered by its language: negotiate_locale matches "pt-BR" to "pt" only when the
    # bare language is asked for too, so each tag's language is offered right after it.
    wanted: list[str] = []
    for tag in _preferred(header):
        wanted.extend((tag.replace("-", "_"), tag.split("-")[0].split("_")[0]))
    found = negotiate_locale(wanted, list(LANGUAGES), sep="_")
    return found if found in LANGUAGES else SOURCE_LANGUAGE


def choose_language(chosen: str, accept_language: str) -> str:
    """The owner's saved language when it is one we have, else the browser's."""
    return chosen if chosen in LANGUAGES else from_accept_language(accept_language)
