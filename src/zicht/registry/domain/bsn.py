"""The BSN (burgerservicenummer) and its 11-proef.

Why: a mistyped BSN that still looks like nine digits would link two different people
through the keyed hash; the 11-proef catches every single-digit error and most swaps.
"""

from __future__ import annotations

# Weights 9, 8, …, 2 and −1; the ASCII offset of the digits (48) is subtracted once: (9+…+2−1)·48 = 43·48.


class BSNError(ValueError):
    """The text is not a valid BSN. The message never quotes the number."""


def normalise_bsn(text: str) -> str:
    """Nine digits, or raise BSNError. Spaces, dots and dashes are ignored; an 8-digit
    number (older BSN/sofinummer written without its leading zero) is zero-padded."""
    if len(text) == 9 and text.isdigit() and text.isascii():
        digits = text  # the common case, without copying
    else:
        digits = "".join(ch for ch in text if ch not in " .-\t")
    if digits and (not digits.isascii() or not digits.isdigit()):
        raise BSNError("BSN bevat andere tekens dan cijfers")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9:
        raise BSNError("BSN heeft geen 9 cijfers")
    if not passes_11_proef(digits):
        raise BSNError("BSN voldoet niet aan de 11-proef")
    return digits


def passes_11_proef(digits: str) -> bool:
    """Weighted sum 9·d1 + 8·d2 + … + 2·d8 − 1·d9 divisible by 11 (and not all zeros)."""
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()) or digits == "000000000":  # "²".isdigit() is True
        return False
    d = digits.encode()
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8] - 43 * 48
    return total % 11 == 0


def is_valid_bsn(text: str) -> bool:
    try:
        normalise_bsn(text)
    except BSNError:
        return False
    return True
