"""Effective-dated tier rules: the versions of a tier's requirements and benefits, each in force from a date.

A tier's rules change in two ways:

- editing the tier changes them from today (``Tier.save`` records that version);
- a version scheduled for a later date (``schedule_version``) takes over on that date by itself.

A version in force, or past, explains the evaluations made under it: it is never changed nor deleted
(``update_scheduled_version`` and ``delete_scheduled_version`` refuse). A scheduled version may be changed
or deleted until its date.

Every change is checked on every date it affects: on each of them, the tiers as they will be then must not
make a higher tier easier than a lower one (``tiering.validate_tiers``).

The tier engine reads the versions (``evaluation.rules_at``). Lead routing, deal protection and the partner
locator read the tier's own fields: ``bring_into_force`` copies the version in force into them (every
night, and before a tier's pages show or edit them).
"""

import copy
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.lib.refusals import Refusal, declare
from meute.programs.evaluation import simulate

from .choices import CertifiedRole
from .models import (
    BENEFIT_FIELDS,
    REQUIREMENT_FIELDS,
    Program,
    Tier,
    TierRuleVersion,
    comparable_rules,
    rule_values,
    same_rules,
)
from .tiering import TierRules, format_money, validate_tiers

RULE_FIELDS = REQUIREMENT_FIELDS + BENEFIT_FIELDS

PAST, CURRENT, SCHEDULED = "past", "current", "scheduled"
STATUS_LABELS = {
    PAST: gettext_lazy("Past"),
    CURRENT: gettext_lazy("In force"),
    SCHEDULED: gettext_lazy("Scheduled"),
}

VERSION_IN_FORCE = declare("version_in_force", "The rule version is in force: schedule a new one instead.")
VERSION_PAST = declare("version_past", "The rule version is past: it explains the evaluations made under it.")


# --------------------------------------------------------------------------------------------------
# The version in force on a date
# --------------------------------------------------------------------------------------------------


def in_force(versions, day: datetime.date):
    """Among ``versions`` of one tier (oldest first), the one in force on ``day``: the latest effective on
    or before it; before the first version, the first one (as ``evaluation.rules_at`` reads them)."""
    found = None
    for version in versions:
        if found is None or version.effective_from <= day:
            found = version
    return found


def status_of(version: TierRuleVersion, day: datetime.date | None = None) -> str:
    """Past, in force (current) or scheduled, on ``day`` (today)."""
    day = day or timezone.localdate()
    versions = list(version.tier.versions.order_by("effective_from").only("pk", "effective_from"))
    current = in_force(versions, day)
    if current is not None and current.pk == version.pk:
        return CURRENT
    return SCHEDULED if version.effective_from > day else PAST


def _statuses(versions, day) -> dict:
    current = in_force(versions, day)
    return {
        v.pk: CURRENT if v is current else SCHEDULED if v.effective_from > day else PAST for v in versions
    }


# --------------------------------------------------------------------------------------------------
# Checking the rules on every date a change affects
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    effective_from: datetime.date
    requirements: dict = field(compare=False)
    benefits: dict = field(compare=False)
    pk: int | None = None


def _timeline(program) -> tuple[dict, dict]:
    """The programme's tiers (key → (name, rank)) and each one's versions (key → entries, oldest first)."""
    tiers = {t.pk: t for t in program.tiers.all()}
    versions = {pk: [] for pk in tiers}
    for version in TierRuleVersion.objects.filter(tier__program=program).order_by("effective_from"):
        versions.setdefault(version.tier_id, []).append(
            _Entry(version.effective_from, version.requirements, version.benefits, version.pk)
        )
    names = {pk: (t.name, t.rank) for pk, t in tiers.items()}
    today = timezone.localdate()
    for pk, entries in versions.items():
        if not entries and pk in tiers:  # a tier written without a version: its own fields, from today
            entries.append(_Entry(today, tiers[pk].requirements(), tiers[pk].benefits()))
    return names, versions


