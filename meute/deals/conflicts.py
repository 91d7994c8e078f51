"""Channel-conflict detection: is this end customer already claimed, and within the partner's boundaries?

The pieces, each usable alone:

- ``normalize_name`` turns a company name into a comparison key (case, accents, punctuation, legal forms in
  any position, common words);
- ``Record`` is what we know about a company; ``compare`` scores two records between 0 and 1 and explains the
  score field by field (identifiers, domains, name, address, city, country);
- ``find_candidates`` reads only the customers sharing an exact identifier or a blocking key of the name
  (``CustomerKey``, indexed), so a check costs a few index look-ups whatever the size of the customer base;
- ``check`` combines them with the open registrations and direct-sales accounts of the candidates and the
  boundaries of the partnership. ``partner_hint`` is the only part of a result a partner user may see: it
  says *that* the customer is claimed, never by whom or for what.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from meute.core import validators
from meute.core.models import fold

from .choices import OPEN_STAGES, MatchLevel

# Score thresholds (calibrated on tests/data/customer_pairs.csv with benchmarks/eval_conflicts.py).
SAME_THRESHOLD = 0.88
POSSIBLE_THRESHOLD = 0.70

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
MAX_KEY = 40
CANDIDATES_PER_KEY = 100
MAX_CANDIDATES = 60
MAX_EXACT = 20
MAX_TOKENS = 4


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------


def name_tokens(name: str | None) -> list[str]:
    """Significant words of a company name, folded, abbreviations expanded, legal forms removed."""
    text = _DOTS.sub("", fold(name)).replace("&", " ")
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


def city_key(city: str) -> str:
    """A city as the blocking keys spell it (folded, words squashed)."""
    return _NON_WORD.sub("", fold(city or ""))


def blocking_keys(name_key: str, city: str = "") -> list[str]:
    """Index keys of a normalised name: every word, every word with one letter deleted, the squashed name,
    and, when the city is known, keys of the name in its city.

    Two spellings of one word that differ by one typo (a letter changed, added, removed or two swapped)
    share a one-deletion key, so a typo in every word still leaves a shared key. But a short or common
    word is shared by hundreds of customers and each key reads a bounded number of rows: the city keys
    keep such names precise. "c:" is the whole name in its city, in any word order; "o:" is the name with
    one word reduced to its initial, in its city, so a typo anywhere but the first letter of one word
    still meets the right customer among many of a similar name.
    """
    keys = []
    tokens = name_key.split()
    place = city_key(city)[:10]
    if tokens and place:
        ordered = sorted(tokens[:MAX_TOKENS])
        keys.append(f"c:{''.join(ordered)[:26]}|{place}")
        if len(ordered) > 1:
            for index, token in enumerate(ordered):
                others = "".join(ordered[:index] + ordered[index + 1 :])[:24]
                keys.append(f"o:{others}|{token[0]}|{place}")
    for token in tokens[:MAX_TOKENS]:
        if len(token) >= 2:
            keys.append("t:" + token[: MAX_KEY - 2])
        if 4 <= len(token) <= MAX_KEY - 2:
            keys.extend("d:" + token[:i] + token[i + 1 :] for i in range(len(token)))
    if len(tokens) > 1:
        keys.append("k:" + "".join(tokens)[: MAX_KEY - 2])
    return list(dict.fromkeys(keys))


# --------------------------------------------------------------------------------------------------
# Comparing two records
# --------------------------------------------------------------------------------------------------


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
    _prepared: dict = field(default_factory=dict, repr=False, compare=False)

    def prepared(self) -> dict:
        if not self._prepared:
            vat = validators.normalize_vat(self.vat_number)
            self._prepared.update(
                name_key=normalize_name(self.name),
                siren=siren_from(self.siren, self.siret, vat),
                vat=vat,
                website=domain_of(self.website),
                email=self.email_domain.lower() if self.email_domain else email_domain_of(self.email),
                address=" ".join(_NON_WORD.sub(" ", fold(self.address)).split()),
                postal_code=(self.postal_code or "").replace(" ", ""),
                city=" ".join(_NON_WORD.sub(" ", fold(self.city)).split()),
                country=(str(self.country) or "").upper(),
            )
        return self._prepared

    def has_identity(self) -> bool:
        """Enough to tell which company it is: a name plus an identifier, a domain or a city."""
        p = self.prepared()
        return bool(p["name_key"]) and any(p[k] for k in ("siren", "vat", "website", "email", "city"))

    @classmethod
    def from_customer_values(cls, values: dict) -> "Record":
        return cls(
            name=values["name"],
            siren=values["siren"],
            vat_number=values["vat_number"],
            website=values["website_domain"],
            email_domain=values["email_domain"],
            address=values["address"],
            postal_code=values["postal_code"],
            city=values["city"],
            country=values["country"],
        )


@dataclass
class Evidence:
    field: str
    outcome: str  # "match", "similar", "different"
    similarity: float
    detail: str = ""

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "outcome": self.outcome,
            "similarity": round(self.similarity, 3),
            "detail": self.detail,
        }


def level_for(score: float) -> str:
    if score >= SAME_THRESHOLD:
        return MatchLevel.SAME
    if score >= POSSIBLE_THRESHOLD:
        return MatchLevel.POSSIBLE
    return MatchLevel.DISTINCT


def name_similarity(key_a: str, key_b: str) -> float:
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 1.0
    ordered = max(fuzz.ratio(key_a, key_b), fuzz.token_sort_ratio(key_a, key_b)) / 100
    squashed = fuzz.ratio(key_a.replace(" ", ""), key_b.replace(" ", "")) / 100
    # One name contained in the other ("acme" / "acme systems") is a weaker sign than the same name.
    subset = fuzz.token_set_ratio(key_a, key_b) / 100 * 0.85
    return max(ordered, squashed, subset)


def compare(a: Record, b: Record) -> tuple[float, list[Evidence]]:
    """Calibrated score in [0, 1] that ``a`` and ``b`` are the same customer, with the evidence per field."""
    pa, pb = a.prepared(), b.prepared()
    evidence: list[Evidence] = []
    if pa["siren"] and pb["siren"]:
        if pa["siren"] == pb["siren"]:
            return 1.0, [Evidence("siren", "match", 1.0, pa["siren"])]
        evidence.append(Evidence("siren", "different", 0.0))
    if pa["vat"] and pb["vat"]:
        if pa["vat"] == pb["vat"]:
            return 1.0, [Evidence("vat_number", "match", 1.0, pa["vat"])]
        evidence.append(Evidence("vat_number", "different", 0.0))

    similarity = name_similarity(pa["name_key"], pb["name_key"])
    outcome = "match" if similarity == 1.0 else ("similar" if similarity >= 0.6 else "different")
    evidence.append(Evidence("name", outcome, similarity))
    score = similarity

    domains_a = {d for d in (pa["website"], pa["email"]) if d}
    domains_b = {d for d in (pb["website"], pb["email"]) if d}
    if domains_a and domains_b:
        shared = domains_a & domains_b
        if shared:
            score = max(score, 0.55) + 0.35
            evidence.append(Evidence("domain", "match", 1.0, sorted(shared)[0]))
        else:
            score -= 0.05
            evidence.append(Evidence("domain", "different", 0.0))

    if pa["city"] and pb["city"]:
        city = fuzz.ratio(pa["city"], pb["city"]) / 100
        if city >= 0.9:
            score += 0.05
            evidence.append(Evidence("city", "match", city))
        else:
            score -= 0.12
            evidence.append(Evidence("city", "different", city))
    if pa["postal_code"] and pb["postal_code"]:
        if pa["postal_code"] == pb["postal_code"]:
            score += 0.03
            evidence.append(Evidence("postal_code", "match", 1.0))
        elif pa["postal_code"][:2] != pb["postal_code"][:2]:
            score -= 0.05
            evidence.append(Evidence("postal_code", "different", 0.0))
    if pa["address"] and pb["address"]:
        address = fuzz.token_sort_ratio(pa["address"], pb["address"]) / 100
        if address >= 0.85:
            score += 0.05
            evidence.append(Evidence("address", "similar" if address < 1 else "match", address))
    if pa["country"] and pb["country"] and pa["country"] != pb["country"]:
        score -= 0.35
        evidence.append(Evidence("country", "different", 0.0))

    if pa["siren"] and pb["siren"]:
        # Two different legal entities: at most a "possible" (e.g. two branches of one group).
        score = min(score, POSSIBLE_THRESHOLD - 0.01)
    return max(0.0, min(1.0, score)), evidence


# --------------------------------------------------------------------------------------------------
# Candidates from the database
# --------------------------------------------------------------------------------------------------

CUSTOMER_FIELDS = (
    "id",
    "uuid",
    "name",
    "siren",
    "vat_number",
    "website_domain",
    "email_domain",
    "address",
    "postal_code",
    "city",
    "country",
    "is_direct_account",
    "sector_id",
)


def index_customer(customer) -> None:
    """(Re)write the blocking keys of one customer."""
    from .models import CustomerKey

    keys = blocking_keys(customer.name_key, customer.city)
    CustomerKey.objects.filter(customer=customer).exclude(key__in=keys).delete()
    existing = set(CustomerKey.objects.filter(customer=customer).values_list("key", flat=True))
    CustomerKey.objects.bulk_create(
        [CustomerKey(customer=customer, key=k) for k in keys if k not in existing]
    )


def _blocked_ids(keys: list[str]) -> dict[int, float]:
    """Customers sharing a key with the name, weighted by the rarity of each key they share.

    Each key reads at most CANDIDATES_PER_KEY rows of the index; a key shared by few customers weighs
    more than a common one (1 / number of rows found), so rare words decide which candidates are kept.
    """
    from .models import CustomerKey

    if not keys:
        return {}
    connection = connections[router.db_for_read(CustomerKey)]
    quote = connection.ops.quote_name
    table = quote(CustomerKey._meta.db_table)
    parts = []
    params: list = []
    for index, key in enumerate(keys):
        parts.append(
            f"SELECT {index} AS k, customer_id FROM "  # noqa: S608
            f"(SELECT customer_id FROM {table} WHERE {quote('key')} = %s LIMIT %s) AS k{index}"
        )
        params += [key, CANDIDATES_PER_KEY]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    per_key = Counter(row[0] for row in rows)
    weights: dict[int, float] = {}
    for key_index, customer_id in rows:
        weights[customer_id] = weights.get(customer_id, 0.0) + 1.0 / per_key[key_index]
    return weights


def find_candidates(record: Record) -> list[dict]:
    """Customers that may be ``record``: exact identifier or domain matches, then the best-blocked names."""
    from .models import Customer

    p = record.prepared()
    exact = Q()
    if p["siren"]:
        exact |= Q(siren=p["siren"])
    if p["vat"]:
        exact |= Q(vat_number=p["vat"])
    for domain in {p["website"], p["email"]} - {""}:
        exact |= Q(website_domain=domain) | Q(email_domain=domain)
    ids: list[int] = []
    if exact:
        ids = list(Customer.objects.filter(exact).order_by().values_list("id", flat=True)[:MAX_EXACT])
    weights = _blocked_ids(blocking_keys(p["name_key"], p["city"]))
    for customer_id in sorted(weights, key=weights.__getitem__, reverse=True)[:MAX_CANDIDATES]:
        if customer_id not in ids:
            ids.append(customer_id)
    if not ids:
        return []
    return list(Customer.objects.filter(id__in=ids).order_by().values(*CUSTOMER_FIELDS))


# --------------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------------


@dataclass
class Claim:
    kind: str  # "registration" or "direct_account"
    own: bool = False  # a registration of the same partnership
    deal_uuid: str = ""
    partnership: str = ""
    stage: str = ""
    protection_end: str = ""


@dataclass
class Candidate:
    customer_id: int
    customer_uuid: str
    customer_name: str
    score: float
    level: str
    evidence: list[Evidence]
    claims: list[Claim] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "customer": self.customer_uuid,
            "customer_name": self.customer_name,
            "score": round(self.score, 3),
            "level": self.level,
            "evidence": [e.as_dict() for e in self.evidence],
            "claims": [claim.__dict__ for claim in self.claims],
        }


@dataclass
class CheckResult:
    level: str
    score: float
    candidates: list[Candidate]
    boundary_issues: list[str]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def conflicting(self) -> list[Candidate]:
        return [c for c in self.candidates if c.claims and c.level != MatchLevel.DISTINCT]

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "score": round(self.score, 3),
            "candidates": [c.as_dict() for c in self.candidates],
            "boundary_issues": [str(issue) for issue in self.boundary_issues],
        }


def boundary_issues(partnership, record: Record, product_lines=(), sector=None) -> list[str]:
    """Where the customer or the products fall outside the partnership's territories, products, sectors."""
    issues = []
    country = record.prepared()["country"]
    countries = {str(t.country) for t in partnership.territories.all() if t.country}
    if countries and country and country not in countries:
        issues.append(_("The customer's country is outside the partnership's territories."))
    allowed = {p.pk for p in partnership.product_lines.all()}
    if allowed and any(p.pk not in allowed for p in product_lines):
        issues.append(_("Some products are outside the partnership's product lines."))
    sectors = {s.pk for s in partnership.sectors.all()}
    if sectors and sector is not None and sector.pk not in sectors:
        issues.append(_("The customer's sector is outside the partnership's sectors."))
    return issues


