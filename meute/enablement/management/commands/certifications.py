"""``meute certifications``: remind the holders of certifications that end soon, import certifications
from a learning platform's file, list those ending soon."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.importing import ImportFileError, ImportValidationError
from meute.lib.commands import MeuteCommand


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("Invalid date “%(value)s”: use YYYY-MM-DD.") % {"value": value}, returncode=2
        ) from exc


class Command(MeuteCommand):
    help = gettext_lazy(
        "Certifications: remind [--dry-run] [--today DATE], import FILE [--dry-run], expiring [--days N]."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        remind = actions.add_parser(
            "remind", help=str(gettext_lazy("Send the reminders of certifications ending soon."))
        )
        remind.add_argument("--dry-run", action="store_true", help=str(gettext_lazy("Count, send nothing.")))
        remind.add_argument("--today", help=str(gettext_lazy("Run as on this date (YYYY-MM-DD).")))
        imported = actions.add_parser(
            "import",
            help=str(gettext_lazy("Import certifications from a CSV or .xlsx file (all rows or nothing).")),
        )
        imported.add_argument("file")
        imported.add_argument(
            "--dry-run", action="store_true", help=str(gettext_lazy("Check only, write nothing."))
        )
        expiring = actions.add_parser(
            "expiring", help=str(gettext_lazy("List the certifications ending soon."))
        )
        expiring.add_argument("--days", type=int, default=90)

    def handle(self, *args, action, **options):
        if action == "remind":
            self._remind(options)
        elif action == "import":
            self._import(options)
        else:
            self._expiring(options)

    def _remind(self, options):
        from meute.enablement.certifications import remind_expiring

        today = _date(options["today"]) if options.get("today") else None
        run = remind_expiring(today, dry_run=options["dry_run"])
        message = (
            _("%(sent)s reminders would be sent, %(skipped)s sent already (dry run).")
            if options["dry_run"]
            else _("%(sent)s reminders sent, %(skipped)s sent already.")
        )
        self.stdout.write(message % {"sent": run.sent, "skipped": run.skipped})

    def _import(self, options):
        from pathlib import Path

        from meute.enablement.importing import import_certified

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path}, returncode=2)
        try:
            result = import_certified(path.read_bytes(), filename=path.name, dry_run=options["dry_run"])
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except ImportValidationError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc), returncode=1) from exc
        message = (
            _("The file is valid: %(count)s certifications would be imported (nothing written).")
            if result.dry_run
            else _("Imported %(count)s certifications.")
        )
        self.stdout.write(message % {"count": result.created})

    def _expiring(self, options):
        from meute.enablement.models import PersonCertification

        if options["days"] < 0:
            raise CommandError(_("--days is 0 or more."), returncode=2)
        today = timezone.localdate()
        rows = (
            PersonCertification.objects.expiring_between(
                today, today + datetime.timedelta(days=options["days"])
            )
            .select_related("person", "person__organization")
            .order_by("valid_until")
        )
        for row in rows:
            self.stdout.write(
                "  ".join(
                    (
                        row.valid_until.isoformat(),
                        row.person.organization.name,
                        row.person.full_name,
                        row.name,
                    )
                )
            )