def _rules_on(names: dict, versions: dict, day: datetime.date) -> list[TierRules]:
    rules = []
    for key, entries in versions.items():
        entry = in_force(entries, day)
        if entry is None or key not in names:
            continue
        name, rank = names[key]
        rules.append(
            TierRules.from_requirements(
                name=name,
                rank=rank,
                id=key if isinstance(key, int) else None,
                requirements=entry.requirements,
                benefits=entry.benefits,
            )
        )
    return sorted(rules, key=lambda r: r.rank)


def _check_timeline(names: dict, versions: dict, start: datetime.date) -> None:
    """Refuse contradictory tiers on ``start`` and on every later date a version takes over."""
    today = timezone.localdate()
    dates = {start} | {
        e.effective_from for entries in versions.values() for e in entries if e.effective_from > start
    }
    errors, seen = [], set()
    for day in sorted(dates):
        for problem in validate_tiers(_rules_on(names, versions, day)):
            if problem in seen:
                continue  # said once, from the first date it holds
            seen.add(problem)
            if day > today:
                problem = _("From %(date)s: %(problem)s") % {"date": date_format(day), "problem": problem}
            errors.append(problem)
    if errors:
        raise ValidationError(errors, code="contradictory_tiers")


def _with_entry(entries, entry: _Entry, *, without_pk=None) -> list:
    kept = [e for e in _others(entries, without_pk) if e.effective_from != entry.effective_from]
    return sorted([*kept, entry], key=lambda e: e.effective_from)


def validate_tier(tier: Tier) -> None:
    """A tier as it will be saved: its own fields (``full_clean``), then its place among the others."""
    tier.full_clean()
    check_tier_edit(tier)


def check_tier_edit(tier: Tier) -> None:
    """The edited (or new) tier's rules from today, with its name and rank, checked against every tier
    today and on every date a scheduled version takes over."""
    if tier.program_id is None or tier.rank is None:
        return
    today = timezone.localdate()
    names, versions = _timeline(tier.program)
    key = tier.pk if tier.pk is not None else "new"
    names[key] = (tier.name, tier.rank)
    versions[key] = _with_entry(versions.get(key, []), _Entry(today, tier.requirements(), tier.benefits()))
    _check_timeline(names, versions, today)


# --------------------------------------------------------------------------------------------------
# Scheduling, changing and deleting a version
# --------------------------------------------------------------------------------------------------


def _lock(program_id) -> None:
    """One change to a programme's rules at a time: each checks the others' versions."""
    Program.objects.select_for_update().filter(pk=program_id).first()


def _require_future(effective_from, today) -> None:
    if effective_from is None:
        raise ValidationError({"effective_from": _("Say from which day the new rules apply.")})
    if effective_from <= today:
        raise ValidationError(
            {
                "effective_from": _(
                    "A scheduled version starts after today: choose %(date)s or later. To change the rules "
                    "from today, edit the tier."
                )
                % {"date": date_format(today + datetime.timedelta(days=1))}
            },
            code="not_in_future",
        )


def require_scheduled(version: TierRuleVersion, today=None) -> None:
    """Refuse to change or delete a version that is in force or past: it explains past evaluations."""
    status = status_of(version, today)
    values = {"date": date_format(version.effective_from)}
    if status == CURRENT:
        raise Refusal(
            _(
                "The version effective from %(date)s is in force: it cannot be changed or deleted. "
                "Schedule a new version instead."
            )
            % values,
            code="version_in_force",
        )
    if status == PAST:
        raise Refusal(
            _(
                "The version effective from %(date)s is past: it explains the evaluations made under it "
                "and cannot be changed or deleted."
            )
            % values,
            code="version_past",
        )


def rules_from_values(tier: Tier, values: dict, base: dict) -> tuple[dict, dict]:
    """Validated requirements and benefits (as kept in a version) from field values; fields left out keep
    ``base``'s values. Errors are keyed by field."""
    candidate = copy.copy(tier)
    for name in RULE_FIELDS:
        setattr(candidate, name, values[name] if name in values else base[name])
    others = [f.name for f in Tier._meta.concrete_fields if f.name not in RULE_FIELDS]
    errors = {}
    try:
        candidate.clean_fields(exclude=others)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if not errors:
        try:
            candidate.clean_rules()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    return candidate.requirements(), candidate.benefits()


