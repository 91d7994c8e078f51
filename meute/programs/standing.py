"""Where a partner stands in a programme: its tier, what it needs for the next one, and the announced rule
change with the tier its current figures would earn then. Shared by the partner's page and the API."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from meute.programs.evaluation import evaluation_window, members_metrics, partner_progress

from .figures import Waiting, waiting_for
from .rule_versions import Announcement, next_announcement
from .tiering import Evaluation


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


def standing_of(
    member, announcements: dict | None = None, *, metrics=None, rules: dict | None = None
) -> Standing:
    """``member``'s standing today. ``announcements`` caches each programme's announcement across calls,
    ``rules`` the rules read by programme and day; ``metrics``: the member's figures, when the caller
    collected those of several members at once (``evaluation.members_metrics``). The figures are collected
    once: today's rules and the announced ones are read against the same figures."""
    announcements = {} if announcements is None else announcements
    if member.program_id not in announcements:
        announcements[member.program_id] = next_announcement(member.program)
    announcement = announcements[member.program_id]
    today = timezone.localdate()
    if metrics is None:
        metrics = members_metrics([member], today)[member.program_id, member.partnership_id]
    return Standing(
        member=member,
        evaluation=partner_progress(member, today, metrics=metrics, rules=rules),
        announcement=announcement,
        outlook=partner_progress(
            member, today, rules_on=announcement.effective_from, metrics=metrics, rules=rules
        )
        if announcement
        else None,
        waiting=waiting_for(member.partnership_id, *evaluation_window(member.program, today)),
    )


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