def check(partnership, record: Record, *, product_lines=(), sector=None, exclude_deal=None) -> CheckResult:
    """Is the customer described by ``record`` already claimed, and is it within the boundaries?

    A matched customer is a conflict only when something claims it: an open registration (submitted or
    approved) or a direct-sales account. ``exclude_deal`` leaves out the registration being checked.
    """
    from .models import DealRegistration

    candidates = []
    for values in find_candidates(record):
        score, evidence = compare(record, Record.from_customer_values(values))
        level = level_for(score)
        if level == MatchLevel.DISTINCT:
            continue
        candidate = Candidate(values["id"], str(values["uuid"]), values["name"], score, level, evidence)
        if values["is_direct_account"]:
            candidate.claims.append(Claim("direct_account"))
        candidates.append(candidate)
    by_id = {c.customer_id: c for c in candidates}
    if by_id:
        deals = DealRegistration.objects.filter(customer_id__in=by_id, stage__in=OPEN_STAGES)
        if exclude_deal is not None and exclude_deal.pk:
            deals = deals.exclude(pk=exclude_deal.pk)
        for deal in deals.values(
            "customer_id", "uuid", "partnership_id", "partnership__name", "stage", "protection_end"
        ):
            by_id[deal["customer_id"]].claims.append(
                Claim(
                    "registration",
                    own=deal["partnership_id"] == partnership.pk,
                    deal_uuid=str(deal["uuid"]),
                    partnership=deal["partnership__name"],
                    stage=deal["stage"],
                    protection_end=deal["protection_end"].isoformat() if deal["protection_end"] else "",
                )
            )
    candidates.sort(key=lambda c: (-bool(c.claims), -c.score))
    claimed = [c for c in candidates if c.claims]
    score = claimed[0].score if claimed else 0.0
    return CheckResult(
        level=level_for(score) if claimed else MatchLevel.DISTINCT,
        score=score,
        candidates=candidates,
        boundary_issues=boundary_issues(partnership, record, product_lines, sector),
    )


def partner_hint(result: CheckResult) -> dict:
    """What a partner user may learn from a check: that a claim exists and of which kind — no names."""
    messages = []
    kinds = {(claim.kind, claim.own) for c in result.conflicting for claim in c.claims}
    if ("registration", False) in kinds:
        messages.append(str(_("This customer may already be registered by another partner.")))
    if ("direct_account", False) in kinds:
        messages.append(str(_("This customer is handled directly by the vendor's sales team.")))
    if ("registration", True) in kinds:
        messages.append(str(_("You already have an open registration for this customer.")))
    messages += [str(issue) for issue in result.boundary_issues]
    status = result.level if kinds else MatchLevel.DISTINCT
    return {"status": status, "messages": messages, "outside_boundaries": bool(result.boundary_issues)}


def score_as_decimal(score: float) -> Decimal:
    return Decimal(str(round(score, 3)))
