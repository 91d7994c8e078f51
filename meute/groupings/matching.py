"""Matchmaking between members: who could work with whom, and why.

Two families of reasons, each with the values that matched:

- complementarity: one offers what the other looks for (both ways), skills the other lacks, offers that
  complete each other rather than compete;
- affinity: shared target sectors, territories and client types, compatible ambitions, and ambitions
  written in similar words.

Free text is compared with character 3-gram TF-IDF over accent- and case-folded text, which works the same
for French and English and needs no language model. Words are reduced to a 6-letter stem
("développement", "developer" → "develo") to build term sets.

Performance: every visible profile stores its blocking keys (``ProfileKey``) when saved: its sectors and
territories, and per target sector the stems it offers and the stems it looks for. A request for one member
reads, in one grouped index scan, the few hundred profiles that offer what it looks for, or look for what it
offers, in one of its sectors (short posting lists), topped up if needed with profiles sharing a sector or a
territory (``CANDIDATES``); only those are scored in Python. Profiles not opted in to matchmaking have no
keys, so they are never proposed.
"""

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from meute.core.models import Sector, Territory, fold
from meute.groupings.choices import Ambition, Availability, ClientType, ProposalStatus

from .models import MatchProposal, MemberProfile, ProfileKey

CANDIDATES = 300  # profiles read per request
RESCORED = 60  # of which fully scored (with text similarity)
STEM_LENGTH = 6
MAX_GIVE_STEMS = 24
MAX_WANT_STEMS = 16
MAX_KEY_STEMS = 16
TEXT_SIMILARITY_THRESHOLD = 0.15

_STOPWORDS_TEXT = """
a au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un
une vos votre vous est sont etre avoir plus tres tout tous toute toutes afin ainsi comme chez entre
aussi an and are as at be by for from has have in into is it its of on or our that the their them
they this to was we were will with you your who what which all any can more most other some such
than very
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+")

# Ambitions in order of integration: two members are compatible when their highest ambitions are close.
AMBITION_LEVEL = {value: level for level, value in enumerate(Ambition.values)}
# Choice values and labels read once: ``TextChoices.values`` walks the enum on every access.
CLIENT_TYPES = dict(ClientType.choices)
AMBITIONS = dict(Ambition.choices)


# --------------------------------------------------------------------------------------- text utilities


def stems(text: str) -> list[str]:
    """Folded, stop-word-free 6-letter stems of ``text``, in order of first appearance, without repeats."""
    seen = {}
    for word in _WORD.findall(fold(text)):
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        seen.setdefault(word[:STEM_LENGTH], None)
    return list(seen)


def grams(text: str) -> frozenset:
    """Character 3-grams of the folded text, words padded with spaces (binary term frequency)."""
    folded = " " + " ".join(_WORD.findall(fold(text))) + " "
    if len(folded) < 4:
        return frozenset()
    return frozenset(folded[i : i + 3] for i in range(len(folded) - 2))


def idf_weights(documents: list[frozenset]) -> dict:
    """Squared smoothed inverse document frequency of every 3-gram over ``documents``."""
    counts = Counter()
    for document in documents:
        counts.update(document)
    total = len(documents) + 1
    return {gram: (math.log(total / (count + 1)) + 1.0) ** 2 for gram, count in counts.items()}


def _ones(count: int):
    return itertools.repeat(1.0, count)


class Cosine:
    """TF-IDF cosine of 3-gram sets (binary term frequency), with each document's norm computed once."""

    def __init__(self, idf: dict):
        self.idf = idf
        self.norms = {}

    def norm(self, document: frozenset) -> float:
        key = id(document)
        if key not in self.norms:
            idf = self.idf
            self.norms[key] = (document, math.sqrt(sum(map(idf.get, document, _ones(len(document))))))
        return self.norms[key][1]

    def __call__(self, a: frozenset, b: frozenset) -> float:
        if not a or not b:
            return 0.0
        shared = a & b
        if not shared:
            return 0.0
        return sum(map(self.idf.get, shared, _ones(len(shared)))) / (self.norm(a) * self.norm(b))


def cosine(a: frozenset, b: frozenset, idf: dict) -> float:
    return Cosine(idf)(a, b)


def text_similarity(a: str, b: str) -> float:
    """Similarity of two free texts on their own (IDF over the two texts), between 0 and 1."""
    ga, gb = grams(a), grams(b)
    return cosine(ga, gb, idf_weights([ga, gb]))


