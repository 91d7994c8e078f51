"""Scoring profiles against the database: which attributes can be scored, their columns, the ranking.

Attribute keys are the organisation's own fields (``headcount``, ``markets``…) and ``attr:<code>`` for the
operator's attributes. ``load_columns`` reads every non-operator organisation once (a handful of queries
whatever their number); ``rank`` applies ``scoring.score``.
"""

import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.choices import CompanySize, GrowthTrend, PartnerType
from meute.core.models import Organization, OrganizationPartnerType, ProductLine, Sector, Tag, Territory, fold

from . import scoring
from .choices import AttributeKind, ProfileKind
from .models import AttributeDefinition, AttributeValue, ScoringProfile

# Key → (label, kind). Sets hold codes (sectors, territories, product lines, tags) or choice values.
BUILTIN = {
    "headcount": (gettext_lazy("Headcount"), scoring.NUMBER),
    "sales_headcount": (gettext_lazy("Sales headcount"), scoring.NUMBER),
    "engineer_headcount": (gettext_lazy("Engineer headcount"), scoring.NUMBER),
    "annual_revenue": (gettext_lazy("Annual revenue (EUR)"), scoring.NUMBER),
    "market_share": (gettext_lazy("Market share (%)"), scoring.NUMBER),
    "growth_trend": (gettext_lazy("Growth trend"), scoring.CHOICE),
    "country": (gettext_lazy("Country"), scoring.CHOICE),
    "company_sizes": (gettext_lazy("Customer company sizes"), scoring.SET),
    "markets": (gettext_lazy("Markets"), scoring.SET),
    "geographies": (gettext_lazy("Geographies"), scoring.SET),
    "offerings": (gettext_lazy("Offerings"), scoring.SET),
    "tags": (gettext_lazy("Tags"), scoring.SET),
    "partner_types": (gettext_lazy("Typology"), scoring.SET),
    "description": (gettext_lazy("Description (words)"), "text"),
}
_SCALARS = ["headcount", "sales_headcount", "engineer_headcount", "annual_revenue", "market_share"]
_M2M_THROUGH = {
    "markets": (Sector, "sector_id"),
    "geographies": (Territory, "territory_id"),
    "offerings": (ProductLine, "productline_id"),
    "tags": (Tag, "tag_id"),
}
_KIND_OF_CUSTOM = {
    AttributeKind.NUMBER: scoring.NUMBER,
    AttributeKind.CHOICE: scoring.CHOICE,
    AttributeKind.BOOLEAN: scoring.CHOICE,
    AttributeKind.MULTI_CHOICE: scoring.SET,
    AttributeKind.TEXT: "text",
}
MAX_WORDS = 256  # text attributes keep their most frequent words (longer than 3 letters)


@dataclass
class Option:
    key: str
    label: str
    kind: str  # number, choice, set, text
    choices: list  # values a target may name (choice and set attributes)


def options() -> dict:
    """Every attribute a criterion may name, key → Option."""
    result = {}
    choice_lists = {
        "growth_trend": list(GrowthTrend.values),
        "company_sizes": list(CompanySize.values),
        "partner_types": list(PartnerType.values),
    }
    for key, model in (
        ("markets", Sector),
        ("geographies", Territory),
        ("offerings", ProductLine),
        ("tags", Tag),
    ):
        choice_lists[key] = list(model.objects.order_by("code").values_list("code", flat=True))
    for key, (label, kind) in BUILTIN.items():
        result[key] = Option(key, str(label), kind, choice_lists.get(key, []))
    for definition in AttributeDefinition.objects.filter(is_active=True):
        choices = list(definition.choices) if definition.has_choices else []
        if definition.kind == AttributeKind.BOOLEAN:
            choices = [True, False]
        result[f"attr:{definition.code}"] = Option(
            f"attr:{definition.code}", definition.label, _KIND_OF_CUSTOM[definition.kind], choices
        )
    return result