def _others(entries, without_pk) -> list:
    """``entries`` but the version being changed (``without_pk``), if any."""
    return [e for e in entries if without_pk is None or e.pk != without_pk]


def _previous(entries, day, *, without_pk=None):
    earlier = [e for e in _others(entries, without_pk) if e.effective_from < day]
    return earlier[-1] if earlier else None


def _refuse_no_change(entries, entry: _Entry, *, without_pk=None) -> None:
    previous = _previous(entries, entry.effective_from, without_pk=without_pk)
    if previous is not None and same_rules(
        previous.requirements, previous.benefits, entry.requirements, entry.benefits
    ):
        raise ValidationError(
            _("These are the rules in force since %(date)s: the version would change nothing.")
            % {"date": date_format(previous.effective_from)},
            code="no_change",
        )


def _prepare(tier, effective_from, values, *, version=None):
    """The programme's timeline with the proposed version in it, and that version's entry."""
    names, versions = _timeline(tier.program)
    entries = versions.get(tier.pk, [])
    without = version.pk if version is not None else None
    if version is not None:
        base = version.rule_values()
    else:
        in_place = in_force(entries, effective_from)
        base = rule_values(in_place.requirements, in_place.benefits) if in_place else rule_values({}, {})
    requirements, benefits = rules_from_values(tier, values, base)
    entry = _Entry(effective_from, requirements, benefits, without)
    if any(e.effective_from == effective_from for e in _others(entries, without)):
        raise ValidationError(
            {"effective_from": _("This tier already has rules effective from this date.")}, code="duplicate"
        )
    _refuse_no_change(entries, entry, without_pk=without)
    versions[tier.pk] = _with_entry(entries, entry, without_pk=without)
    return names, versions, entry


def schedule_version(tier: Tier, effective_from: datetime.date, values: dict) -> TierRuleVersion:
    """A new version of ``tier``'s requirements and benefits from a future date. ``values`` are tier field
    values; those left out keep the rules in force on that date."""
    with transaction.atomic():
        _lock(tier.program_id)
        _require_future(effective_from, timezone.localdate())
        names, versions, entry = _prepare(tier, effective_from, values)
        _check_timeline(names, versions, effective_from)
        return TierRuleVersion.objects.create(
            tier=tier, effective_from=effective_from, requirements=entry.requirements, benefits=entry.benefits
        )


def update_scheduled_version(
    version: TierRuleVersion, effective_from: datetime.date | None, values: dict
) -> TierRuleVersion:
    """Change a scheduled version (its date, its rules) before it comes into force; refused afterwards."""
    with transaction.atomic():
        _lock(version.tier.program_id)
        version = (
            TierRuleVersion.objects.select_for_update().select_related("tier__program").get(pk=version.pk)
        )
        today = timezone.localdate()
        require_scheduled(version, today)
        effective_from = effective_from or version.effective_from
        _require_future(effective_from, today)
        names, versions, entry = _prepare(version.tier, effective_from, values, version=version)
        _check_timeline(names, versions, min(effective_from, version.effective_from))
        version.effective_from = effective_from
        version.requirements, version.benefits = entry.requirements, entry.benefits
        version.save()
    return version


def delete_scheduled_version(version: TierRuleVersion) -> None:
    """Cancel a scheduled version: the rules in force before it go on. Refused once it is in force."""
    with transaction.atomic():
        _lock(version.tier.program_id)
        version = (
            TierRuleVersion.objects.select_for_update().select_related("tier__program").get(pk=version.pk)
        )
        require_scheduled(version)
        names, versions = _timeline(version.tier.program)
        versions[version.tier_id] = [e for e in versions[version.tier_id] if e.pk != version.pk]
        _check_timeline(names, versions, version.effective_from)
        version.delete()


def simulate_version(tier: Tier, effective_from: datetime.date, values: dict, *, version=None):
    """What-if: today's figures under the rules as they would be on ``effective_from`` with this version,
    against the rules in force today (``evaluation.simulate``). Nothing is written."""
    names, versions, _entry = _prepare(tier, effective_from, values, version=version)
    return simulate(tier.program, _rules_on(names, versions, effective_from))


