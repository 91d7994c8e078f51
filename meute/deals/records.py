"""What is known about a company, and the normal form every comparison and blocking key starts from.

``normalize_name`` turns a company name into a comparison key (case, accents, punctuation, legal forms in any
position, common words); ``Record`` holds one company's fields and prepares them once (identifiers, domains,
phone digits, a city without its district, the numbers of a name).
"""

import re
from dataclasses import dataclass, field

from meute.core import validators
from meute.core.models import fold

# Legal forms (France, Europe, English-speaking countries), removed wherever they appear in a name.
LEGAL_FORMS = frozenset(
    [
        "sa",
        "sas",
        "sasu",
        "sarl",
        "eurl",
        "sci",
        "snc",
        "scop",
        "scic",
        "selarl",
        "selas",
        "sca",
        "gie",
        "eirl",
        "ei",
        "earl",
        "sem",
        "spl",
        "gmbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "kgaa",
        "ev",
        "ltd",
        "limited",
        "plc",
        "llp",
        "inc",
        "incorporated",
        "llc",
        "corp",
        "corporation",
        "co",
        "bv",
        "nv",
        "vof",
        "spa",
        "srl",
        "sapa",
        "snc",
        "sl",
        "slu",
        "sau",
        "ab",
        "oy",
        "sprl",
        "srl",
        "bvba",
        "asbl",
        "kk",
        "pty",
        "lp",
        "lda",
    ]
)
# Words that say nothing about which company it is.
COMMON_WORDS = frozenset(
    [
        "societe",
        "ste",
        "cie",
        "compagnie",
        "company",
        "et",
        "and",
        "the",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "of",
        "und",
        "der",
        "die",
        "groupe",
        "group",
        "etablissements",
        "ets",
    ]
)
ABBREVIATIONS = {
    "intl": "international",
    "int": "international",
    "st": "saint",
    "mgmt": "management",
    "svc": "services",
    "svcs": "services",
    "sces": "services",
    "tech": "technologies",
    "technology": "technologies",
    "techno": "technologies",
    "solution": "solutions",
    "service": "services",
    "industrie": "industries",
    "industry": "industries",
    "assoc": "associes",
    "associates": "associes",
    "bros": "freres",
    "mfg": "manufacturing",
}
FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.fr",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.com",
        "live.fr",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "neuf.fr",
        "laposte.net",
        "bbox.fr",
        "numericable.fr",
        "gmx.com",
        "gmx.fr",
        "gmx.de",
        "web.de",
        "protonmail.com",
        "proton.me",
        "yandex.com",
        "mail.com",
        "zoho.com",
        "tutanota.com",
    ]
)

_DOTS = re.compile(r"(?<=\w)\.(?=\w)|\.")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\d+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ORDINAL_SUFFIX = re.compile(r"^(\d+)(st|nd|rd|th|er|e|eme|ieme)$")
# Ordinals written in words, as street names use them ("Fifth Ave." and "5th Ave." agree).
ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
    "premier": "1",
    "premiere": "1",
    "deuxieme": "2",
    "seconde": "2",
    "troisieme": "3",
    "quatrieme": "4",
    "cinquieme": "5",
    "sixieme": "6",
    "septieme": "7",
    "huitieme": "8",
    "neuvieme": "9",
    "dixieme": "10",
}
# Words of a city that do not change which city it is ("Paris 8e Arrondissement", "Lyon Cedex 03").
CITY_NOISE = frozenset(["cedex", "arrondissement", "arr", "er", "e", "eme", "ieme"])
CITY_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# Spellings of a street type, reduced to one form (French and English): "blvd." and "boulevard" agree.
STREET_WORDS = {
    "boulevard": "bd",
    "blvd": "bd",
    "blv": "bd",
    "avenue": "av",
    "ave": "av",
    "street": "st",
    "road": "rd",
    "drive": "dr",
    "place": "pl",
    "square": "sq",
    "chemin": "ch",
    "route": "rte",
    "allee": "all",
    "impasse": "imp",
    "faubourg": "fbg",
    "r": "rue",
    "saint": "st",
    "sainte": "ste",
    "lane": "ln",
    "court": "ct",
    "highway": "hwy",
    "parkway": "pkwy",
}
# A house number as written: "12", "12bis", "293-b" (split into "293" and "b"), "7 ter".
_HOUSE_NUMBER = re.compile(r"^\d+[a-z]?$|^\d+(bis|ter|quater)$")
HOUSE_NUMBER_SUFFIXES = frozenset(["bis", "ter", "quater"])
SAINT_WORDS = frozenset(["st", "ste"])
# Compass points of a street ("W. Third St.", "Peachtree Rd. NE"): often dropped by one of two writers.
COMPASS_WORDS = frozenset(["n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west"])
MIN_PHONE_DIGITS = 6


