"""The business's phone number, checked with phonenumbers (Google's libphonenumber data) and kept as E.164.

A number written without its country code is read in the business's country (the country of its time zone), so
"612 345 678" of a business in Madrid is +34612345678; "abc" or a number no country has is refused.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

# Which problem a number has, each a sentence in `dashboard/field_errors.py`.
NOT_A_NUMBER = "phone_not_a_number"
NEEDS_COUNTRY = "phone_needs_country"
NO_SUCH_NUMBER = "phone_invalid"


class PhoneProblem(ValueError):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


# What a local phone number looks like: 6 to 15 digits, with the spaces, dots, dashes and brackets people put in.
_LOCAL_NUMBER = re.compile(r"(?=(?:\D*\d){6,15}\D*$)[\d\s().-]+")


def to_e164(text: str, region: str = "") -> str:
    """`text` as E.164 ("+34612345678"), read in `region` (an ISO country code) when it has no country code;
    empty stays empty. Raises PhoneProblem saying what is wrong."""
    text = text.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            if not text.startswith("+") and not region and _LOCAL_NUMBER.fullmatch(text):
                # A local number and no country known yet to read it in: kept as written rather than refused, so
                # the setup goes on; it becomes E.164 when saved again once the business's time zone is set.
                return " ".join(text.split())
            # No "+" and no country to read it in, or a country code no country has.
            raise PhoneProblem(NEEDS_COUNTRY if not text.startswith("+") else NO_SUCH_NUMBER) from None
        if exc.error_type == NumberParseException.NOT_A_NUMBER:
            raise PhoneProblem(NOT_A_NUMBER) from None
        raise PhoneProblem(NO_SUCH_NUMBER) from None
    # A number of a possible length for its country passes: the ranges a country hands out change faster than
    # any copy of them, and an owner is never kept from finishing the setup by a number we merely do not know.
    if not phonenumbers.is_possible_number(number):
        raise PhoneProblem(NO_SUCH_NUMBER)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def readable(e164: str) -> str:
    """An E.164 number as people write it across borders ("+34 612 34 56 78"); anything else as it is."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), PhoneNumberFormat.INTERNATIONAL)
    except NumberParseException:
        return e164