def _words(text: str) -> set:

    return {
        word for word in "".join(ch if ch.isalnum() else " " for ch in fold(text)).split() if len(word) > 3
    }


def _text_column(texts: list) -> scoring.SetColumn:
    counts = {}
    rows = [_words(text) for text in texts]
    for row in rows:
        for word in row:
            counts[word] = counts.get(word, 0) + 1
    vocabulary = sorted(counts, key=lambda word: (-counts[word], word))[:MAX_WORDS]
    return scoring.pack_sets(rows, sorted(vocabulary))


@dataclass
class Population:
    ids: list  # organisation primary keys, in column order (by name)
    columns: dict

    def rows_of(self, organization_ids) -> list:
        position = {pk: index for index, pk in enumerate(self.ids)}
        return [position[pk] for pk in organization_ids if pk in position]


def load_columns(keys=None, queryset=None) -> Population:
    """The columns of ``keys`` (default: every attribute) for the organisations of ``queryset`` (default:
    every organisation but the operator)."""
    catalogue = options()
    keys = list(catalogue) if keys is None else [key for key in keys if key in catalogue]
    queryset = (
        queryset if queryset is not None else Organization.objects.filter(is_operator=False)
    ).order_by("name", "pk")
    scalar_fields = [
        key for key in keys if key in _SCALARS or key in ("growth_trend", "country", "company_sizes")
    ]
    text = "description" in keys
    fields = ["pk", *scalar_fields, *(["description", "offerings_description"] if text else [])]
    rows = list(queryset.values_list(*fields))
    ids = [row[0] for row in rows]
    position = {pk: index for index, pk in enumerate(ids)}
    columns = {}
    for offset, key in enumerate(scalar_fields, start=1):
        values = [row[offset] for row in rows]
        if key in _SCALARS:
            columns[key] = scoring.number_column(values)
        elif key == "company_sizes":
            columns[key] = scoring.pack_sets([value or [] for value in values], list(CompanySize.values))
        else:
            columns[key] = scoring.choice_column([str(value) if value else None for value in values])
    if text:
        columns["description"] = _text_column([f"{row[-2]} {row[-1]}" for row in rows])
    # Links are read by joining the organisations' filter, not by listing 100,000 ids in the query.
    for key, (model, column) in _M2M_THROUGH.items():
        if key in keys:
            through = getattr(Organization, key).through
            labels = list(model.objects.order_by("code").values_list("code", flat=True))
            index_of = dict(
                zip(
                    model.objects.order_by("code").values_list("pk", flat=True),
                    range(len(labels)),
                    strict=True,
                )
            )
            pairs = through.objects.filter(organization__in=queryset.order_by().values("pk")).values_list(
                "organization_id", column
            )
            columns[key] = scoring.pack_pairs(
                len(ids), [(position[o], index_of[v]) for o, v in pairs if o in position], labels
            )
    if "partner_types" in keys:
        pairs = OrganizationPartnerType.objects.filter(
            organization__in=queryset.order_by().values("pk")
        ).values_list("organization_id", "partner_type")
        columns["partner_types"] = _set_from_pairs(pairs, position, list(PartnerType.values))
    custom = [key for key in keys if key.startswith("attr:")]
    if custom:
        definitions = {
            f"attr:{d.code}": d for d in AttributeDefinition.objects.filter(code__in=[k[5:] for k in custom])
        }
        values = {key: [None] * len(ids) for key in custom}
        stored = AttributeValue.objects.filter(
            definition__in=definitions.values(), organization__in=queryset.order_by().values("pk")
        )
        for code, organization_id, value in stored.values_list(
            "definition__code", "organization_id", "value"
        ):
            if organization_id in position:
                values[f"attr:{code}"][position[organization_id]] = value
        for key, definition in definitions.items():
            column_values = values[key]
            if definition.kind == AttributeKind.NUMBER:
                columns[key] = scoring.number_column(column_values)
            elif definition.kind == AttributeKind.MULTI_CHOICE:
                columns[key] = scoring.pack_sets([v or [] for v in column_values], list(definition.choices))
            elif definition.kind == AttributeKind.TEXT:
                columns[key] = _text_column([v or "" for v in column_values])
            else:
                columns[key] = scoring.choice_column(column_values)
    return Population(ids=ids, columns=scoring.prepare(columns))