# ------------------------------------------------------------------------------------------- indexing


def give_text(skills, offers, bringing) -> str:
    return " ".join([*(offers or []), *(skills or []), bringing or ""])


def build_index(profile) -> dict:
    """The folded term sets of a profile, stored on it (``match_index``) and used by the scorer."""
    return {
        "skills": sorted({fold(s).strip() for s in profile.skills or [] if s.strip()}),
        "offers": sorted({fold(s).strip() for s in profile.offers or [] if s.strip()}),
        "give": stems(give_text(profile.skills, profile.offers, profile.bringing))[:MAX_GIVE_STEMS],
        "want": stems(profile.looking_for)[:MAX_WANT_STEMS],
    }


def build_keys(index: dict, sector_ids, territory_ids) -> list[str]:
    """Blocking keys: its sectors and territories, and, per target sector, the stems it
    offers ("gs:<sector>:<stem>") and the stems it looks for ("ws:<sector>:<stem>")."""
    sector_ids, territory_ids = sorted(set(sector_ids)), sorted(set(territory_ids))
    keys = [f"s:{pk}" for pk in sector_ids] + [f"t:{pk}" for pk in territory_ids]
    for pk in sector_ids:
        keys += [f"gs:{pk}:{stem}" for stem in index.get("give", [])[:MAX_KEY_STEMS]]
        keys += [f"ws:{pk}:{stem}" for stem in index.get("want", [])[:MAX_KEY_STEMS]]
    return keys


def query_keys(index: dict, sector_ids, territory_ids) -> tuple[list[str], list[str]]:
    """Keys of the profiles worth scoring for this one. First the complements in a shared sector (they
    give what it wants, or want what it gives: short posting lists), then, to fill up, any profile sharing
    a sector or a territory."""
    primary = []
    for pk in sorted(set(sector_ids)):
        primary += [f"gs:{pk}:{stem}" for stem in index.get("want", [])[:MAX_KEY_STEMS]]
        primary += [f"ws:{pk}:{stem}" for stem in index.get("give", [])[:MAX_KEY_STEMS]]
    fallback = [f"s:{pk}" for pk in sorted(set(sector_ids))] + [
        f"t:{pk}" for pk in sorted(set(territory_ids))
    ]
    return primary, fallback


@transaction.atomic
def reindex(profile: MemberProfile) -> None:
    """Recompute a profile's term sets and blocking keys (after a save or a change of sectors/territories)."""
    index = build_index(profile)
    if index != profile.match_index:
        profile.match_index = index
        MemberProfile.objects.filter(pk=profile.pk).update(match_index=index)
    ProfileKey.objects.filter(profile=profile).delete()
    if not profile.is_visible:
        return
    sector_ids = list(profile.sectors.values_list("pk", flat=True))
    territory_ids = list(profile.territories.values_list("pk", flat=True))
    ProfileKey.objects.bulk_create(
        [ProfileKey(profile=profile, key=key) for key in build_keys(index, sector_ids, territory_ids)]
    )


# -------------------------------------------------------------------------------------------- scoring

REASON_LABELS = {
    "offers_what_you_look_for": _("Offers what you look for"),
    "looks_for_what_you_offer": _("Looks for what you offer"),
    "skills_you_lack": _("Has skills you lack"),
    "complementary_offers": _("Complementary offers"),
    "similar_offers": _("Similar offers (possible competitor)"),
    "shared_sectors": _("Shared target sectors"),
    "shared_territories": _("Shared territories"),
    "shared_client_types": _("Same kinds of clients"),
    "compatible_ambitions": _("Compatible ambitions"),
    "similar_ambition_text": _("Ambitions described in similar words"),
    "unavailable": _("Not available at the moment"),
}
COMPLEMENTARITY = frozenset(
    {"offers_what_you_look_for", "looks_for_what_you_offer", "skills_you_lack", "complementary_offers"}
)


@dataclass
class Reason:
    code: str
    values: list
    points: int

    @property
    def label(self) -> str:
        return str(REASON_LABELS.get(self.code, self.code))

    @property
    def family(self) -> str:
        if self.code in COMPLEMENTARITY:
            return "complementarity"
        if self.code in {"similar_offers", "unavailable"}:
            return "caution"
        return "affinity"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "family": self.family,
            "values": [str(v) for v in self.values],
            "points": self.points,
        }


