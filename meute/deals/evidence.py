"""Weighing the evidence that two records are the same company (Fellegi–Sunter).

Each field is compared at a few levels (the name: exact, close, similar, one contained in the other,
different). Each level has two probabilities: ``m``, how often two records of the same
company compare at that level, and ``u``, how often two unrelated companies do. The level weighs
``log2(m / u)`` bits: positive when it is evidence for the same company, negative against, zero when the
field is missing on either side. The weights add up with the prior odds into a match probability, the
score in [0, 1] compared with the thresholds.

``m`` and ``u`` come from ``meute.deals.training`` (``meute deals retrain``): ``u`` from random pairs of the
operator's own customers, ``m`` by expectation-maximisation over the pairs blocking finds, no labels needed.
The exact name is adjusted by its frequency in the customer base: a common name ("Boulangerie Martin")
that two different bakeries share weighs less than a rare one. Identifiers are not weighed: the same
SIREN or VAT number is the same company; two different ones are two legal entities, at most a "possible".

Everything is vectorised with NumPy over the pairs: a check scores its hundred candidates at once.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from .choices import MatchLevel

# Score thresholds: one default for every data set (see benchmarks/eval_conflicts.py).
SAME_THRESHOLD = 0.9
POSSIBLE_THRESHOLD = 0.5
# Before its fields are looked at, a candidate is the record's company with probability 1 / (customers in
# the base): a record is one company among them. The name's frequency is a share of the same base, so a
# unique name weighs as much in a base of a thousand customers as in one of a million.
DEFAULT_BASE_SIZE = 1000

FIELD_LEVELS: dict[str, tuple[str, ...]] = {
    "name": ("different", "contained", "similar", "close", "exact"),
    "name_numbers": ("different", "exact"),
    "address": ("different", "number_differs", "same_street", "similar", "close", "exact"),
    "postal_code": ("different", "same_area", "exact"),
    "city": ("different", "similar", "exact"),
    "phone": ("different", "one_digit", "exact"),
    "domain": ("different", "exact"),
    "country": ("different", "exact"),
}
FIELDS = tuple(FIELD_LEVELS)
MAX_LEVELS = max(len(levels) for levels in FIELD_LEVELS.values())
NULL = -1
NAME = FIELDS.index("name")
NAME_EXACT = FIELD_LEVELS["name"].index("exact")
NUMBERS = FIELDS.index("name_numbers")
NAME_CLOSE = FIELD_LEVELS["name"].index("close")
# The fields that tell one namesake from another; the country alone does not.
LOCATING = [FIELDS.index(name) for name in ("address", "postal_code", "city", "phone", "domain")]

FIELD_LABELS = {
    "name": _("Name"),
    "name_numbers": _("Numbers in the name"),
    "address": _("Address"),
    "postal_code": _("Postal code"),
    "city": _("City"),
    "phone": _("Phone"),
    "domain": _("Web or e-mail domain"),
    "country": _("Country"),
    "siren": _("SIREN"),
    "vat_number": _("VAT number"),
}
LEVEL_TEXTS = {
    ("name", "exact"): _("Same name"),
    ("name", "close"): _("Nearly the same name (a typo, a letter or the word order)"),
    ("name", "similar"): _("Similar names"),
    ("name", "contained"): _("One name is contained in the other (a typo allowed)"),
    ("name_numbers", "exact"): _("The names carry the same numbers"),
    ("name_numbers", "different"): _("The names carry different numbers"),
    ("name", "different"): _("Different names"),
    ("address", "exact"): _("Same address"),
    ("address", "close"): _("Nearly the same address"),
    ("address", "similar"): _("Similar addresses"),
    ("address", "number_differs"): _("Same street, another number"),
    ("address", "same_street"): _("Same street, one address less precise (no house number)"),
    ("address", "different"): _("Different addresses"),
    ("postal_code", "exact"): _("Same postal code"),
    ("postal_code", "same_area"): _("Postal codes of the same area"),
    ("postal_code", "different"): _("Different postal codes"),
    ("city", "exact"): _("Same city"),
    ("city", "similar"): _("Nearly the same city"),
    ("city", "different"): _("Different cities"),
    ("phone", "exact"): _("Same phone number"),
    ("phone", "one_digit"): _("Phone numbers one digit apart"),
    ("phone", "different"): _("Different phone numbers"),
    ("domain", "exact"): _("Same web or e-mail domain"),
    ("domain", "different"): _("Different web and e-mail domains"),
    ("country", "exact"): _("Same country"),
    ("country", "different"): _("Different countries"),
}
NAME_ONLY_TEXT = _("Nothing but the name can be compared: a channel manager should look")
COMMON_NAME_TEXT = _("a common name: it counts less")
RARE_NAME_TEXT = _("a rare name: it counts more")

# The weights before any training: what a typical base of French companies gives (m: same company,
# u: two unrelated ones). ``meute deals retrain`` replaces them with the operator's own.
DEFAULT_PARAMETERS = {
    "name": {
        "exact": (0.55, 0.0005),
        "close": (0.25, 0.001),
        "similar": (0.1, 0.01),
        "contained": (0.04, 0.005),
        "different": (0.06, 0.9835),
    },
    "name_numbers": {"exact": (0.98, 0.1), "different": (0.02, 0.9)},
    "address": {
        "exact": (0.6, 0.0005),
        "close": (0.13, 0.001),
        "similar": (0.08, 0.02),
        "number_differs": (0.03, 0.01),
        "same_street": (0.04, 0.002),
        "different": (0.12, 0.9665),
    },
    "postal_code": {"exact": (0.85, 0.02), "same_area": (0.1, 0.1), "different": (0.05, 0.88)},
    "city": {"exact": (0.85, 0.05), "similar": (0.07, 0.01), "different": (0.08, 0.94)},
    "phone": {"exact": (0.8, 0.0001), "one_digit": (0.05, 0.001), "different": (0.15, 0.9989)},
    "domain": {"exact": (0.85, 0.0005), "different": (0.15, 0.9995)},
    "country": {"exact": (0.995, 0.9), "different": (0.005, 0.1)},
}
PROBABILITY_FLOOR = 1e-6


@dataclass
class Weights:
    """m and u per field and level, the version they belong to and the base they were learnt from."""

    parameters: dict
    version: int = 0
    base_size: int = 0
    # Blocking keys shared by so many customers that reading them would tell nothing (see blocking.py).
    stop_keys: frozenset = frozenset()
    m: np.ndarray = field(init=False, repr=False)
    u: np.ndarray = field(init=False, repr=False)
    table: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.m = np.ones((len(FIELDS), MAX_LEVELS))
        self.u = np.ones((len(FIELDS), MAX_LEVELS))
        for f, name in enumerate(FIELDS):
            for level, label in enumerate(FIELD_LEVELS[name]):
                # A level added since these weights were learnt keeps its built-in values until the next
                # ``meute deals retrain``.
                m, u = self.parameters[name].get(label, DEFAULT_PARAMETERS[name][label])
                self.m[f, level] = max(float(m), PROBABILITY_FLOOR)
                self.u[f, level] = max(float(u), PROBABILITY_FLOOR)
        self.table = np.log2(self.m / self.u)

    @classmethod
    def default(cls) -> "Weights":
        return cls(
            {f: {level: list(mu) for level, mu in levels.items()} for f, levels in DEFAULT_PARAMETERS.items()}
        )

    def rows(self) -> list[dict]:
        """Every field and level with its probabilities, its weight in bits and its meaning, for staff."""
        rows = []
        for f, name in enumerate(FIELDS):
            for level in reversed(range(len(FIELD_LEVELS[name]))):
                label = FIELD_LEVELS[name][level]
                rows.append(
                    {
                        "field": name,
                        "field_label": str(FIELD_LABELS[name]),
                        "level": label,
                        "meaning": str(LEVEL_TEXTS[(name, label)]),
                        "m": round(float(self.m[f, level]), 6),
                        "u": round(float(self.u[f, level]), 6),
                        "weight": round(float(self.table[f, level]), 2),
                    }
                )
        return rows


def _strings(records: list[dict], key: str) -> list[str]:
    return [record[key] for record in records]


def _similarity(left: list[str], right: list[str], scorer) -> np.ndarray:
    if not left:
        return np.zeros(0)
    return process.cpdist(left, right, scorer=scorer, dtype=np.float32, workers=1) / (
        100.0 if scorer in (fuzz.ratio, fuzz.token_sort_ratio, fuzz.token_set_ratio) else 1.0
    )


def _name_levels(left: list[dict], right: list[dict]) -> np.ndarray:
    a, b = _strings(left, "name_key"), _strings(right, "name_key")
    a_arr, b_arr = np.array(a, dtype=object), np.array(b, dtype=object)
    null = (a_arr == "") | (b_arr == "")
    exact = a_arr == b_arr
    squashed = _similarity([x.replace(" ", "") for x in a], [x.replace(" ", "") for x in b], fuzz.ratio)
    ordered = _similarity(a, b, fuzz.token_sort_ratio)
    subset = _similarity(a, b, fuzz.token_set_ratio)
    winkler = _similarity(a, b, JaroWinkler.normalized_similarity)
    best = np.maximum(squashed, ordered)
    close, similar = (best >= 0.9) | (winkler >= 0.96), (best >= 0.8) | (winkler >= 0.9)
    contained = subset >= 0.99
    # Only the pairs no other level took are read word by word.
    unread = np.flatnonzero(~(null | exact | close | similar | contained))
    contained[unread] = [_contained_with_typo(a[i], b[i]) for i in unread]
    levels = FIELD_LEVELS["name"]
    return np.select(
        [null, exact, close, similar, contained],
        [
            NULL,
            levels.index("exact"),
            levels.index("close"),
            levels.index("similar"),
            levels.index("contained"),
        ],
        default=levels.index("different"),
    )


def _contained_with_typo(a: str, b: str) -> bool:
    """Every word of the shorter name in the longer one, a word of five letters or more being allowed a
    typo: a letter added, left out, changed or two swapped ("waller" in "jamilla wallner", "Plomberie
    Dupont" in "Dupont Plombrie Chauffage")."""
    shorter, longer = sorted((a.split(), b.split()), key=len)
    return bool(shorter) and all(
        any(
            word == other
            or (min(len(word), len(other)) >= 5 and OSA.distance(word, other, score_cutoff=1) <= 1)
            for other in longer
        )
        for word in shorter
    )


def _address_levels(left: list[dict], right: list[dict]) -> np.ndarray:
    a, b = _strings(left, "address"), _strings(right, "address")
    a_arr, b_arr = np.array(a, dtype=object), np.array(b, dtype=object)
    null = (a_arr == "") | (b_arr == "")
    ordered = _similarity(a, b, fuzz.token_sort_ratio)
    # One address written with a remark the other lacks ("2 Harrison St., near Hudson St."): the shorter
    # one's words all in the longer one, with the same first number.
    subset = _similarity(a, b, fuzz.token_set_ratio)
    starts = [(_street_start(x), _street_start(y)) for x, y in zip(a, b, strict=True)]
    first_numbers = np.array([x[0] is not None and x[0] == y[0] for x, y in starts], dtype=bool)
    # The same number in the same street ("2355 peachtree rd" and "2355 peachtree rd, shopping center").
    same_street = np.array([x[0] is not None and bool(x[1]) and x == y for x, y in starts], dtype=bool)
    numbers = np.array(
        [
            bool(x["address_numbers"])
            and bool(y["address_numbers"])
            and not (x["address_numbers"] & y["address_numbers"])
            for x, y in zip(left, right, strict=True)
        ],
        dtype=bool,
    )
    # The street alone, whatever the house number: "3rd St." and "8638 W. Third St." name one street.
    pairs = [(x["street"], y["street"]) for x, y in zip(left, right, strict=True)]
    streets = np.array([_streets_agree(x, y) for x, y in pairs], dtype=bool)
    both = np.array([bool(x[0]) and bool(y[0]) for x, y in pairs], dtype=bool)
    same_number = both & np.array([x[0] == y[0] for x, y in pairs], dtype=bool)
    levels = FIELD_LEVELS["address"]
    return np.select(
        [
            null,
            a_arr == b_arr,
            (numbers & (ordered >= 0.6)) | (streets & both & ~same_number),
            (ordered >= 0.9) | ((subset >= 0.95) & first_numbers) | same_street | (streets & same_number),
            streets & ~both,
            ordered >= 0.7,
        ],
        [
            NULL,
            levels.index("exact"),
            levels.index("number_differs"),
            levels.index("close"),
            levels.index("same_street"),
            levels.index("similar"),
        ],
        default=levels.index("different"),
    )


def _streets_agree(a: tuple, b: tuple) -> bool:
    """Whether two addresses name the same street, whatever their house numbers (``records.street_parts``):
    the same words, the same letters once squashed ("Northpoint", "North Point St."), a typo, or the words
    of one all in the other with a street name among them ("Central Park" in "in Central Park at 67th
    St.")."""
    (_n, words_a, squashed_a), (_m, words_b, squashed_b) = a, b
    if not words_a or not words_b:
        return False
    if words_a == words_b or (squashed_a and squashed_a == squashed_b):
        return True
    if fuzz.token_sort_ratio(" ".join(words_a), " ".join(words_b)) >= 90:
        return True
    shorter, longer = sorted((set(words_a), set(words_b)), key=len)
    return any(len(word) >= 3 and word.isalpha() for word in shorter) and shorter <= longer


def _street_start(address: str) -> tuple:
    """The first number of an address and the word after it: ("2355", "peachtree")."""
    words = address.split()
    for index, word in enumerate(words):
        if word.isdigit():
            following = words[index + 1] if index + 1 < len(words) else ""
            return word, following if following.isalpha() and len(following) >= 3 else ""
    return None, ""


def _equal_levels(left, right, key, near=None) -> np.ndarray:
    """exact / (a near level computed by ``near``) / different, NULL when either side is empty."""
    a_arr = np.array(_strings(left, key), dtype=object)
    b_arr = np.array(_strings(right, key), dtype=object)
    null = (a_arr == "") | (b_arr == "")
    top = 2 if near is not None else 1
    conditions, values = [null, a_arr == b_arr], [NULL, top]
    if near is not None:
        conditions.append(near(_strings(left, key), _strings(right, key)))
        values.append(1)
    return np.select(conditions, values, default=0)


def _same_area(a: list[str], b: list[str]) -> np.ndarray:
    return np.array([x[:2] == y[:2] for x, y in zip(a, b, strict=True)], dtype=bool)


def _similar_city(a: list[str], b: list[str]) -> np.ndarray:
    return _similarity(a, b, JaroWinkler.normalized_similarity) >= 0.92


def _one_digit(a: list[str], b: list[str]) -> np.ndarray:
    if not a:
        return np.zeros(0, dtype=bool)
    return process.cpdist(a, b, scorer=Levenshtein.distance, workers=1) <= 1


def comparison_levels(left: list[dict], right: list[dict]) -> np.ndarray:
    """The level of every field for each pair (``left[i]``, ``right[i]``) of prepared records: (n, fields)."""
    n = len(left)
    levels = np.full((n, len(FIELDS)), NULL, dtype=np.int8)
    if not n:
        return levels
    levels[:, FIELDS.index("name")] = _name_levels(left, right)
    levels[:, NUMBERS] = [
        NULL
        if not x["name_numbers"] or not y["name_numbers"]
        else int(x["name_numbers"] == y["name_numbers"])
        for x, y in zip(left, right, strict=True)
    ]
    levels[:, FIELDS.index("address")] = _address_levels(left, right)
    levels[:, FIELDS.index("postal_code")] = _equal_levels(left, right, "postal_code", _same_area)
    levels[:, FIELDS.index("city")] = _equal_levels(left, right, "city", _similar_city)
    levels[:, FIELDS.index("phone")] = _equal_levels(left, right, "phone", _one_digit)
    levels[:, FIELDS.index("country")] = _equal_levels(left, right, "country")
    domains = []
    for x, y in zip(left, right, strict=True):
        if not x["domains"] or not y["domains"]:
            domains.append(NULL)
        else:
            domains.append(1 if x["domains"] & y["domains"] else 0)
    levels[:, FIELDS.index("domain")] = domains
    return levels


def tf_adjustment(weights: Weights, name_frequency: np.ndarray) -> np.ndarray:
    """Bits added to an exact name for its frequency: log2(u_exact / frequency of the name in the base)."""
    frequency = np.maximum(name_frequency, PROBABILITY_FLOOR)
    return np.log2(weights.u[NAME, NAME_EXACT] / frequency)


@dataclass
class Scored:
    scores: np.ndarray  # match probability per pair
    levels: np.ndarray  # (n, fields)
    bits: np.ndarray  # (n, fields): the weight of each field, tf adjustment included
    tf_bits: np.ndarray  # (n,): the name frequency part of the name's weight
    identity: list  # per pair: ("siren" | "vat_number", "match" | "different") or None
    name_only: np.ndarray  # per pair: the same or nearly the same name and nothing else to compare


def score_pairs(left: list[dict], right: list[dict], weights: Weights, name_frequency=None) -> Scored:
    """Scores the pairs of prepared records; ``name_frequency`` is the share of the base holding the right
    record's exact name (NaN or missing: the plain exact-name weight)."""
    levels = comparison_levels(left, right)
    n = len(left)
    rows = np.arange(len(FIELDS))
    bits = np.where(levels == NULL, 0.0, weights.table[rows, np.maximum(levels, 0)])
    tf_bits = np.zeros(n)
    if name_frequency is not None and n:
        frequency = np.asarray(name_frequency, dtype=float)
        known = (levels[:, NAME] == NAME_EXACT) & ~np.isnan(frequency)
        tf_bits = np.where(known, tf_adjustment(weights, np.nan_to_num(frequency, nan=1.0)), 0.0)
    base = max(weights.base_size or DEFAULT_BASE_SIZE, 2)
    total = bits.sum(axis=1) + tf_bits - math.log2(base - 1)
    scores = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
    # Two different names (or names with different numbers) are never "same" on the other fields alone:
    # two shops of one building share its address and switchboard. A channel manager looks at them.
    unlike = (levels[:, NAME] == 0) | (levels[:, NUMBERS] == 0)
    scores = np.where(unlike, np.minimum(scores, SAME_THRESHOLD * 0.999), scores)
    # A customer known by its name alone (imported with nothing else) cannot be told from a namesake, so it
    # is never "same" on the name; but the same name, unchallenged, is never let through unseen either.
    name_only = (levels[:, NAME] >= NAME_CLOSE) & (levels[:, NUMBERS] != 0)
    name_only &= (levels[:, LOCATING] == NULL).all(axis=1)
    scores = np.where(name_only, np.clip(scores, POSSIBLE_THRESHOLD, SAME_THRESHOLD * 0.999), scores)
    identity = []
    for index, (x, y) in enumerate(zip(left, right, strict=True)):
        outcome = None
        for key, label in (("siren", "siren"), ("vat", "vat_number")):
            if x[key] and y[key]:
                if x[key] == y[key]:
                    outcome = (label, "match")
                    break
                outcome = (label, "different")
        if outcome and outcome[1] == "match":
            scores[index] = 1.0
        elif outcome:
            # Two different legal entities: at most a "possible" (e.g. two branches of one group).
            scores[index] = min(scores[index], POSSIBLE_THRESHOLD * 0.999)
        identity.append(outcome)
    return Scored(scores, levels, bits, tf_bits, identity, name_only)


def level_for(score: float) -> str:
    if score >= SAME_THRESHOLD:
        return MatchLevel.SAME
    if score >= POSSIBLE_THRESHOLD:
        return MatchLevel.POSSIBLE
    return MatchLevel.DISTINCT


@dataclass
class Evidence:
    """One field's part of a score, in words: what was compared, the outcome and what it weighs."""

    field: str
    outcome: str  # "match", "similar", "different"
    similarity: float  # kept for the stored evidence: 1 for a match, 0 for a difference
    detail: str = ""
    level: str = ""
    weight: float = 0.0
    text: str = ""

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "outcome": self.outcome,
            "similarity": round(self.similarity, 3),
            "detail": self.detail,
            "level": self.level,
            "weight": round(self.weight, 2),
            "text": self.text,
        }