# Columns loaded once per process and reused until the data changes: the receivers of ``signals.py`` bump
# a version in the shared cache whenever an organisation, its links or an attribute value changes (bulk
# writes that bypass signals are caught by the time limit).
_LOADED: dict = {}
CACHE_SECONDS = 300
VERSION_KEY = "recruitment:population-version"


def data_changed() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached_columns(keys) -> Population:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    key = tuple(sorted(keys))
    entry = _LOADED.get(key)
    now = time.monotonic()
    if entry is None or entry[0] != version or now - entry[1] > CACHE_SECONDS:
        if len(_LOADED) > 20:
            _LOADED.clear()
        entry = _LOADED[key] = (version, now, load_columns(key))
    return entry[2]


def _set_from_pairs(pairs, position, labels=None) -> scoring.SetColumn:
    rows = [[] for _ in position]
    for organization_id, value in pairs:
        if organization_id in position:
            rows[position[organization_id]].append(value)
    return scoring.pack_sets(rows, labels)


def groups_of(profile: ScoringProfile, catalogue: dict | None = None) -> list:
    catalogue = options() if catalogue is None else catalogue
    groups = []
    for group in profile.groups.prefetch_related("criteria"):
        criteria = tuple(
            scoring.Criterion(
                key=criterion.attribute,
                weight=float(criterion.weight),
                target=_target(catalogue.get(criterion.attribute), criterion.target),
                scale=float(criterion.scale) if criterion.scale else None,
            )
            for criterion in group.criteria.all()
        )
        groups.append(scoring.Group(name=group.name, weight=float(group.weight), criteria=criteria))
    return groups


def _target(option, target):
    # Text targets are words: compare them as the column does (folded, longer than 3 letters).
    if option is not None and option.kind == "text" and target is not None:
        return sorted(_words(" ".join(map(str, target)) if isinstance(target, list) else str(target)))
    return target


@dataclass
class Row:
    organization: Organization
    score: float
    contributions: list  # (group name, points)
    is_reference: bool = False


@dataclass
class Ranking:
    profile: ScoringProfile
    groups: list
    rows: list
    total: int


def score_population(profile: ScoringProfile, population: Population | None = None, references=None):
    """The ``scoring.Scores`` of every organisation for ``profile`` (look-alike: against ``references``, by
    default the profile's own)."""
    catalogue = options()
    groups = groups_of(profile, catalogue)
    keys = {criterion.key for group in groups for criterion in group.criteria}
    for key in keys:
        if key not in catalogue:
            raise scoring.ScoringError(_("Unknown attribute “%(key)s”.") % {"key": key})
    for group in groups:
        for criterion in group.criteria:
            if profile.kind == ProfileKind.IDEAL and criterion.target is None:
                raise scoring.ScoringError(_("Criterion “%(key)s” has no target.") % {"key": criterion.key})
    if population is None:
        population = cached_columns(keys)
    reference_rows = None
    if profile.kind == ProfileKind.LOOKALIKE:
        if references is None:
            references = list(profile.references.values_list("pk", flat=True))
        reference_rows = population.rows_of(references)
    return population, scoring.score(population.columns, groups, references=reference_rows)


def rank(profile: ScoringProfile, *, top: int = 50, references=None) -> Ranking:
    population, scores = score_population(profile, references=references)
    order = scores.ranking(top)
    reference_ids = set(references or profile.references.values_list("pk", flat=True))
    chosen = [population.ids[index] for index in order]
    organizations = Organization.objects.in_bulk(chosen)
    rows = [
        Row(
            organization=organizations[population.ids[index]],
            score=round(float(scores.scores[index]), 1),
            contributions=[
                (name, round(float(points), 1))
                for name, points in zip(scores.groups, scores.contributions[index], strict=True)
            ],
            is_reference=population.ids[index] in reference_ids,
        )
        for index in order
    ]
    return Ranking(profile=profile, groups=scores.groups, rows=rows, total=len(population.ids))


