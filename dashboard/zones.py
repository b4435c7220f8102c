"""Time zones as an owner picks them: by country and city ("Madrid, Spain"), not as 600 raw IANA names.

The countries, the zones of each and the cities' names come from CLDR through babel (already used for money and
dates), so they are named in the owner's language once pages are translated; the value saved stays the IANA name
(`Europe/Madrid`), and only names the platform's zoneinfo knows are offered.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone, get_timezone_location

from dashboard.i18n.current import gettext

UTC_NAME = "UTC"
# CLDR's codes for "no country" (unknown region, the world).
NO_COUNTRY = frozenset({"ZZ", "001"})


@dataclass(frozen=True)
class ZoneChoice:
    zone: str  # the IANA name saved
    city: str
    country: str
    search: str  # what a search matches: country, city, IANA names (old ones too), folded

    @property
    def label(self) -> str:
        return f"{self.city}, {self.country}" if self.country else self.city


@dataclass(frozen=True)
class CountryZones:
    code: str  # ISO 3166 country code
    name: str
    zones: tuple[ZoneChoice, ...]


def fold(text: str) -> str:
    """Lower case without accents, so "sao paulo" finds São Paulo."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, tuple[str, ...]]:
    """Each zone's older names (Europe/Kiev for Europe/Kyiv), which owners may still search for."""
    older: dict[str, list[str]] = defaultdict(list)
    for alias, zone in get_global("zone_aliases").items():
        older[zone].append(alias)
    return {zone: tuple(names) for zone, names in older.items()}


def canonical_zone(zone: str) -> str:
    """The name CLDR files a zone under (an alias such as US/Eastern is filed under America/New_York)."""
    return str(get_global("zone_aliases").get(zone, zone))


def country_of_zone(zone: str) -> str:
    """The ISO country code of a zone ("ES" for Europe/Madrid); empty for UTC and zones of no country."""
    code = get_global("zone_territories").get(canonical_zone(zone), "")
    return code if isinstance(code, str) and len(code) == 2 and code not in NO_COUNTRY else ""


def country_name(code: str, locale: str = "en") -> str:
    """A country's name in the owner's language ("Spain"); empty for no country."""
    return str(Locale.parse(locale).territories.get(code, "")) if code else ""


def _city(zone: str, locale: str) -> str:
    city = str(get_timezone_location(get_timezone(zone), locale=locale, return_city=True))
    # CLDR has no city for a few zones filed under an older name (America/Argentina/Buenos_Aires): the last part is it.
    return city.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=8)
def zone_choices(locale: str = "en") -> tuple[CountryZones, ...]:
    """Every country with its zones, countries and cities in alphabetical order of the owner's language."""
    names = Locale.parse(locale).territories
    known = available_timezones()
    by_country: dict[str, list[ZoneChoice]] = defaultdict(list)
    for zone, code in get_global("zone_territories").items():
        if zone not in known or not isinstance(code, str) or len(code) != 2 or code in NO_COUNTRY:
            continue
        country = str(names.get(code, code))
        city = _city(zone, locale)
        words = " ".join((country, city, zone.replace("_", " "), *_aliases().get(zone, ())))
        by_country[code].append(ZoneChoice(zone=zone, city=city, country=country, search=fold(words)))
    countries = [
        CountryZones(code=code, name=zones[0].country, zones=tuple(sorted(zones, key=lambda z: fold(z.city))))
        for code, zones in by_country.items()
    ]
    return tuple(sorted(countries, key=lambda c: fold(c.name)))


def utc_choice() -> ZoneChoice:
    label = gettext("Coordinated Universal Time (UTC)")
    return ZoneChoice(zone=UTC_NAME, city=label, country="", search=f"utc gmt coordinated universal {fold(label)}")


def choice_for(zone: str, locale: str = "en") -> ZoneChoice | None:
    """The choice that saves `zone`, or None when the list does not hold it (an alias saved through the API)."""
    if zone == UTC_NAME:
        return utc_choice()
    return next((choice for country in zone_choices(locale) for choice in country.zones if choice.zone == zone), None)