@dataclass
class ProfileData:
    """What the scorer needs of one profile, loaded in a few queries for all candidates."""

    id: int
    organization_id: int
    organization_uuid: object = None
    organization_name: str = ""
    profile_uuid: object = None
    skills: list = field(default_factory=list)
    offers: list = field(default_factory=list)
    client_types: list = field(default_factory=list)
    ambitions: list = field(default_factory=list)
    availability: str = Availability.PART_TIME
    looking_for: str = ""
    bringing: str = ""
    ambition_text: str = ""
    index: dict = field(default_factory=dict)
    sector_ids: set = field(default_factory=set)
    territory_ids: set = field(default_factory=set)

    def __post_init__(self):
        if not self.index:
            self.index = build_index(self)

    # 3-grams are computed only for the profiles that reach the full scoring.
    @cached_property
    def want_grams(self) -> frozenset:
        return grams(self.looking_for)

    @cached_property
    def give_grams(self) -> frozenset:
        return grams(give_text(self.skills, self.offers, self.bringing))

    @cached_property
    def ambition_grams(self) -> frozenset:
        return grams(self.ambition_text)

    @classmethod
    def from_profile(cls, profile: MemberProfile) -> "ProfileData":
        return cls(
            id=profile.pk,
            organization_id=profile.organization_id,
            organization_uuid=profile.organization.uuid,
            organization_name=profile.organization.name,
            profile_uuid=profile.uuid,
            skills=profile.skills,
            offers=profile.offers,
            client_types=profile.client_types,
            ambitions=profile.ambitions,
            availability=profile.availability,
            looking_for=profile.looking_for,
            bringing=profile.bringing,
            ambition_text=profile.ambition_text,
            index=profile.match_index or {},
            sector_ids=set(profile.sectors.values_list("pk", flat=True)),
            territory_ids=set(profile.territories.values_list("pk", flat=True)),
        )


@dataclass
class Suggestion:
    profile: ProfileData
    score: int
    reasons: list[Reason]

    @property
    def organization_name(self):
        return self.profile.organization_name

    def reasons_as_dicts(self) -> list[dict]:
        return [reason.as_dict() for reason in self.reasons]


@lru_cache(maxsize=20000)
def _phrase_stems(phrase: str) -> tuple:
    return tuple(stems(phrase))


@lru_cache(maxsize=20000)
def _folded(phrase: str) -> str:
    return fold(phrase).strip()


def _phrases_with(phrases: list[str], wanted_stems: set) -> list[str]:
    """The original phrases (offers, skills) that contain one of ``wanted_stems``."""
    found = []
    for phrase in phrases:
        if not wanted_stems.isdisjoint(_phrase_stems(phrase)):
            found.append(phrase)
    return found


