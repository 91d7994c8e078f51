"""Blocking: which stored customers a record is compared with, read through an index of keys.

Every customer has keys (``CustomerKey``, indexed) derived from its fields; a check reads only the
customers sharing a key with the record. The keys are chosen so that a true duplicate shares at least one
of them whatever the usual damage to its spelling:

- each word of the name and each of its one-letter deletions (``d:``): a word and the same word with one
  letter inserted, deleted or changed always share one of these, so one typo per word leaves a key;
- a phonetic code of each word (``f:``), the squashed name (``k:``), the name in its city in any word order
  (``c:``), its sound in its city (``q:``), with one word reduced to its initial (``o:``) or to its
  initial and length (``l:``), the start of each word in its postcode (``z:``);
- the identifiers, web and e-mail domains and the phone number (``s:``, ``v:``, ``w:``, ``p:``), the street
  number with each street word and in its postcode (``a:``, ``n:``, ``y:``).

A key shared by more than ``KEY_FREQUENCY_CAP`` customers says little about which company it is: it is
dropped whole (never a random part of it). The remaining candidates are ranked by the rarity of the keys
they share (sum of 1 / customers per key, identity keys counting ten times more), and only then is the list
cut at ``MAX_CANDIDATES``.
"""

import hashlib
from collections import defaultdict

from django.db import connections, router, transaction
from django.db.models import Count

from meute.core.models import fold

from .models import Customer, CustomerKey
from .records import _NON_WORD, Record

MAX_KEY = 40
MAX_TOKENS = 4
KEY_FREQUENCY_CAP = 200
MAX_CANDIDATES = 60
IDENTITY_PREFIXES = ("s:", "v:", "w:", "p:")
IDENTITY_WEIGHT = 10.0

CUSTOMER_FIELDS = (
    "id",
    "uuid",
    "name",
    "name_key",
    "siren",
    "vat_number",
    "website_domain",
    "email_domain",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "is_direct_account",
    "sector_id",
)


def phonetic(word: str) -> str:
    """A sound code of a folded word (French and English spellings): "menuiserie" = "menuizerie" = "mnsr".

    Written here because the phonetic codes of the usual libraries (Soundex, Metaphone) are built for
    English names and keep only a first letter and three digits, which joins far too many French names.
    """
    w = fold(word)
    for old, new in (
        ("ph", "f"),
        ("qu", "k"),
        ("ck", "k"),
        ("sch", "ch"),
        ("gu", "g"),
        ("x", "ks"),
        ("z", "s"),
        ("w", "v"),
        ("y", "i"),
        ("eau", "o"),
        ("au", "o"),
        ("ou", "u"),
    ):
        w = w.replace(old, new)
    out = []
    for index, ch in enumerate(w):
        nxt = w[index + 1] if index + 1 < len(w) else ""
        if ch == "c":
            ch = "s" if nxt in ("e", "i") else "k"
        elif ch == "q":
            ch = "k"
        elif ch == "g" and nxt in ("e", "i"):
            ch = "j"
        elif ch == "h":
            continue
        if index and ch in "aeiou":
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    # Silent French endings: "menuiseries" / "menuiserie", "transport" / "transports".
    while len(out) > 2 and out[-1] in ("s", "t", "d", "e"):
        out.pop()
    return "".join(out)


def _place(city: str) -> str:
    return city.replace(" ", "")[:10]