# --------------------------------------------------------------------------------------------------
# Reading: the history of a tier, what each version changed
# --------------------------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryRow:
    version: TierRuleVersion
    status: str
    requirements: list  # (label, value) pairs, the requirements set
    benefits: list  # (label, value) pairs
    changes: list  # Change, against the previous version (empty for the first one)
    is_first: bool = False

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_scheduled(self) -> bool:
        return self.status == SCHEDULED


def _label(name: str) -> str:
    return capfirst(str(Tier._meta.get_field(name).verbose_name))


def _role_label(role: str) -> str:
    return _("Certified people: %(role)s") % {"role": dict(CertifiedRole.choices).get(role, role)}


def _metric_label(code: str) -> str:
    return _("Threshold of metric “%(code)s”") % {"code": code}


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _flat(values: dict, currency: str) -> dict:
    """Every rule as label → displayed value (None when a requirement is not set)."""
    rows = {
        _label("min_revenue"): None
        if values["min_revenue"] is None
        else format_money(values["min_revenue"], currency),
    }
    for role, count in sorted(values["min_certified"].items()):
        rows[_role_label(role)] = str(count)
    rows[_label("min_won_deals")] = None if values["min_won_deals"] is None else str(values["min_won_deals"])
    rows[_label("min_satisfaction")] = (
        None if values["min_satisfaction"] is None else f"{values['min_satisfaction'].normalize():f}/10"
    )
    for code, threshold in sorted(values["custom_thresholds"].items()):
        rows[_metric_label(code)] = f"{threshold.normalize():f}"
    return rows


def _flat_benefits(values: dict) -> dict:
    return {
        _label("margin_percent"): f"{values['margin_percent'].normalize():f}",
        _label("mdf_percent"): f"{values['mdf_percent'].normalize():f}",
        _label("protection_days"): str(values["protection_days"]),
        _label("lead_weight"): str(values["lead_weight"]),
        _label("locator_listing"): _yes_no(values["locator_listing"]),
        _label("labels"): ", ".join(values["labels"]) or "—",
    }


def summary(requirements: dict, benefits: dict, currency: str) -> tuple[list, list]:
    """The requirements set and every benefit, as (label, value) pairs."""
    values = comparable_rules(requirements, benefits)
    needs = [(label, value) for label, value in _flat(values, currency).items() if value is not None]
    return needs, list(_flat_benefits(values).items())


def changes(before: tuple[dict, dict], after: tuple[dict, dict], currency: str) -> list[Change]:
    """What changed from one version's (requirements, benefits) to the next's."""
    old, new = comparable_rules(*before), comparable_rules(*after)
    rows_before = {**_flat(old, currency), **_flat_benefits(old)}
    rows_after = {**_flat(new, currency), **_flat_benefits(new)}
    found = []
    for label in dict.fromkeys([*rows_before, *rows_after]):
        a, b = rows_before.get(label), rows_after.get(label)
        if a != b:
            found.append(Change(label, a or "—", b or "—"))
    return found


def history(tier: Tier, day: datetime.date | None = None) -> list[HistoryRow]:
    """Every version of ``tier``, newest first: status, summary, and what it changed."""
    day = day or timezone.localdate()
    currency = tier.program.currency
    versions = list(tier.versions.order_by("effective_from"))
    statuses = _statuses(versions, day)
    rows, previous = [], None
    for version in versions:
        needs, gives = summary(version.requirements, version.benefits, currency)
        rows.append(
            HistoryRow(
                version=version,
                status=statuses[version.pk],
                requirements=needs,
                benefits=gives,
                changes=[]
                if previous is None
                else changes(
                    (previous.requirements, previous.benefits),
                    (version.requirements, version.benefits),
                    currency,
                ),
                is_first=previous is None,
            )
        )
        previous = version
    return rows[::-1]


@dataclass
class TierAnnouncement:
    tier_name: str
    changes: list  # Change, from the rules in force today to those of the announced date


@dataclass
class Announcement:
    """The next date on which a programme's tier rules change, and what changes then."""

    effective_from: datetime.date
    tiers: list  # TierAnnouncement, lowest rank first, only the tiers that change