def score(a: ProfileData, b: ProfileData, idf, names: dict | None = None) -> Suggestion:
    """How well ``b`` suits ``a`` (0–100), with every reason and the values that matched."""
    names = names or {}
    similar = idf if isinstance(idf, Cosine) else Cosine(idf)
    reasons: list[Reason] = []

    # Complementarity: b offers what a looks for.
    b_give = set(b.index.get("give", []))
    shared = [s for s in a.index.get("want", []) if s in b_give]
    similarity = similar(a.want_grams, b.give_grams)
    if shared or similarity >= TEXT_SIMILARITY_THRESHOLD:
        values = _phrases_with([*b.offers, *b.skills], set(shared)) or shared
        points = min(25, 8 * len(shared)) + round(15 * similarity)
        reasons.append(Reason("offers_what_you_look_for", values[:5], points))
    # … and b looks for what a offers.
    a_give = set(a.index.get("give", []))
    shared = [s for s in b.index.get("want", []) if s in a_give]
    similarity = similar(b.want_grams, a.give_grams)
    if shared or similarity >= TEXT_SIMILARITY_THRESHOLD:
        values = _phrases_with([*a.offers, *a.skills], set(shared)) or shared
        points = min(20, 6 * len(shared)) + round(10 * similarity)
        reasons.append(Reason("looks_for_what_you_offer", values[:5], points))
    # Skills b has and a lacks.
    own = set(a.index.get("skills", []))
    lacking = [s for s in b.skills if _folded(s) and _folded(s) not in own]
    if lacking:
        reasons.append(Reason("skills_you_lack", lacking[:4], min(10, 3 * len(lacking))))
    # Offers: complete (different) or compete (the same).
    own = set(a.index.get("offers", []))
    same = [o for o in b.offers if _folded(o) in own]
    different = [o for o in b.offers if _folded(o) not in own]
    if different:
        reasons.append(Reason("complementary_offers", different[:4], min(10, 4 * len(different))))
    if same:
        reasons.append(Reason("similar_offers", same[:4], -min(10, 5 * len(same))))

    # Affinity.
    sectors = sorted(a.sector_ids & b.sector_ids)
    if sectors:
        values = sorted(names.get(("s", pk), str(pk)) for pk in sectors)
        reasons.append(Reason("shared_sectors", values, min(15, 6 * len(sectors))))
    territories = sorted(a.territory_ids & b.territory_ids)
    if territories:
        values = sorted(names.get(("t", pk), str(pk)) for pk in territories)
        reasons.append(Reason("shared_territories", values, min(10, 5 * len(territories))))
    clients = [c for c in CLIENT_TYPES if c in a.client_types and c in b.client_types]
    if clients:
        labels = [CLIENT_TYPES[c] for c in clients]
        reasons.append(Reason("shared_client_types", labels, min(9, 3 * len(clients))))
    ambitions = [c for c in AMBITIONS if c in a.ambitions and c in b.ambitions]
    if ambitions:
        labels = [AMBITIONS[c] for c in ambitions]
        reasons.append(Reason("compatible_ambitions", labels, min(12, 4 * len(ambitions))))
    elif a.ambitions and b.ambitions:
        top_a = max(AMBITION_LEVEL.get(x, 0) for x in a.ambitions)
        top_b = max(AMBITION_LEVEL.get(x, 0) for x in b.ambitions)
        if abs(top_a - top_b) <= 1:
            labels = [AMBITIONS[c] for c in b.ambitions if c in AMBITIONS]
            reasons.append(Reason("compatible_ambitions", labels, 3))
    similarity = similar(a.ambition_grams, b.ambition_grams)
    if similarity >= TEXT_SIMILARITY_THRESHOLD:
        reasons.append(
            Reason("similar_ambition_text", [f"{round(similarity * 100)} %"], round(10 * similarity))
        )
    if b.availability == Availability.UNAVAILABLE:
        reasons.append(Reason("unavailable", [Availability(b.availability).label], -15))

    total = max(0, min(100, sum(reason.points for reason in reasons)))
    reasons.sort(key=lambda r: (-r.points, r.code))
    return Suggestion(profile=b, score=total, reasons=reasons)


# ------------------------------------------------------------------------------------- suggestions


def excluded_organizations(organization_id) -> set:
    """Members already proposed to, proposing, or contacts: they are not suggested again."""
    rows = MatchProposal.objects.filter(
        Q(proposer_id=organization_id) | Q(recipient_id=organization_id),
        status__in=[ProposalStatus.PENDING, ProposalStatus.ACCEPTED, ProposalStatus.DECLINED],
    ).values_list("proposer_id", "recipient_id")
    return {pid for pair in rows for pid in pair} - {organization_id}


def _top_sharing(profile_id: int, keys: list[str], limit: int, exclude=()) -> list[int]:
    if not keys or limit <= 0:
        return []
    rows = ProfileKey.objects.filter(key__in=keys).exclude(profile_id=profile_id)
    if exclude:
        rows = rows.exclude(profile_id__in=list(exclude))
    # COUNT reads only the (key, profile) index: no table row is visited.
    rows = (
        rows.values("profile_id")
        .annotate(shared=Count("profile_id"))
        .order_by("-shared", "profile_id")
        .values_list("profile_id", flat=True)[:limit]
    )
    return list(rows)


def candidate_ids(profile_id: int, keys: tuple[list[str], list[str]], limit: int = CANDIDATES) -> list[int]:
    """The profiles sharing the most weighted blocking keys with this one: complements in a shared sector
    first, then profiles sharing a sector or a territory if there are too few."""
    primary, fallback = keys
    found = _top_sharing(profile_id, primary, limit)
    if len(found) < limit // 2:
        found += _top_sharing(profile_id, fallback, limit - len(found), exclude=found)
    return found


