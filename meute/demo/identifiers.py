"""Valid, unique company identifiers for demo data (SIREN, SIRET, VAT numbers).

Numbers come from an affine permutation of a counter (``(a * i + b) mod m`` with ``a`` coprime to ``m``),
so they look random, never repeat, and are the same for the same seed.
"""

from stdnum import luhn
from stdnum.iso7064 import mod_11_10

# Coprime with 2, 3 and 5, hence with every modulus below.
_MULTIPLIER = 48_271_207


def _permuted(index: int, offset: int, modulus: int) -> int:
    return (_MULTIPLIER * index + offset) % modulus


def siren(index: int, offset: int) -> str:
    """The ``index``-th SIREN: 8 digits (not starting with 0) and a Luhn check digit."""
    body = f"{10**7 + _permuted(index, offset, 9 * 10**7):08d}"
    return body + luhn.calc_check_digit(body)


def siret(siren_number: str, establishment: int = 1) -> str:
    """A SIRET: the SIREN, a 4-digit establishment number and a Luhn check digit over all 14 digits."""
    body = siren_number + f"{establishment:04d}"
    return body + luhn.calc_check_digit(body)


def french_vat(siren_number: str) -> str:
    key = (12 + 3 * (int(siren_number) % 97)) % 97
    return f"FR{key:02d}{siren_number}"


def foreign_vat(country: str, index: int, offset: int) -> str:
    """A checksum-valid VAT number for Belgium, Germany or Italy; empty elsewhere."""
    digits = f"{_permuted(index, offset, 10**7):07d}"
    if country == "BE":
        number = "0" + digits
        return f"BE{number}{97 - int(number) % 97:02d}"
    if country == "DE":
        number = "1" + digits
        return f"DE{number}{mod_11_10.calc_check_digit(number)}"
    if country == "IT":
        number = digits + "001"
        return f"IT{number}{luhn.calc_check_digit(number)}"
    return ""
