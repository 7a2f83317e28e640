"""Validation and normalisation of the Chinese identifiers the portal handles (docs/domain.md)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from .choices import INDUSTRY_DIVISIONS

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^010-?\d{8}(-\d{1,6})?$")


def to_half_width(value: str) -> str:
    """Full-width letters and digits (as typed by a Chinese IME) become ASCII."""
    return unicodedata.normalize("NFKC", value)


def normalize_division(value) -> str:
    """A GB/T 4754 division as the portal keeps it: two ASCII digits, so "9", "９" and a
    sheet's number 9.0 are all "09" (eligibility matches "B09"). Anything else comes back as
    typed, for the form to refuse."""
    text = to_half_width(str(value or "")).strip()
    digits = re.fullmatch(r"(\d{1,2})(?:\.0+)?", text, re.ASCII)
    return digits.group(1).zfill(2) if digits else text


def is_division_of(section: str, division: str) -> bool:
    """Whether `division` (two ASCII digits) is one of GB/T 4754 section `section`'s."""
    low_high = INDUSTRY_DIVISIONS.get(section)
    return bool(
        low_high
        and re.fullmatch(r"\d{2}", division, re.ASCII)
        and low_high[0] <= int(division) <= low_high[1]
    )


# Spaces and the dashes people type or paste between groups of characters (NFKC has already
# made a full-width space a space and a full-width hyphen a hyphen), and invisible joiners.
CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200d\ufeff]")


def normalize_credit_code(value: str) -> str:
    return CODE_SEPARATORS.sub("", to_half_width(value or "")).upper()


def credit_code_checksum_ok(code: str) -> bool:
    """The GB 32100 check character (position 18) is right.

    The inner GB 11714 character (position 17) is not checked: it is optional,
    and legal codes exist that fail it.
    """
    try:
        uscc.validate(code)
    except InvalidChecksum:
        return False
    except StdnumError:
        return False
    return True


def validate_credit_code_format(value: str) -> None:
    """Model-level rule: 18 characters from the USCC alphabet.

    A wrong check character is not a model error: some legal pre-standard codes fail it, so
    forms treat it as a warning that the applicant can confirm (docs/domain.md, Credit codes).
    """
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; you entered %(n)d."),
            code="length",
            params={"n": len(value)},
        )
    bad = sorted({ch for ch in value if ch not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("The code contains characters that cannot appear in a credit code: %(chars)s."),
            code="characters",
            params={"chars": " ".join(bad)},
        )


def normalize_mobile(value: str) -> str:
    value = to_half_width(value or "")
    value = re.sub(r"[\s\-()]", "", value)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, such as 13800138000."), code="mobile"
        )


def normalize_landline(value: str) -> str:
    value = to_half_width(value or "").strip()
    value = re.sub(r"[\s()]", "", value)
    return value


def validate_landline(value: str) -> None:
    if not LANDLINE_RE.match(value):
        raise ValidationError(
            _("Enter a Beijing landline number, such as 010-69101234 or 010-69101234-801."),
            code="landline",
        )


def mask_mobile(value: str) -> str:
    """138****8000: what everyone but staff sees of a phone number."""
    if not value:
        return ""
    if len(value) >= 11:
        return value[:3] + "****" + value[-4:]
    return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