def blocking_keys(record: Record) -> list[str]:
    """The index keys of a record (see the module's docstring)."""
    p = record.prepared()
    keys = []
    if p["siren"]:
        keys.append("s:" + p["siren"])
    if p["vat"]:
        keys.append("v:" + p["vat"])
    for domain in sorted(p["domains"]):
        keys.append("w:" + domain[: MAX_KEY - 2])
    if p["phone"]:
        keys.append("p:" + p["phone"])
    tokens = p["name_key"].split()[:MAX_TOKENS]
    place = _place(p["city"])
    if tokens and place:
        ordered = sorted(tokens)
        keys.append(f"c:{''.join(ordered)[:26]}|{place}")
        # The name's sound in its city: a typo that keeps the sound of every word keeps this key.
        keys.append(f"q:{''.join(sorted(phonetic(t) for t in tokens))[:26]}|{place}")
        if len(ordered) > 1:
            for index, token in enumerate(ordered):
                others = "".join(ordered[:index] + ordered[index + 1 :])[:24]
                keys.append(f"o:{others}|{token[0]}|{place}")
                # The same with the word's length: a letter changed inside a short word keeps it, where the
                # initial alone is shared by too many names of a common activity in a large city.
                keys.append(f"l:{others}|{token[0]}{len(token)}|{place}")
    postcode = _NON_WORD.sub("", p["postal_code"].lower())[:10]
    for token in tokens:
        keys.append("d:" + token[: MAX_KEY - 2])
        if 4 <= len(token) <= MAX_KEY - 2:
            keys.extend("d:" + token[:i] + token[i + 1 :] for i in range(len(token)))
        if len(token) >= 3:
            keys.append("f:" + phonetic(token)[: MAX_KEY - 2])
        if postcode and len(token) >= 2:
            keys.append(f"z:{postcode}|{token[:3]}")
    if len(tokens) > 1:
        keys.append("k:" + "".join(tokens)[: MAX_KEY - 2])
    keys += _address_keys(p["address"], postcode)
    return list(dict.fromkeys(keys))


def _address_keys(address: str, postcode: str) -> list[str]:
    """The street number with the start of each street word ("12 rue de la Paix": "a:12|paix"...), the
    street number and each street word in its postcode ("n:75002|12", "y:75002|paix"): an address
    survives a typo in any one word, or another number."""
    words = address.split()
    streets = [w for w in words if w.isalpha() and len(w) >= 3][:MAX_TOKENS]
    keys = [f"y:{postcode}|{w[:4]}" for w in streets] if postcode else []
    numbers = [w for w in words if w.isdigit()]
    if not numbers:
        return keys
    number = numbers[0][:8]
    keys += [f"a:{number}|{w[:4]}" for w in streets]
    if postcode:
        keys.append(f"n:{postcode}|{number}")
    return keys


def customer_record(customer) -> Record:
    return Record(
        name=customer.name,
        siren=customer.siren,
        vat_number=customer.vat_number,
        website=customer.website_domain,
        email_domain=customer.email_domain,
        address=customer.address,
        postal_code=customer.postal_code,
        city=customer.city,
        country=str(customer.country or ""),
        phone=customer.phone,
    )


def write_keys(customer) -> None:
    """(Re)write the blocking keys of one saved customer."""
    keys = blocking_keys(customer_record(customer))
    CustomerKey.objects.filter(customer=customer).exclude(key__in=keys).delete()
    existing = set(CustomerKey.objects.filter(customer=customer).values_list("key", flat=True))
    CustomerKey.objects.bulk_create(
        [CustomerKey(customer=customer, key=k) for k in keys if k not in existing]
    )


