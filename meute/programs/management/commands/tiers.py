import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.importing import ImportFileError, ImportValidationError
from meute.core.management.commands._options import user_by_username
from meute.core.progress import progress_bar
from meute.lib.commands import extra_actions
from meute.money.importing import import_rates
from meute.programs.evaluation import run_evaluation
from meute.programs.importing import import_revenue
from meute.programs.models import Program


class Command(BaseCommand):
    help = gettext_lazy(
        "Partner tiers. “meute tiers evaluate” evaluates every member of the active programmes and lists "
        "the promotions and demotions it finds (nothing is written without --apply). "
        "“meute tiers import-revenue FILE” imports revenue records (all rows or nothing). "
        "“meute tiers import-metrics FILE” imports partner metrics (all rows or nothing). "
        "“meute tiers import-rates FILE” imports exchange rates (all rows or nothing). "
        "“meute tiers labels” awards the rule labels to the partners that meet them."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse needs a plain string to wrap
        return parser

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help=(_("Evaluate partners against tier rules.")))
        evaluate.add_argument(
            "--apply",
            action="store_true",
            help=_(
                "Record the proposals (applied at once when the programme applies changes automatically)."
            ),
        )
        evaluate.add_argument("--program", metavar="CODE", help=_("Only this programme (its code)."))
        evaluate.add_argument("--quiet", action="store_true", help=_("No progress bar."))
        evaluate.add_argument("--as-user", metavar="USERNAME", help=_("Name this user in the audit trail."))
        revenue = sub.add_parser("import-revenue", help=(_("Import revenue records.")))
        revenue.add_argument("file", help=_("Path of the .csv or .xlsx file."))
        revenue.add_argument("--dry-run", action="store_true", help=_("Check the file only."))
        revenue.add_argument("--as-user", metavar="USERNAME", help=_("Import as this user."))
        metrics = sub.add_parser(
            "import-metrics", help=_("Import partner metrics (won deals, satisfaction, custom metrics).")
        )
        metrics.add_argument("file", help=_("Path of the .csv or .xlsx file."))
        metrics.add_argument("--dry-run", action="store_true", help=_("Check the file only."))
        metrics.add_argument("--as-user", metavar="USERNAME", help=_("Import as this user."))
        rates = sub.add_parser("import-rates", help=_("Import exchange rates."))
        rates.add_argument("file", help=_("Path of the .csv or .xlsx file."))
        rates.add_argument("--dry-run", action="store_true", help=_("Check the file only."))
        rates.add_argument("--as-user", metavar="USERNAME", help=_("Import as this user."))
        for name, extra in sorted(extra_actions("tiers").items()):
            extra.add_arguments(sub.add_parser(name, help=str(extra.help)))

    def handle(self, *args, action, **options):
        if action == "evaluate":
            return self.evaluate(**options)
        extra = extra_actions("tiers").get(action)
        if extra is not None:
            return extra.handle(self, **options)
        if action == "import-metrics":
            return self.import_metrics(**options)
        if action == "import-rates":
            return self.import_rates(**options)
        return self.import_revenue(**options)

    def evaluate(self, *, apply, program, quiet, as_user, verbosity, **options):
        user = user_by_username(as_user)
        programs = Program.objects.filter(is_active=True)
        if program:
            programs = Program.objects.filter(code=program)
            if not programs.exists():
                raise CommandError(
                    _("No programme with the code “%(code)s”.") % {"code": program}, returncode=2
                )
        show = not quiet and verbosity > 0
        for item in programs.order_by("name"):

            def bar(rows, name=item.name):
                return progress_bar(rows, desc=name, enabled=show, unit="partners")

            try:
                summary = run_evaluation(item, write=apply, actor=user, progress=bar)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages), returncode=1) from exc
            values = {
                "program": item.name,
                "members": len(summary.outcomes),
                "promote": summary.count("promote"),
                "demote": summary.count("demote"),
                "grace": summary.count("grace_started") + summary.count("grace_running"),
                "pending": summary.count("pending"),
            }
            self.stdout.write(
                _(
                    "%(program)s: %(members)s partners evaluated, %(promote)s promotions, "
                    "%(demote)s demotions, %(grace)s in a grace period, %(pending)s proposals still waiting."
                )
                % values
            )
            conversion = summary.conversion
            for line in conversion.lines() if conversion else []:
                self.stdout.write(self.style.WARNING(line) if conversion.missing else line)
            if verbosity > 1 or not apply:
                names = dict(item.tiers.values_list("pk", "name"))
                for outcome in summary.outcomes:
                    change = outcome.change
                    if change is None:
                        continue
                    before, after = names.get(change.from_tier_id, "—"), names.get(change.to_tier_id, "—")
                    self.stdout.write(f"  {outcome.member.partnership.name}: {before} → {after}")
            if apply:
                message = (
                    _("Changes applied.")
                    if item.auto_apply
                    else _("Proposals recorded: they wait for approval.")
                )
            else:
                message = _("Nothing written (use --apply to record the proposals).")
            self.stdout.write(self.style.SUCCESS(message))
        sys.stdout.flush()

    def run_import(self, importer, *, file, dry_run, as_user):
        """Run one all-or-nothing import, printing every error by line and column on failure."""
        user = user_by_username(as_user)
        try:
            return importer(file, user=user, dry_run=dry_run)
        except (ImportFileError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except ImportValidationError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc), returncode=1) from exc

    def import_revenue(self, *, file, dry_run, as_user, **options):
        result = self.run_import(import_revenue, file=file, dry_run=dry_run, as_user=as_user)
        if result.dry_run:
            message = _("The file is valid: %(count)s records would be imported (nothing written).")
        else:
            message = _("Imported %(count)s revenue records.")
        self.stdout.write(self.style.SUCCESS(message % {"count": result.created}))

    def import_metrics(self, *, file, dry_run, as_user, **options):
        from meute.programs.metrics import import_metrics

        result = self.run_import(import_metrics, file=file, dry_run=dry_run, as_user=as_user)
        if result.dry_run:
            message = _("The file is valid: %(count)s metrics would be imported (nothing written).")
        else:
            message = _("Imported %(count)s partner metrics.")
        self.stdout.write(self.style.SUCCESS(message % {"count": result.created}))

    def import_rates(self, *, file, dry_run, as_user, **options):
        result = self.run_import(import_rates, file=file, dry_run=dry_run, as_user=as_user)
        if result.dry_run:
            message = _("The file is valid: %(count)s exchange rates would be imported (nothing written).")
        else:
            message = _("Imported %(count)s exchange rates.")
        message = message % {"count": result.created}
        if result.unchanged:
            message += " " + _("%(count)s already recorded, left as they were.") % {"count": result.unchanged}
        self.stdout.write(self.style.SUCCESS(message))
