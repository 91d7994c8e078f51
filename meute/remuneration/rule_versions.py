import datetime
import json
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meute.core.models import Organization
from meute.deals.workflow import record_margin_author
from meute.groupings import groupings
from meute.lib import rights
from meute.lib.refusals import Refusal, declare
from meute.partnerships.models import PartnershipParty
from meute.remuneration import engine as engine
from meute.remuneration.choices import Basis, RuleKind, SalesStep, WeightSource
from meute.remuneration.models import DealStepAssignment, RemunerationRule, RemunerationVersion

VERSION_USED = declare("version_used", "Payouts were computed with this rule version: it stays.")


def can_manage_rules(user, partnership) -> bool:
    """Editors of the operator, and the coordinator of a grouping, set the partnership's rules."""
    return groupings.can_steer(user, partnership)


def can_change_status(user) -> bool:
    """Payouts move money: only the operator's editors approve, pay or hold them."""
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def _decimal_or_none(value):
    if value is None or value == "":
        return None
    return engine.to_decimal(value)


def engine_rule(data: dict, key=None, weight_keys=None) -> engine.Rule:
    """A rule as the engine takes it, from a dict of the stored or submitted form."""
    steps = tuple((s["step"], engine.to_decimal(s["percent"])) for s in data.get("steps") or [])
    weights = data.get("weights") or {}
    if weight_keys is not None:
        weights = {weight_keys[k]: v for k, v in weights.items() if k in weight_keys}
    return engine.Rule(
        kind=data.get("kind", ""),
        basis=data.get("basis") or Basis.AMOUNT,
        rate=_decimal_or_none(data.get("rate")),
        fixed_amount=_decimal_or_none(data.get("fixed_amount")),
        party_role=data.get("party_role") or "",
        steps=steps,
        weight_source=data.get("weight_source") or WeightSource.INVOLVEMENT,
        weights=tuple((k, engine.to_decimal(v)) for k, v in weights.items()),
        key=key,
    )


def rule_data(rule: RemunerationRule) -> dict:
    return {
        "kind": rule.kind,
        "basis": rule.basis,
        "rate": rule.rate,
        "fixed_amount": rule.fixed_amount,
        "party_role": rule.party_role,
        "steps": rule.steps,
        "weight_source": rule.weight_source,
        "weights": rule.weights,
    }


def _normalise_rule(data: dict) -> dict:
    rate = _decimal_or_none(data.get("rate"))
    fixed = _decimal_or_none(data.get("fixed_amount"))
    kind = data.get("kind", "")
    return {
        "kind": kind,
        "basis": data.get("basis") or Basis.AMOUNT,
        "rate": None if kind == RuleKind.FIXED_AMOUNT else rate,
        "fixed_amount": fixed if kind == RuleKind.FIXED_AMOUNT else None,
        "party_role": (data.get("party_role") or "") if kind in engine.ROLE_KINDS else "",
        "steps": [
            {"step": s["step"], "percent": str(engine.to_decimal(s["percent"]))}
            for s in data.get("steps") or []
        ]
        if kind == RuleKind.ROLE_SPLIT
        else [],
        "weight_source": (data.get("weight_source") or WeightSource.INVOLVEMENT)
        if kind == RuleKind.COMMISSION_POOL
        else WeightSource.INVOLVEMENT,
        "weights": {str(k): str(engine.to_decimal(v)) for k, v in (data.get("weights") or {}).items()}
        if kind == RuleKind.COMMISSION_POOL and data.get("weight_source") == WeightSource.EXPLICIT
        else {},
    }


def save_version(
    partnership,
    *,
    valid_from,
    rules,
    user=None,
    version=None,
    referral_min_rate=engine.DEFAULT_REFERRAL_MIN,
    referral_max_rate=engine.DEFAULT_REFERRAL_MAX,
    notes="",
) -> RemunerationVersion:
    """Create a rule version (or replace the rules of ``version``), all or nothing.

    Refused with a ``ValidationError`` listing every problem: a second version starting the same day,
    rates outside their range (referral fees within the partnership's allowed range), step shares not
    adding up to 100 %, negative amounts, two rules paying the same thing, a version whose payouts are
    already approved or paid (add a new version instead).
    """
    if user is not None and not can_manage_rules(user, partnership):
        raise PermissionDenied
    errors = []
    try:
        rules = [_normalise_rule(r) for r in rules]
        referral_min_rate = engine.to_decimal(referral_min_rate)
        referral_max_rate = engine.to_decimal(referral_max_rate)
    except engine.RemunerationError as exc:
        raise ValidationError(exc.messages, code="invalid_rules") from exc
    if valid_from is None:
        errors.append(_("Say from which day the rules are in force."))
    others = RemunerationVersion.objects.filter(partnership=partnership, valid_from=valid_from)
    if version is not None:
        others = others.exclude(pk=version.pk)
        if version.is_locked():
            errors.append(
                _(
                    "Payouts computed with this version are already approved, paid or on hold: its rules "
                    "can no longer change. Add a new version in force from a later date."
                )
            )
    if valid_from is not None and others.exists():
        errors.append(
            _("Another version of these rules starts on %(date)s: the rules in force would be ambiguous.")
            % {"date": valid_from.isoformat()}
        )
    members = {
        str(u)
        for u in PartnershipParty.objects.filter(partnership=partnership).values_list(
            "organization__uuid", flat=True
        )
    }
    for data in rules:
        unknown = [k for k in data["weights"] if k not in members]
        if unknown:
            errors.append(
                _("The weight “%(key)s” is not for a member of this partnership.") % {"key": unknown[0]}
            )
    try:
        candidate = engine.RuleVersion(
            valid_from=valid_from or datetime.date.min,
            rules=tuple(engine_rule(r) for r in rules),
            referral_min=referral_min_rate,
            referral_max=referral_max_rate,
        )
        errors.extend(engine.version_errors(candidate))
    except engine.RemunerationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)), code="invalid_rules")
    with transaction.atomic():
        if version is None:
            version = RemunerationVersion(partnership=partnership, created_by=user)
        version.valid_from = valid_from
        version.referral_min_rate = referral_min_rate
        version.referral_max_rate = referral_max_rate
        version.notes = notes or ""
        version.full_clean()
        version.save()
        version.rules.all().delete()
        for position, data in enumerate(rules):
            rule = RemunerationRule(version=version, position=position, **data)
            rule.full_clean(exclude=["version"])
            rule.save()
    return version