def next_announcement(
    program: Program, day: datetime.date | None = None, versions=None
) -> Announcement | None:
    """The programme's first scheduled change after ``day`` (today): its date and, per tier, what changes
    from the rules in force on ``day``. None when nothing is scheduled. One query, none when ``versions``
    (the programme's rule versions with their tiers) are given."""
    day = day or timezone.localdate()
    if versions is None:
        versions = TierRuleVersion.objects.filter(tier__program=program).select_related("tier")
    by_tier, names = {}, {}
    for version in sorted(versions, key=lambda v: (v.tier.rank, v.tier_id, v.effective_from)):
        by_tier.setdefault(version.tier_id, []).append(version)
        names[version.tier_id] = version.tier.name
    upcoming = [v.effective_from for versions in by_tier.values() for v in versions if v.effective_from > day]
    if not upcoming:
        return None
    date = min(upcoming)
    tiers = []
    for tier_id, versions in by_tier.items():
        now, then = in_force(versions, day), in_force(versions, date)
        if now.pk != then.pk:
            found = changes(
                (now.requirements, now.benefits), (then.requirements, then.benefits), program.currency
            )
            if found:
                tiers.append(TierAnnouncement(names[tier_id], found))
    return Announcement(date, tiers) if tiers else None


# --------------------------------------------------------------------------------------------------
# The tier's own fields follow the version in force
# --------------------------------------------------------------------------------------------------


def load_rules_in_force(tier: Tier, day: datetime.date | None = None) -> None:
    """Give ``tier`` (in memory) the rules of its version in force on ``day`` (today), so that a form edits
    those even before the night's ``bring_into_force`` has run."""
    version = in_force(list(tier.versions.order_by("effective_from")), day or timezone.localdate())
    if version is not None:
        for name, value in version.rule_values().items():
            setattr(tier, name, value)


def with_rules_in_force(tiers, day: datetime.date | None = None) -> list:
    """``tiers`` given (in memory) the rules in force on ``day`` (today), and ``scheduled_from``: the date of
    their next scheduled version, or None. One query for every tier's versions."""
    day = day or timezone.localdate()
    tiers = list(tiers)
    by_tier = {}
    for version in TierRuleVersion.objects.filter(tier__in=[t.pk for t in tiers]).order_by("effective_from"):
        by_tier.setdefault(version.tier_id, []).append(version)
    for tier in tiers:
        versions = by_tier.get(tier.pk, [])
        version = in_force(versions, day)
        if version is not None:
            for name, value in version.rule_values().items():
                setattr(tier, name, value)
        tier.scheduled_from = next((v.effective_from for v in versions if v.effective_from > day), None)
    return tiers


def next_scheduled(tier: Tier, day: datetime.date | None = None) -> TierRuleVersion | None:
    """The first version of ``tier`` scheduled after ``day`` (today), if any."""
    day = day or timezone.localdate()
    return tier.versions.filter(effective_from__gt=day).order_by("effective_from").first()


def bring_into_force(tiers=None, day: datetime.date | None = None) -> int:
    """Copy into each tier's fields the rules of its version in force on ``day`` (today), for the features
    that read the tier itself (lead weight, deal protection, locator listing). Returns how many changed.

    Written with ``update()``: no new version is recorded, the version is already there."""
    day = day or timezone.localdate()
    tiers = list(Tier.objects.all() if tiers is None else tiers)
    by_tier = {}
    for version in TierRuleVersion.objects.filter(tier__in=[t.pk for t in tiers]).order_by("effective_from"):
        by_tier.setdefault(version.tier_id, []).append(version)
    changed = 0
    now = timezone.now()
    for tier in tiers:
        version = in_force(by_tier.get(tier.pk, []), day)
        if version is None or same_rules(
            version.requirements, version.benefits, tier.requirements(), tier.benefits()
        ):
            continue
        values = version.rule_values()
        Tier.objects.filter(pk=tier.pk).update(**values, updated_at=now)
        for name, value in values.items():
            setattr(tier, name, value)
        changed += 1
    return changed
