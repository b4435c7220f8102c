"""The platforms a business talks to its customers on: defined here once, for every room of the platform.

A string enum whose values are what accounts, conversations, leads, counters and campaigns store. A value this
version does not know (a platform a later version added, a record written by hand) reads as `unknown` instead of
failing, so old and new processes can share one database; input from a person is checked with `KnownPlatform`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError


class Platform(StrEnum):
    facebook = "facebook"
    instagram = "instagram"
    whatsapp = "whatsapp"
    unknown = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> Platform:  # noqa: ARG003 # any value it does not know is `unknown`
        return cls.unknown


KNOWN_PLATFORMS: tuple[Platform, ...] = tuple(platform for platform in Platform if platform is not Platform.unknown)


def only_known(platform: Platform) -> Platform:
    """A known platform, or the error a list of the known values gives (the same words, whatever the type)."""
    if platform is Platform.unknown:
        expected = ", ".join(f"'{p}'" for p in KNOWN_PLATFORMS[:-1]) + f" or '{KNOWN_PLATFORMS[-1]}'"
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})
    return platform


# A platform a person chose: anything but a known one is refused, and the API description lists only those.
KnownPlatform = Annotated[
    Platform, AfterValidator(only_known), WithJsonSchema({"type": "string", "enum": [str(p) for p in KNOWN_PLATFORMS]})
]