def name_tokens(name: str | None) -> list[str]:
    """Significant words of a company name, folded, abbreviations expanded, legal forms removed."""
    text = _DOTS.sub("", fold(name)).replace("&", " ")
    # "Spago (Los Angeles)", "Acme (France)": a bracketed place or remark says where, not who.
    unbracketed = _BRACKETS.sub(" ", text)
    if _NON_WORD.sub("", unbracketed):
        text = unbracketed
    raw = _NON_WORD.sub(" ", text).split()
    # "S A S" or "I B M": runs of single letters are one word.
    merged: list[str] = []
    run = ""
    for token in raw:
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(token)
    if run:
        merged.append(run)
    tokens = [ABBREVIATIONS.get(t, t) for t in merged]
    significant = [t for t in tokens if t not in LEGAL_FORMS and t not in COMMON_WORDS]
    if significant:
        return significant
    # A name made only of generic words ("Société Générale SA" is not, but "SA" alone is) keeps them.
    return [t for t in tokens if t not in LEGAL_FORMS] or tokens


def normalize_name(name: str | None) -> str:
    return " ".join(name_tokens(name))


def siren_from(siren: str = "", siret: str = "", vat: str = "") -> str:
    """The SIREN of a French company from any of its identifiers (SIRET → its first 9 digits)."""
    siren = validators.normalize_siren(siren)
    if len(siren) == 9 and siren.isdigit():
        return siren
    siret = validators.normalize_siret(siret)
    if len(siret) == 14 and siret.isdigit():
        return siret[:9]
    vat = validators.normalize_vat(vat)
    if vat.startswith("FR") and len(vat) == 13 and vat[4:].isdigit():
        return vat[4:]
    return ""


def domain_of(website: str | None) -> str:
    domain = validators.normalize_domain(website or "")
    return domain.split(":")[0]


def email_domain_of(email: str | None) -> str:
    """The company domain of an e-mail address; empty for free-mail providers (they identify nobody)."""
    if not email or "@" not in email:
        return ""
    domain = email.rsplit("@", 1)[1].strip().lower()
    return "" if domain in FREE_MAIL_DOMAINS else domain


def city_name(city: str | None) -> str:
    """A city as compared: folded, without district numbers or "cedex" (so "Paris 8e" reads "paris")."""
    words = []
    for word in _NON_WORD.sub(" ", fold(city)).split():
        word = CITY_ABBREVIATIONS.get(word, word)
        if word in CITY_NOISE or word.isdigit() or re.fullmatch(r"\d+(er|e|eme|ieme)", word):
            continue
        words.append(word)
    return " ".join(words)


def address_text(address: str | None) -> str:
    """An address as compared: folded, street types in one spelling, ordinals as numbers, no compass
    points."""
    words = []
    for word in _NON_WORD.sub(" ", _DOTS.sub("", fold(address))).split():
        if word in COMPASS_WORDS:
            continue
        ordinal = _ORDINAL_SUFFIX.match(word)
        if ordinal:
            word = ordinal.group(1)
        words.append(ORDINALS.get(word) or STREET_WORDS.get(word, word))
    return " ".join(words)