def lookalike(organization: Organization, *, top: int = 20) -> Ranking:
    """“Who looks like this one?”: the default look-alike profile (every profile attribute, equal groups)
    against one partner."""
    profile = ScoringProfile(
        name=_("Look-alike of %(name)s") % {"name": organization.name}, kind=ProfileKind.LOOKALIKE
    )
    groups = default_lookalike_groups()
    population = cached_columns({c.key for g in groups for c in g.criteria})
    rows = population.rows_of([organization.pk])
    if not rows:
        raise scoring.ScoringError(_("The operator cannot be a reference."))
    scores = scoring.score(population.columns, groups, references=rows)
    order = scores.ranking(top + 1)
    organizations = Organization.objects.in_bulk([population.ids[i] for i in order])
    result = [
        Row(
            organization=organizations[population.ids[index]],
            score=round(float(scores.scores[index]), 1),
            contributions=[
                (n, round(float(p), 1))
                for n, p in zip(scores.groups, scores.contributions[index], strict=True)
            ],
            is_reference=population.ids[index] == organization.pk,
        )
        for index in order
    ]
    return Ranking(profile=profile, groups=scores.groups, rows=result, total=len(population.ids))


def default_lookalike_groups() -> list:
    C = scoring.Criterion
    return [
        scoring.Group(
            str(gettext_lazy("Customers")), 1.0, (C("company_sizes"), C("markets"), C("geographies"))
        ),
        scoring.Group(
            str(gettext_lazy("Offer")), 1.0, (C("offerings"), C("partner_types"), C("description"))
        ),
        scoring.Group(
            str(gettext_lazy("Strength")),
            1.0,
            (C("headcount"), C("sales_headcount"), C("engineer_headcount"), C("annual_revenue")),
        ),
        scoring.Group(str(gettext_lazy("Market position")), 1.0, (C("market_share"), C("growth_trend"))),
    ]


def parse_target(option: Option, text: str):
    """The target typed in the criterion form: ``10..50`` (or ``10..``, ``..50``) for numbers, values
    separated by commas for choices and sets, words for text, yes/no for yes/no. Empty: no target."""
    from decimal import Decimal, InvalidOperation

    from django.core.exceptions import ValidationError

    text = (text or "").strip()
    if not text:
        return None
    if option.kind == scoring.NUMBER:
        low, sep, high = text.partition("..")
        if not sep:
            low = high = text
        try:
            bounds = {
                name: float(Decimal(part.strip().replace(",", ".")))
                for name, part in (("min", low), ("max", high))
                if part.strip()
            }
        except InvalidOperation:
            raise ValidationError(_("Write a range such as 10..50, 10.. or ..50.")) from None
        if not bounds or ("min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]):
            raise ValidationError(_("Write a range such as 10..50, 10.. or ..50."))
        return bounds
    if option.kind == "text":
        words = sorted(_words(text))
        if not words:
            raise ValidationError(_("Give at least one word longer than three letters."))
        return words
    values = [value.strip() for value in text.split(",") if value.strip()]
    if option.choices and True in option.choices:
        flags = {"yes": True, "oui": True, "true": True, "no": False, "non": False, "false": False}
        try:
            return [flags[value.lower()] for value in values]
        except KeyError:
            raise ValidationError(_("Answer yes or no.")) from None
    if option.choices:
        unknown = [value for value in values if value not in option.choices]
        if unknown:
            raise ValidationError(
                _("Unknown values: %(values)s. Possible: %(choices)s.")
                % {"values": ", ".join(unknown), "choices": ", ".join(map(str, option.choices))}
            )
    return values