def load_profiles(ids) -> list[ProfileData]:
    """Candidate profiles with their sectors and territories, in three queries."""
    ids = list(ids)
    if not ids:
        return []
    through_sectors = MemberProfile.sectors.through.objects.filter(memberprofile_id__in=ids)
    through_territories = MemberProfile.territories.through.objects.filter(memberprofile_id__in=ids)
    sectors, territories = {}, {}
    for pid, sid in through_sectors.values_list("memberprofile_id", "sector_id"):
        sectors.setdefault(pid, set()).add(sid)
    for pid, tid in through_territories.values_list("memberprofile_id", "territory_id"):
        territories.setdefault(pid, set()).add(tid)
    rows = MemberProfile.objects.filter(pk__in=ids, is_visible=True).values_list(
        "pk",
        "uuid",
        "organization_id",
        "organization__uuid",
        "organization__name",
        "skills",
        "offers",
        "client_types",
        "ambitions",
        "availability",
        "looking_for",
        "bringing",
        "ambition_text",
        "match_index",
    )
    result = []
    for row in rows:
        (
            pk,
            uuid,
            org_id,
            org_uuid,
            org_name,
            skills,
            offers,
            clients,
            ambitions,
            avail,
            want,
            bring,
            amb,
            idx,
        ) = row
        result.append(
            ProfileData(
                id=pk,
                profile_uuid=uuid,
                organization_id=org_id,
                organization_uuid=org_uuid,
                organization_name=org_name,
                skills=skills or [],
                offers=offers or [],
                client_types=clients or [],
                ambitions=ambitions or [],
                availability=avail,
                looking_for=want,
                bringing=bring,
                ambition_text=amb,
                index=idx or {},
                sector_ids=sectors.get(pk, set()),
                territory_ids=territories.get(pk, set()),
            )
        )
    return result


def _names(profiles: list[ProfileData]) -> dict:
    sector_ids = set().union(*(p.sector_ids for p in profiles)) if profiles else set()
    territory_ids = set().union(*(p.territory_ids for p in profiles)) if profiles else set()
    names = {
        ("s", pk): name for pk, name in Sector.objects.filter(pk__in=sector_ids).values_list("pk", "name")
    }
    names.update(
        {
            ("t", pk): name
            for pk, name in Territory.objects.filter(pk__in=territory_ids).values_list("pk", "name")
        }
    )
    return names


def prescore(a: ProfileData, b: ProfileData) -> int:
    """Term-set overlap only (no text similarity): what decides which candidates are fully scored."""
    want_a, give_a = set(a.index.get("want", [])), set(a.index.get("give", []))
    want_b, give_b = b.index.get("want", []), b.index.get("give", [])
    offers_a = set(a.index.get("offers", []))
    return (
        8 * len(want_a.intersection(give_b))
        + 6 * len(give_a.intersection(want_b))
        + 6 * len(a.sector_ids & b.sector_ids)
        + 5 * len(a.territory_ids & b.territory_ids)
        + 3 * len(set(a.client_types).intersection(b.client_types))
        + 4 * len(set(a.ambitions).intersection(b.ambitions))
        - 5 * len(offers_a.intersection(b.index.get("offers", [])))
        - (15 if b.availability == Availability.UNAVAILABLE else 0)
    )


def suggestions_for(
    profile: MemberProfile, limit: int = 10, candidates: int = CANDIDATES
) -> list[Suggestion]:
    """The best members for ``profile`` to work with, best first, each with its reasons."""
    me = ProfileData.from_profile(profile)
    keys = query_keys(me.index, me.sector_ids, me.territory_ids)
    excluded = excluded_organizations(profile.organization_id)
    ids = candidate_ids(profile.pk, keys, candidates + len(excluded))
    others = [p for p in load_profiles(ids) if p.organization_id not in excluded]
    if not others:
        return []
    # A cheap set-based pre-score keeps the most promising ones for the full scoring with text similarity.
    others.sort(key=lambda other: (-prescore(me, other), other.id))
    others = others[:RESCORED]
    documents = [me.want_grams, me.give_grams, me.ambition_grams]
    for other in others:
        documents.extend((other.want_grams, other.give_grams, other.ambition_grams))
    similar = Cosine(idf_weights(documents))
    names = _names([me, *others])
    scored = [score(me, other, similar, names) for other in others]
    scored = [s for s in scored if s.score > 0]
    scored.sort(key=lambda s: (-s.score, s.profile.organization_name, s.profile.id))
    return scored[:limit]


def explain_pair(profile: MemberProfile, other: MemberProfile) -> Suggestion:
    """The score and reasons of one given pair (what a proposal records)."""
    me, them = ProfileData.from_profile(profile), ProfileData.from_profile(other)
    idf = idf_weights([me.want_grams, me.give_grams, me.ambition_grams, them.want_grams, them.give_grams])
    return score(me, them, idf, _names([me, them]))
