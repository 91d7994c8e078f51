import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.exporting import EXPORTS, FORMATS, export
from meute.lib.commands import MeuteCommand

from ._options import user_by_username


class Command(MeuteCommand):
    help = gettext_lazy(
        "Export organisations or people as CSV, Excel (.xlsx) or JSON, to a file or to standard output. "
        "The columns are those the import reads, so an export can be imported again. "
        "Available as “meute export organizations|people --format csv|xlsx|json”."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(EXPORTS))
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=FORMATS,
            help=gettext_lazy("Default: from --output, else csv."),
        )
        parser.add_argument("--output", "-o", help=gettext_lazy("File to write (default: standard output)."))
        parser.add_argument(
            "--as-user",
            metavar="USERNAME",
            help=gettext_lazy("Export only what this user may see (default: everything)."),
        )
        parser.add_argument("--quiet", action="store_true", help=gettext_lazy("No progress bar."))

    def handle(self, *args, kind, file_format, output, as_user, quiet, verbosity, **options):
        user = user_by_username(as_user)
        if file_format is None:
            suffix = Path(output).suffix.lower().lstrip(".") if output else ""
            file_format = suffix if suffix in FORMATS else "csv"
        progress = bool(output) and not quiet and verbosity > 0
        if output:
            mode, encoding = ("wb", None) if file_format == "xlsx" else ("w", "utf-8")
            try:
                with open(output, mode, encoding=encoding, newline="" if mode == "w" else None) as stream:
                    count = export(kind, file_format, stream, user=user, progress=progress)
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(path)s: %(reason)s") % {"path": output, "reason": exc.strerror},
                    returncode=1,
                ) from exc
            self.stderr.write(_("Exported %(count)s rows to %(path)s.") % {"count": count, "path": output})
            return
        if file_format == "xlsx":
            if sys.stdout.isatty():
                raise CommandError(
                    _("An Excel file cannot be written to a terminal: use --output FILE."), returncode=2
                )
            export(kind, file_format, sys.stdout.buffer, user=user)
            return
        self.stdout.ending = ""  # the writers end their own lines
        export(kind, file_format, self.stdout, user=user)