def street_parts(address: str | None) -> tuple[str, tuple[str, ...], str]:
    """The house number of an address, its street's words and its street squashed, for comparing two
    streets whatever the number: ("8638", ("3",), "w3") for "8638 W. Third St.".

    The house number is a number opening the address, with its letter or "bis"/"ter" ("293-B", "12 bis");
    an ordinal opening it is the street's ("3rd St.", "3e Avenue"). The words leave out compass points,
    single letters (a house number's letter left alone) and street types, but not a saint ("St-Denis"); the
    squashed form keeps compass points, which one writer may glue to the name ("Northpoint" and "North
    Point St.").
    """
    raw = _NON_WORD.sub(" ", _DOTS.sub("", fold(address))).split()
    number = ""
    if raw and _HOUSE_NUMBER.match(raw[0]) and not _ORDINAL_SUFFIX.match(raw[0]):
        number = _DIGITS.match(raw[0]).group(0).lstrip("0") or "0"
        raw = raw[1:]
        if raw and raw[0] in HOUSE_NUMBER_SUFFIXES:
            raw = raw[1:]
    types = set(STREET_WORDS.values())
    spelt = []
    for word in raw:
        ordinal = _ORDINAL_SUFFIX.match(word)
        if ordinal:
            word = ordinal.group(1)
        spelt.append(ORDINALS.get(word) or STREET_WORDS.get(word, word))
    words, squashed = [], []
    for index, word in enumerate(spelt):
        # "st" and "ste" before a name are a saint's ("rue St-Denis"), not a street type ("Third St.").
        saint = word in SAINT_WORDS and index + 1 < len(spelt)
        if (word in types and not saint) or (len(word) == 1 and word.isalpha() and word not in COMPASS_WORDS):
            continue
        squashed.append(word)
        if word not in COMPASS_WORDS:
            words.append(word)
    return number, tuple(words), "".join(squashed)


def phone_key(phone: str | None) -> str:
    """The last nine digits of a phone number: "+33 4 72 00 00 00" and "04 72 00 00 00" agree."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) < MIN_PHONE_DIGITS:
        return ""
    return digits[-9:]


def numbers_in(text: str) -> frozenset:
    return frozenset(number.lstrip("0") or "0" for number in _DIGITS.findall(text))


@dataclass
class Record:
    """What is known about a company; every field but the name is optional."""

    name: str = ""
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    website: str = ""
    email: str = ""
    email_domain: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    _prepared: dict = field(default_factory=dict, repr=False, compare=False)

    def prepared(self) -> dict:
        if not self._prepared:
            vat = validators.normalize_vat(self.vat_number)
            name_key = normalize_name(self.name)
            website = domain_of(self.website)
            email = self.email_domain.lower() if self.email_domain else email_domain_of(self.email)
            address = address_text(self.address)
            self._prepared.update(
                name_key=name_key,
                name_numbers=numbers_in(name_key),
                siren=siren_from(self.siren, self.siret, vat),
                vat=vat,
                website=website,
                email=email,
                domains=frozenset(d for d in (website, email) if d),
                address=address,
                address_numbers=numbers_in(address),
                street=street_parts(self.address),
                postal_code=(self.postal_code or "").replace(" ", "").upper(),
                city=city_name(self.city),
                country=(str(self.country or "")).upper(),
                phone=phone_key(self.phone),
            )
        return self._prepared

    def has_identity(self) -> bool:
        """Enough to tell which company it is: a name plus an identifier, a domain, a phone or a city."""
        p = self.prepared()
        return bool(p["name_key"]) and any(
            p[k] for k in ("siren", "vat", "website", "email", "city", "phone")
        )

    @classmethod
    def from_customer_values(cls, values: dict) -> "Record":
        return cls(
            name=values["name"],
            siren=values.get("siren", ""),
            vat_number=values.get("vat_number", ""),
            website=values.get("website_domain", ""),
            email_domain=values.get("email_domain", ""),
            address=values.get("address", ""),
            postal_code=values.get("postal_code", ""),
            city=values.get("city", ""),
            country=str(values.get("country", "") or ""),
            phone=values.get("phone", ""),
        )
