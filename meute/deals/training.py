"""Learning the matcher's weights from the operator's own customers, without labels, and keeping versions.

As Splink does for Fellegi–Sunter models:

- ``u`` (how often two unrelated companies agree at a level) is counted on random pairs of records: almost
  all random pairs are two different companies;
- ``m`` (how often two records of the same company agree at a level) is estimated by
  expectation-maximisation on the pairs blocking finds, ``u`` held fixed. A field used to find the pairs
  agrees by construction, so its ``m`` cannot be learnt from them: a first round blocks on the name and
  learns every other field, a second round blocks on the phone, the domains and the postal code and learns
  the name.

The records are the customers plus every registration as its partner typed it (several partners spelling
one company differently are the duplicates EM learns from). A field the data cannot inform (too few pairs,
or agreement that would not favour the same company) keeps its previous values, and the notes say so.
``retrain`` stores the result as a new version in force, with the blocking keys grown too common to read
and the base's size (name frequencies are shares of it); ``weights_in_force`` is what checks use.
"""

import random
import threading
import time
from collections import defaultdict

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from . import blocking, evidence
from .evidence import FIELD_LEVELS, FIELDS, MAX_LEVELS, NULL, Weights
from .models import Customer, DealRegistration, MatcherWeights
from .records import Record

RANDOM_PAIRS = 200_000
MAX_TRAINING_RECORDS = 200_000
MAX_GROUP = 50
MIN_PAIRS = 30
EM_ITERATIONS = 40
SMOOTHING = 1.0
CACHE_SECONDS = 60

NAME_PREFIXES = ("d:", "f:", "k:", "c:", "o:", "l:")


# --------------------------------------------------------------------------------------------------
# Estimation (pure: records in, parameters out)
# --------------------------------------------------------------------------------------------------


def _levels_of(prepared: list[dict], pairs: list[tuple[int, int]]) -> np.ndarray:
    if not pairs:
        return np.zeros((0, len(FIELDS)), dtype=np.int8)
    left = [prepared[i] for i, _j in pairs]
    right = [prepared[j] for _i, j in pairs]
    return evidence.comparison_levels(left, right)