def delete_version(version, user=None) -> None:
    if user is not None and not can_manage_rules(user, version.partnership):
        raise PermissionDenied
    if version.payouts.exists():
        raise Refusal(_("Payouts were computed with this version: it cannot be deleted."), code=VERSION_USED)
    version.delete()


def save_deal_remuneration(deal, *, margin, assignments, user=None) -> None:
    """Set a deal's margin and its sales-cycle step assignments (``[(step, organisation uuid), ...]``).

    All or nothing: a negative margin, an unknown step or an organisation that is not on the deal is
    refused with a ``ValidationError``.
    """
    if user is not None and not can_manage_rules(user, deal.partnership):
        raise PermissionDenied
    if user is not None:
        rights.require_writable(user, type(deal), deal, {"margin": margin})
    if margin is not None and margin < 0:
        raise ValidationError(_("The margin cannot be negative."), code="negative_margin")
    if margin is not None and margin > deal.amount:
        raise ValidationError(_("The margin cannot exceed the amount."), code="margin_over_amount")
    on_deal = {str(u): pk for u, pk in deal.parties.values_list("organization__uuid", "organization_id")}
    rows = []
    for step, organization in assignments:
        if step not in SalesStep.values:
            raise ValidationError(_("Unknown sales-cycle step “%(step)s”.") % {"step": step}, code="bad_step")
        if str(organization) not in on_deal:
            raise ValidationError(_("Only an organisation on the deal can carry a step."), code="not_on_deal")
        rows.append((step, on_deal[str(organization)]))
    with transaction.atomic():
        if margin != deal.margin:
            deal.margin = margin
            record_margin_author(deal, user)
        deal.save(update_fields=["margin", "margin_declared", "updated_at"])
        DealStepAssignment.objects.filter(deal=deal).delete()
        for step, organization_id in sorted(set(rows)):
            DealStepAssignment.objects.create(deal=deal, step=step, organization_id=organization_id)


def rules_in_force(partnership, on=None):
    """The version in force today (or on ``on``) for ``partnership``, or None."""
    on = on or timezone.localdate()
    return (
        RemunerationVersion.objects.filter(partnership=partnership, valid_from__lte=on)
        .order_by("-valid_from")
        .prefetch_related("rules")
        .first()
    )


def load_versions(partnership_ids=None) -> dict:
    """partnership id → its rule versions for the engine, oldest first.

    Rules are read as plain values; equal rules (most partnerships start from the same model) become one
    engine object, so versions with the same rules compare equal cheaply and share compiled plans.
    """
    versions = RemunerationVersion.objects.all()
    rules = RemunerationRule.objects.all()
    if partnership_ids is not None:
        versions = versions.filter(partnership_id__in=partnership_ids)
        rules = rules.filter(version__partnership_id__in=partnership_ids)
    columns = ["kind", "basis", "rate", "fixed_amount", "party_role", "steps", "weight_source", "weights"]
    rule_rows = list(rules.order_by("version_id", "position", "pk").values_list("version_id", *columns))
    weight_uuids = {k for row in rule_rows for k in (row[-1] or {})}
    weight_keys = {}
    if weight_uuids:
        weight_keys = {
            str(u): pk
            for u, pk in Organization.objects.filter(uuid__in=weight_uuids).values_list("uuid", "pk")
        }
    by_version = defaultdict(list)
    memo = {}
    for version_id, *values in rule_rows:
        raw = tuple(json.dumps(v, sort_keys=True) if isinstance(v, list | dict) else v for v in values)
        rule = memo.get(raw)
        if rule is None:
            rule = memo[raw] = engine_rule(dict(zip(columns, values, strict=True)), weight_keys=weight_keys)
        by_version[version_id].append(rule)
    result = defaultdict(list)
    for pk, partnership_id, valid_from, rmin, rmax in versions.order_by("valid_from").values_list(
        "pk", "partnership_id", "valid_from", "referral_min_rate", "referral_max_rate"
    ):
        result[partnership_id].append(
            engine.RuleVersion(
                valid_from=valid_from,
                rules=tuple(by_version[pk]),
                referral_min=rmin,
                referral_max=rmax,
                key=pk,
            )
        )
    return result
