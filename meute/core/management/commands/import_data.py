import sys
import time

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.importing import EXTRA_KINDS, KINDS, ImportFileError, ImportValidationError, import_file
from meute.lib.commands import MeuteCommand

from ._options import user_by_username


class Command(MeuteCommand):
    help = gettext_lazy(
        "Import organisations or people from a CSV (UTF-8 or Windows/Latin-1, ',' or ';'), .xlsx or JSON "
        "file. Every line is checked first and every error is listed with its line and column; when there "
        "is any error nothing is written. Available as “meute import organizations|people FILE”."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=(*KINDS, *EXTRA_KINDS), help=gettext_lazy("What the file holds."))
        parser.add_argument("file", help=gettext_lazy("Path of the .csv, .xlsx or .json file."))
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("Check the file only; write nothing.")
        )
        parser.add_argument("--quiet", action="store_true", help=gettext_lazy("No progress bar."))
        parser.add_argument(
            "--as-user",
            metavar="USERNAME",
            help=gettext_lazy("Import as this user: their rights apply and the audit trail names them."),
        )

    def handle(self, *args, kind, file, dry_run, quiet, as_user, verbosity, **options):
        user = user_by_username(as_user)
        started = time.perf_counter()
        try:
            if kind in EXTRA_KINDS:  # kinds of other apps, e.g. deal registration's direct-sales accounts
                result = EXTRA_KINDS[kind](file, user=user, dry_run=dry_run)
            else:
                result = import_file(
                    kind, file, user=user, dry_run=dry_run, progress=not quiet and verbosity > 0
                )
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except ImportValidationError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc), returncode=1) from exc
        elapsed = max(time.perf_counter() - started, 1e-6)
        values = {"count": result.created, "seconds": elapsed, "rate": result.created / elapsed}
        if result.dry_run:
            message = _("The file is valid: %(count)s rows would be imported (nothing written).") % values
        else:
            message = _("Imported %(count)s rows in %(seconds).1f s (%(rate).0f rows/s).") % values
        self.stdout.write(self.style.SUCCESS(message))
        if result.created_references:
            self.stdout.write(
                _("New reference data: %(rows)s") % {"rows": "; ".join(result.created_references)}
            )
        sys.stdout.flush()
