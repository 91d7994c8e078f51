"""Where a partner stands in a programme: its tier, what it needs for the next one, and the announced rule
change with the tier its current figures would earn then. Shared by the partner's page and the API."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from meute.programs.evaluation import (
    collect_metrics,
    evaluation_window,
    rule_versions_of,
    rules_at,
)

from .figures import Waiting, waiting_for_many
from .rule_versions import Announcement, next_announcement
from .tiering import Evaluation, PartnerMetrics, evaluate


@dataclass
class Standing:
    member: object  # PartnerTier
    evaluation: Evaluation | None  # today's figures against today's rules; None without tiers
    announcement: Announcement | None  # the programme's next scheduled change, if any
    outlook: Evaluation | None  # today's figures against the announced rules
    waiting: Waiting | None = None  # declared revenue of the evaluation window, not counted until verified

    def as_json(self) -> dict:
        evaluation, announcement = self.evaluation, self.announcement
        return {
            "tier": self.member.tier.name if self.member.tier_id else None,
            "eligible_tier": evaluation.tier.name if evaluation and evaluation.tier else None,
            "next_tier": evaluation.next_tier.name if evaluation and evaluation.next_tier else None,
            "waiting_for_verification": {
                "records": self.waiting.records if self.waiting else 0,
                "totals": {k: str(v) for k, v in self.waiting.totals.items()} if self.waiting else {},
            },
            "next_tier_requirements": [
                {**result.as_json(), "message": result.message} for result in evaluation.next_check.results
            ]
            if evaluation and evaluation.next_check
            else [],
            "announcement": None
            if announcement is None
            else {
                "effective_from": announcement.effective_from,
                "tiers": [
                    {
                        "tier": tier.tier_name,
                        "changes": [
                            {"label": c.label, "before": c.before, "after": c.after} for c in tier.changes
                        ],
                    }
                    for tier in announcement.tiers
                ],
                "outlook_tier": self.outlook.tier.name if self.outlook and self.outlook.tier else None,
            },
        }


def standing_of(member, announcements: dict | None = None) -> Standing:
    """``member``'s standing today. ``announcements`` caches each programme's announcement across calls."""
    return standings_of([member], announcements)[0]


def _evaluate(program, metrics, rules) -> Evaluation | None:
    if not rules:
        return None
    return evaluate(metrics, rules, currency=program.currency, months=program.evaluation_months)


def standings_of(members, announcements: dict | None = None) -> list[Standing]:
    """``standing_of`` of several members, in their order: per programme, its rules, announcement, figures
    and waiting records are read once for all its members (a page's query count follows its programmes,
    not its partnerships); today's figures serve both today's rules and the announced ones."""
    announcements = {} if announcements is None else announcements
    today = timezone.localdate()
    by_program = {}
    for member in members:
        by_program.setdefault(member.program_id, []).append(member)
    found = {}
    for program_id, group in by_program.items():
        program = group[0].program
        versions = rule_versions_of(program)
        if program_id not in announcements:
            announcements[program_id] = next_announcement(program, versions=versions)
        announcement = announcements[program_id]
        rules = rules_at(program, today, versions)
        announced_rules = rules_at(program, announcement.effective_from, versions) if announcement else []
        ids = [member.partnership_id for member in group]
        figures = collect_metrics(program, today, partnership_ids=ids) if rules or announced_rules else {}
        waiting = waiting_for_many(ids, *evaluation_window(program, today))
        for member in group:
            metrics = figures.get(member.partnership_id, PartnerMetrics())
            found[member.pk] = Standing(
                member=member,
                evaluation=_evaluate(program, metrics, rules),
                announcement=announcement,
                outlook=_evaluate(program, metrics, announced_rules) if announcement else None,
                waiting=waiting.get(member.partnership_id, Waiting(records=0, totals={})),
            )
    return [found[member.pk] for member in members]


def progress_percent(result) -> int:
    """How far ``result`` (a ``RequirementResult``) is toward its requirement, 0–100, for a progress bar.

    100 once met; below, the share of the required figure reached (capped at 99: not met is never full).
    Requirements without one figure to compare (certified people per role) read 0 until met.
    """
    if result.met:
        return 100
    try:
        required, actual = Decimal(str(result.required)), Decimal(str(result.actual or 0))
    except (InvalidOperation, TypeError, ValueError):
        return 0
    if required <= 0:
        return 0
    return max(0, min(99, int(actual * 100 / required)))