def rewrite_all_keys(batch_size: int = 2000) -> int:
    """Rewrite the blocking keys of every customer (after the key scheme changed); returns the count.

    Batch by batch, each in its own transaction, so that a large base does not hold one long lock.
    """
    count, last_id = 0, 0
    while True:
        customers = list(Customer.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not customers:
            return count
        with transaction.atomic():
            CustomerKey.objects.filter(customer__in=customers).delete()
            CustomerKey.objects.bulk_create(
                [
                    CustomerKey(customer=customer, key=key)
                    for customer in customers
                    for key in blocking_keys(customer_record(customer))
                ],
                batch_size=5000,
            )
        count += len(customers)
        last_id = customers[-1].pk


def _key_weight(key: str) -> float:
    return IDENTITY_WEIGHT if key.startswith(IDENTITY_PREFIXES) else 1.0


def candidate_query(connection, keys: list[str], limit: int) -> tuple[str, list]:
    quote = connection.ops.quote_name
    key_table = quote(CustomerKey._meta.db_table)
    customer_table = quote(Customer._meta.db_table)
    parts, params = [], []
    for index, key in enumerate(keys):
        parts.append(
            f"SELECT {index} AS k, {_key_weight(key)} AS w, customer_id FROM "  # noqa: S608
            f"(SELECT customer_id FROM {key_table} WHERE {quote('key')} = %s LIMIT %s) AS k{index}"
        )
        params += [key, KEY_FREQUENCY_CAP + 1]
    columns = ", ".join(f"c.{quote(name)}" for name in CUSTOMER_FIELDS)
    sql = (
        f"WITH hits AS ({' UNION ALL '.join(parts)}), "  # noqa: S608
        "sizes AS (SELECT k, COUNT(*) AS n FROM hits GROUP BY k), "
        "ranked AS (SELECT h.customer_id, SUM(h.w / s.n) AS rank FROM hits h JOIN sizes s ON s.k = h.k "
        f"WHERE s.n <= {KEY_FREQUENCY_CAP} GROUP BY h.customer_id "
        "ORDER BY rank DESC, h.customer_id LIMIT %s) "
        f"SELECT {columns}, r.rank FROM ranked r JOIN {customer_table} c ON c.id = r.customer_id "
        "ORDER BY r.rank DESC, c.id"
    )
    params.append(limit)
    return sql, params


def find_candidates(record: Record, limit: int = MAX_CANDIDATES, stop_keys=frozenset()) -> list[dict]:
    """The customers sharing a useful key with ``record``, best-ranked first, at most ``limit``.

    ``stop_keys`` are the keys the last training found over the cap: they are not read at all. One query:
    each other key reads at most KEY_FREQUENCY_CAP + 1 index rows (so a key grown common since is
    recognised as such at little cost), keys found over the cap are dropped, the rest rank the customers.
    """
    keys = [key for key in blocking_keys(record) if key not in stop_keys]
    if not keys:
        return []
    connection = connections[router.db_for_read(CustomerKey)]
    sql, params = candidate_query(connection, keys, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = [*CUSTOMER_FIELDS, "rank"]
    candidates = [dict(zip(names, row, strict=True)) for row in rows]
    # Raw rows carry the uuid as stored (bare hexadecimal on SQLite): read it as the model does.
    to_uuid = Customer._meta.get_field("uuid").to_python
    for candidate in candidates:
        candidate["uuid"] = to_uuid(candidate["uuid"])
    return candidates


def stop_keys() -> list[str]:
    """The keys held by more than KEY_FREQUENCY_CAP customers (one pass over the index: a batch job)."""
    return list(
        CustomerKey.objects.values("key")
        .annotate(holders=Count("customer_id"))
        .filter(holders__gt=KEY_FREQUENCY_CAP)
        .order_by("key")
        .values_list("key", flat=True)
    )


def lock_numbers(record: Record, customer_ids=()) -> list[int]:
    """64-bit lock numbers of a record's keys and of the customers it matched, in one fixed order.

    Two records that could find each other share at least one key (that is how candidates are found), so
    two transactions holding these locks never resolve the same company at the same time.
    """
    names = [f"meute.deals.key:{key}" for key in blocking_keys(record)]
    names += [f"meute.deals.customer:{customer_id}" for customer_id in customer_ids]
    numbers = {
        int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
        for name in names
    }
    return sorted(numbers)


class MemoryBlocker:
    """The same blocking over records held in memory (evaluation and training), with the same caps."""

    def __init__(self, records: list[Record]):
        self.keys = [blocking_keys(record) for record in records]
        self.index: dict[str, list[int]] = defaultdict(list)
        for position, keys in enumerate(self.keys):
            for key in keys:
                self.index[key].append(position)

    def candidates(self, position: int, limit: int = MAX_CANDIDATES) -> list[int]:
        ranks: dict[int, float] = defaultdict(float)
        for key in self.keys[position]:
            holders = self.index[key]
            others = len(holders) - 1
            if others <= 0 or others > KEY_FREQUENCY_CAP:
                continue
            weight = _key_weight(key) / others
            for other in holders:
                if other != position:
                    ranks[other] += weight
        ordered = sorted(ranks, key=lambda other: (-ranks[other], other))
        return ordered[:limit]

    def pairs(self, limit: int = MAX_CANDIDATES) -> set[tuple[int, int]]:
        found = set()
        for position in range(len(self.keys)):
            for other in self.candidates(position, limit):
                found.add((min(position, other), max(position, other)))
        return found