def _outcome(field_name: str, level: str) -> tuple[str, float]:
    if level == "exact":
        return "match", 1.0
    if level in ("close", "similar", "same_street", "same_area", "one_digit", "contained"):
        return "similar", 0.5
    return "different", 0.0


def explain(scored: Scored, index: int) -> list[Evidence]:
    """The evidence of pair ``index``, strongest first, each field in words with its weight in bits."""
    identity = scored.identity[index]
    if identity and identity[1] == "match":
        return [
            Evidence(identity[0], "match", 1.0, level="exact", weight=0.0, text=str(_("Same identifier")))
        ]
    evidence = []
    if identity:
        evidence.append(
            Evidence(identity[0], "different", 0.0, level="different", text=str(_("Different identifiers")))
        )
    for f, name in enumerate(FIELDS):
        level = int(scored.levels[index, f])
        if level == NULL:
            continue
        label = FIELD_LEVELS[name][level]
        weight = float(scored.bits[index, f])
        text = str(LEVEL_TEXTS[(name, label)])
        if f == NAME and scored.tf_bits[index]:
            weight += float(scored.tf_bits[index])
            text += " (" + str(COMMON_NAME_TEXT if scored.tf_bits[index] < 0 else RARE_NAME_TEXT) + ")"
        outcome, similarity = _outcome(name, label)
        evidence.append(Evidence(name, outcome, similarity, level=label, weight=weight, text=text))
    fields = evidence[1:] if identity else evidence
    fields.sort(key=lambda e: -abs(e.weight))
    if scored.name_only[index] and not identity:
        fields.append(Evidence("name_only", "similar", 0.5, level="name_only", text=str(NAME_ONLY_TEXT)))
    return evidence[:1] + fields if identity else fields


def describe(item: dict) -> str:
    """A stored evidence item in words, in the reader's language (stored items keep field and level)."""
    key = (item.get("field"), item.get("level"))
    if key in LEVEL_TEXTS:
        return str(LEVEL_TEXTS[key])
    if item.get("field") == "name_only":
        return str(NAME_ONLY_TEXT)
    if item.get("field") in ("siren", "vat_number"):
        return str(_("Same identifier") if item.get("outcome") == "match" else _("Different identifiers"))
    # An item of another version: its own text, else the field's name; never an internal name.
    return item.get("text") or str(FIELD_LABELS.get(item.get("field"), "")) or "—"