def _frequencies(levels: np.ndarray, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """Per field and level, the (weighted) count of pairs at that level, and the field's non-null total."""
    counts = np.zeros((len(FIELDS), MAX_LEVELS))
    if weights is None:
        weights = np.ones(len(levels))
    for f in range(len(FIELDS)):
        column = levels[:, f]
        present = column != NULL
        counts[f] = np.bincount(column[present], weights=weights[present], minlength=MAX_LEVELS)[:MAX_LEVELS]
    return counts, counts.sum(axis=1)


def random_pairs(n: int, count: int, rng: random.Random) -> list[tuple[int, int]]:
    if n < 2:
        return []
    total = n * (n - 1) // 2
    if total <= count:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    pairs = set()
    while len(pairs) < count:
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            pairs.add((min(i, j), max(i, j)))
    return list(pairs)


def estimate_u(prepared: list[dict], rng: random.Random) -> tuple[np.ndarray, int]:
    levels = _levels_of(prepared, random_pairs(len(prepared), RANDOM_PAIRS, rng))
    counts, totals = _frequencies(levels)
    sizes = np.array([len(FIELD_LEVELS[name]) for name in FIELDS])
    u = (counts + SMOOTHING * 0.01) / (totals[:, None] + SMOOTHING * 0.01 * sizes[:, None])
    return u, len(levels)


def em(levels: np.ndarray, m: np.ndarray, u: np.ndarray, prior: float = 0.1) -> tuple[np.ndarray, float]:
    """Expectation-maximisation of ``m`` and the share of matches among ``levels``, ``u`` held fixed."""
    log_u = np.log(np.maximum(u, evidence.PROBABILITY_FLOOR))
    rows = np.arange(len(FIELDS))
    safe = np.maximum(levels, 0)
    present = levels != NULL
    for _iteration in range(EM_ITERATIONS):
        log_m = np.log(np.maximum(m, evidence.PROBABILITY_FLOOR))
        match = np.where(present, log_m[rows, safe], 0.0).sum(axis=1) + np.log(prior)
        other = np.where(present, log_u[rows, safe], 0.0).sum(axis=1) + np.log(1 - prior)
        probability = 1.0 / (1.0 + np.exp(np.clip(other - match, -50, 50)))
        counts, totals = _frequencies(levels, probability)
        updated = np.where(totals[:, None] > 0, counts / np.maximum(totals[:, None], 1e-12), m)
        prior = float(np.clip(probability.mean(), 1e-6, 1 - 1e-6))
        if np.abs(updated - m).max() < 1e-5:
            m = updated
            break
        m = updated
    return m, prior


def blocked_pairs(prepared: list[dict], keys_of) -> list[tuple[int, int]]:
    """Pairs of records sharing a key given by ``keys_of``; groups over MAX_GROUP records are skipped."""
    groups = defaultdict(list)
    for index, record in enumerate(prepared):
        for key in keys_of(record):
            groups[key].append(index)
    pairs = set()
    for members in groups.values():
        if 1 < len(members) <= MAX_GROUP:
            for a in range(len(members)):
                for b in range(a + 1, len(members)):
                    pairs.add((members[a], members[b]))
    return sorted(pairs)


def _name_keys(blocking_keys_by_index):
    def keys_of(record):
        return [k for k in blocking_keys_by_index[record["_index"]] if k.startswith(NAME_PREFIXES)]

    return keys_of


def _other_keys(record) -> list[str]:
    keys = []
    if record["phone"]:
        keys.append("p:" + record["phone"])
    keys += ["w:" + domain for domain in record["domains"]]
    if record["postal_code"]:
        keys.append("z:" + record["postal_code"])
    return keys


# Below this share of matches agreeing exactly, EM has latched onto something other than the matches
# (a cluster of one city, say): a known failure of unsupervised training on few duplicates.
MIN_EXACT_AGREEMENT = 0.2


def _sane(field_index: int, m: np.ndarray, u: np.ndarray) -> bool:
    """The top level (exact agreement) must favour the same company, plausibly often, and the lowest not."""
    top = len(FIELD_LEVELS[FIELDS[field_index]]) - 1
    return (
        m[field_index, top] > u[field_index, top]
        and m[field_index, top] >= MIN_EXACT_AGREEMENT
        and m[field_index, 0] < u[field_index, 0]
    )


def estimate(records: list[Record], previous: Weights | None = None, seed: int = 0) -> dict:
    """New parameters learnt from ``records``; fields the data cannot inform keep ``previous``'s values."""
    previous = previous or Weights.default()
    rng = random.Random(seed)
    prepared = []
    keys_by_index = []
    for index, record in enumerate(records):
        values = dict(record.prepared())
        values["_index"] = index
        prepared.append(values)
        keys_by_index.append(blocking.blocking_keys(record))
    u, random_count = estimate_u(prepared, rng)
    m = previous.m.copy()
    notes = []
    learnt = {}
    rounds = (
        (blocked_pairs(prepared, _name_keys(keys_by_index)), [f for f in FIELDS if f != "name"]),
        (blocked_pairs(prepared, _other_keys), ["name"]),
    )
    pairs_used = 0
    for pairs, fields in rounds:
        pairs_used += len(pairs)
        if len(pairs) < MIN_PAIRS:
            notes.append(
                _("Too few pairs (%(count)s) to learn: %(fields)s.")
                % {"count": len(pairs), "fields": ", ".join(fields)}
            )
            continue
        estimated, _share = em(_levels_of(prepared, pairs), previous.m.copy(), u)
        for name in fields:
            f = FIELDS.index(name)
            if _sane(f, estimated, u):
                m[f] = estimated[f]
                learnt[name] = True
            else:
                notes.append(
                    _("%(field)s: the data does not inform it, previous values kept.") % {"field": name}
                )
    parameters = {}
    for f, name in enumerate(FIELDS):
        use_u = u[f] if random_count else previous.u[f]
        parameters[name] = {
            label: [round(float(m[f, level]), 8), round(float(use_u[level]), 8)]
            for level, label in enumerate(FIELD_LEVELS[name])
        }
    return {
        "parameters": parameters,
        "records_used": len(records),
        "pairs_used": pairs_used + random_count,
        "notes": " ".join(str(note) for note in notes),
        "learnt": sorted(learnt),
    }


# --------------------------------------------------------------------------------------------------
# The operator's base, versions in force
# --------------------------------------------------------------------------------------------------


def training_records(limit: int = MAX_TRAINING_RECORDS, seed: int = 0) -> list[Record]:
    """The customers and the registrations as typed (with the contact's phone and e-mail domain)."""
    records = []
    customers = Customer.objects.order_by("?" if Customer.objects.count() > limit else "id").values(
        "name",
        "siren",
        "vat_number",
        "website_domain",
        "email_domain",
        "phone",
        "address",
        "postal_code",
        "city",
        "country",
    )
    for values in customers[:limit]:
        records.append(Record.from_customer_values(values))
    deals = DealRegistration.objects.exclude(customer_as_registered={}).values_list(
        "customer_as_registered", "contact_phone", "contact_email"
    )
    for typed, phone, email in deals.order_by("-id")[:limit]:
        if not typed.get("name"):
            continue
        record = Record.from_customer_values(typed)
        record.phone = record.phone or phone
        record.email = email
        records.append(record)
    return records


_cache: dict = {"weights": None, "loaded": 0.0}
_lock = threading.Lock()


def weights_in_force() -> Weights:
    """The active version's weights (built-in defaults when none was trained), cached for a minute."""
    with _lock:
        cached = _cache["weights"]
        if cached is not None and time.monotonic() - _cache["loaded"] < CACHE_SECONDS:
            return cached
    active = MatcherWeights.objects.filter(is_active=True).first()
    if active is None:
        weights = Weights.default()
    else:
        weights = Weights(
            active.parameters,
            version=active.version,
            base_size=active.base_size,
            stop_keys=frozenset(active.stop_keys),
        )
    with _lock:
        _cache.update(weights=weights, loaded=time.monotonic())
    return weights


def forget_cached_weights() -> None:
    with _lock:
        _cache.update(weights=None, loaded=0.0)


def retrain(user=None, *, limit: int = MAX_TRAINING_RECORDS, seed: int = 0) -> MatcherWeights:
    """Learn new weights from the base and put them in force as the next version."""
    records = training_records(limit, seed)
    result = estimate(records, weights_in_force(), seed)
    common = blocking.stop_keys()
    with transaction.atomic():
        MatcherWeights.objects.select_for_update().filter(is_active=True).update(is_active=False)
        last = MatcherWeights.objects.aggregate(last=Max("version"))["last"] or 0
        version = MatcherWeights.objects.create(
            version=last + 1,
            parameters=result["parameters"],
            base_size=Customer.objects.count(),
            stop_keys=common,
            records_used=result["records_used"],
            pairs_used=result["pairs_used"],
            notes=result["notes"],
            trained_by=user,
            is_active=True,
        )
    forget_cached_weights()
    return version
