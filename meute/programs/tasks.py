"""Background tasks of the programme app (run in-process unless a Celery broker is configured)."""

from celery import shared_task

from meute.programs.evaluation import NoTiersError, run_evaluation

from .models import Program
from .rule_versions import bring_into_force


@shared_task
def evaluate_tiers_task(program_code: str | None = None, apply: bool = True) -> dict:
    """Periodic tier evaluation of every active programme (or one): counts per programme."""
    bring_into_force()  # versions that took over since yesterday: the tiers' own fields follow
    programs = Program.objects.filter(is_active=True)
    if program_code:
        programs = Program.objects.filter(code=program_code)
    report = {}
    for program in programs:
        try:
            summary = run_evaluation(program, write=apply)
        except NoTiersError as exc:
            report[program.code] = {"error": " ".join(exc.messages)}
            continue
        report[program.code] = {
            "evaluated": len(summary.outcomes),
            "promotions": summary.count("promote"),
            "demotions": summary.count("demote"),
            "grace": summary.count("grace_started") + summary.count("grace_running"),
            "converted_records": summary.conversion.converted,
            "unconverted": dict(sorted(summary.conversion.missing.items())),
        }
    return report


@shared_task
def bring_tier_rules_into_force_task() -> dict:
    """Nightly: tiers whose scheduled rule version takes over today get its rules in their own fields (read
    by lead routing, deal protection and the partner locator)."""
    return {"tiers_changed": bring_into_force()}
