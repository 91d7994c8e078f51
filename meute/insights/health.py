"""The health score of a partnership: transparent weighted checks, each with its reason and an action.

A pure function over ``HealthFacts`` (what ``evidence.facts_for`` reads from the records): no database,
no clock. The checks come from the seeds: the four pillars (shared desire, common project, balance,
contract; seed 004), an alliance manager named on every side (seed 002 rule 5), governance meetings at each
level (rule 4), quantified objectives (rule 2), boundaries defined — geography, products, sectors (rule 6),
a contract in place but not sealed too early (rule 8, and seed 003's two months from the letter of intent
to the contract), recent communication (rule 11).

Weights are configurable (``settings.MEUTE_HEALTH_WEIGHTS``, a ``{check: weight}`` mapping merged over
``DEFAULT_WEIGHTS``); a check of weight 0 is shown but does not count.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import CADENCE_DAYS, GovernanceLevel

PILLARS = ("shared_desire", "common_project", "balance", "contract")
PILLAR_LABELS = {
    "shared_desire": gettext_lazy("Shared desire"),
    "common_project": gettext_lazy("Common project"),
    "balance": gettext_lazy("Balance"),
    "contract": gettext_lazy("Contract"),
}

CHECKS = (
    "pillars",
    "alliance_managers",
    "governance",
    "objectives",
    "boundaries",
    "contract",
    "communication",
)
CHECK_LABELS = {
    "pillars": gettext_lazy("The 4 pillars"),
    "alliance_managers": gettext_lazy("Alliance manager on every side"),
    "governance": gettext_lazy("Governance meetings at each level"),
    "objectives": gettext_lazy("Quantified objectives"),
    "boundaries": gettext_lazy("Boundaries defined"),
    "contract": gettext_lazy("Contract in place, not too early"),
    "communication": gettext_lazy("Recent communication"),
}
BOUNDARY_LABELS = {
    "territories": gettext_lazy("territories"),
    "product_lines": gettext_lazy("product lines"),
    "sectors": gettext_lazy("sectors"),
}
DEFAULT_WEIGHTS = {
    "pillars": 20,
    "alliance_managers": 15,
    "governance": 15,
    "objectives": 15,
    "boundaries": 10,
    "contract": 10,
    "communication": 15,
}
# A contract sealed sooner than this after the letter of intent came before the business was on track.
CONTRACT_AFTER_INTENT_DAYS = 60
RECENT_CONTACT_DAYS = 90
STALE_CONTACT_DAYS = 180
LOW_SCORE = 50  # below this a partnership is listed as low on the dashboard


@dataclass(frozen=True)
class HealthFacts:
    as_of: datetime.date
    pillars: dict = field(default_factory=dict)  # pillar key -> True (met), False (not met), None (unknown)
    parties_without_manager: tuple = ()  # names of the parties with no alliance manager
    last_meetings: dict = field(default_factory=dict)  # GovernanceLevel -> date of the last meeting
    quantified_objectives: int = 0  # objectives with a target for this year or later
    territories: int = 0
    product_lines: int = 0
    sectors: int = 0
    letter_of_intent_on: datetime.date | None = None
    contract_on: datetime.date | None = None
    last_contact_on: datetime.date | None = None


@dataclass(frozen=True)
class Component:
    key: str
    score: float  # 0 to 1
    weight: float
    reason: str
    action: str = ""

    @property
    def label(self):
        return CHECK_LABELS[self.key]

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def is_low(self) -> bool:
        return self.score < 1


@dataclass(frozen=True)
class HealthResult:
    score: int
    components: tuple

    @property
    def low(self) -> list:
        """The checks that cost points, the costliest first: the reasons the score is low."""
        return sorted(
            (c for c in self.components if c.is_low and c.weight), key=lambda c: -(1 - c.score) * c.weight
        )

    def as_json(self) -> dict:
        return {c.key: round(c.score, 3) for c in self.components}


def check_weights(weights: dict) -> dict:
    """The weights to use: known checks, none negative, not all zero (else ValueError with the reason)."""
    merged = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise ValueError(_("Unknown health check “%(key)s”.") % {"key": key})
        if value is None or float(value) < 0:
            raise ValueError(_("The weight of “%(key)s” cannot be negative.") % {"key": key})
        merged[key] = float(value)
    if sum(merged.values()) <= 0:
        raise ValueError(_("The health weights sum to zero: give at least one check a weight."))
    return merged


def _pillars(facts, _) -> Component:
    met = [k for k in PILLARS if facts.pillars.get(k) is True]
    missing = [k for k in PILLARS if facts.pillars.get(k) is not True]
    if not missing:
        return Component("pillars", 1.0, 0, _("The four pillars stand."))
    return Component(
        "pillars",
        len(met) / len(PILLARS),
        0,
        _("Pillars not established: %(pillars)s.") % {"pillars": _Labels(missing, PILLAR_LABELS)},
        _("Work on the missing pillars with the partner and record the evidence."),
    )


def _alliance_managers(facts, _) -> Component:
    if not facts.parties_without_manager:
        return Component("alliance_managers", 1.0, 0, _("An alliance manager is named on every side."))
    return Component(
        "alliance_managers",
        0.0,
        0,
        _("No alliance manager named for: %(parties)s.")
        % {"parties": ", ".join(facts.parties_without_manager)},
        _("Insist that a counterpart is named: without a pair on both sides nothing is possible."),
    )


def _governance(facts, _) -> Component:
    problems, held = [], 0
    for level in GovernanceLevel:
        last = facts.last_meetings.get(level)
        cadence = CADENCE_DAYS[level]
        if last is None:
            problems.append(_("%(level)s never met") % {"level": level.label})
        elif (facts.as_of - last).days > cadence:
            problems.append(
                _("%(level)s last met %(days)s days ago (every %(cadence)s days expected)")
                % {"level": level.label, "days": (facts.as_of - last).days, "cadence": cadence}
            )
        else:
            held += 1
    if not problems:
        return Component("governance", 1.0, 0, _("Every governance level meets on time."))
    return Component(
        "governance",
        held / len(GovernanceLevel),
        0,
        "; ".join(problems) + "." if problems[0] else "",
        _("Schedule the overdue governance meetings."),
    )


def _objectives(facts, _) -> Component:
    if facts.quantified_objectives:
        return Component(
            "objectives",
            1.0,
            0,
            _("%(count)s quantified objectives for this year or later.")
            % {"count": facts.quantified_objectives},
        )
    return Component(
        "objectives",
        0.0,
        0,
        _("No quantified objective for this year in the business plan."),
        _("Set ambitious, quantified objectives in the business plan."),
    )


def _boundaries(facts, _) -> Component:
    missing = [
        label
        for count, label in (
            (facts.territories, "territories"),
            (facts.product_lines, "product_lines"),
            (facts.sectors, "sectors"),
        )
        if not count
    ]
    if not missing:
        return Component("boundaries", 1.0, 0, _("Territories, product lines and sectors are defined."))
    return Component(
        "boundaries",
        (3 - len(missing)) / 3,
        0,
        _("Boundaries not defined: %(missing)s.") % {"missing": _Labels(missing, BOUNDARY_LABELS)},
        _("Agree on the boundaries of the partnership (geography, products, sectors)."),
    )


def _contract(facts, _) -> Component:
    if facts.contract_on is None:
        return Component(
            "contract",
            0.0,
            0,
            _("No contract in place."),
            _("Seal the agreement in a contract once the business is on track."),
        )
    if facts.letter_of_intent_on is not None:
        days = (facts.contract_on - facts.letter_of_intent_on).days
        if days < CONTRACT_AFTER_INTENT_DAYS:
            return Component(
                "contract",
                0.5,
                0,
                _(
                    "The contract was signed %(days)s days after the letter of intent: "
                    "too early (about two months "
                    "of joint work are expected first)."
                )
                % {"days": days},
                _("Check that the business behind the contract is on track before adding legal clauses."),
            )
    return Component(
        "contract", 1.0, 0, _("A contract is in place since %(date)s.") % {"date": facts.contract_on}
    )


def _communication(facts, _) -> Component:
    if facts.last_contact_on is None:
        return Component(
            "communication",
            0.0,
            0,
            _("No meeting or exchange recorded."),
            _("Get in touch and record the exchanges."),
        )
    days = (facts.as_of - facts.last_contact_on).days
    if days <= RECENT_CONTACT_DAYS:
        return Component("communication", 1.0, 0, _("Last exchange %(days)s days ago.") % {"days": days})
    return Component(
        "communication",
        0.5 if days <= STALE_CONTACT_DAYS else 0.0,
        0,
        _("Last exchange %(days)s days ago.") % {"days": days},
        _("Get in touch and record the exchanges."),
    )


_RULES = {
    "pillars": _pillars,
    "alliance_managers": _alliance_managers,
    "governance": _governance,
    "objectives": _objectives,
    "boundaries": _boundaries,
    "contract": _contract,
    "communication": _communication,
}


def _silent(message):
    """Scoring without the reasons (snapshots of the whole network): no translation look-up at all."""
    return ""


class _Labels:
    """Labels joined when a reason is written out, not before (a silent score never formats them)."""

    def __init__(self, keys, labels):
        self.keys, self.labels = keys, labels

    def __str__(self):
        return ", ".join(str(self.labels[key]) for key in self.keys)


def score(facts: HealthFacts, weights: dict | None = None, *, explain: bool = True) -> HealthResult:
    """The weighted score (0–100) and every component with its reason, in ``CHECKS`` order; with
    ``explain=False`` the same scores without the reasons (faster, for snapshots)."""
    weights = check_weights(weights or {})
    say = _ if explain else _silent
    components = []
    for key in CHECKS:
        component = _RULES[key](facts, say)
        components.append(
            Component(component.key, component.score, weights[key], component.reason, component.action)
        )
    total = sum(c.weight for c in components)
    value = round(100 * sum(c.score * c.weight for c in components) / total)
    return HealthResult(value, tuple(components))
