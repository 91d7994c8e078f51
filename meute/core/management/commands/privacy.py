"""``meute privacy export|erase SUBJECT``: what Meute holds about a person (JSON), and its erasure;
``meute privacy purge``: what the retention settings say is old enough, deleted."""

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core import privacy, retention
from meute.lib.commands import MeuteCommand


class Command(MeuteCommand):
    help = gettext_lazy(
        "Personal data (GDPR): export SUBJECT writes as JSON everything Meute holds about a person; erase "
        "SUBJECT anonymises it everywhere (records, deal contacts, history, notifications) and records that "
        "the erasure happened. SUBJECT is an e-mail address, a person's identifier or a username. purge "
        "deletes what the retention settings (MEUTE_RETENTION_*) say is old enough."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase", "purge"])
        parser.add_argument(
            "subject", nargs="?", help=gettext_lazy("e-mail address, person identifier or username")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("purge: count what would go, delete nothing.")
        )
        parser.add_argument(
            "--output", "-o", help=gettext_lazy("File to write the export to (default: standard output).")
        )
        parser.add_argument(
            "--yes", action="store_true", help=gettext_lazy("Erase without asking for confirmation.")
        )

    def handle(self, *args, action, subject, output, yes, dry_run, **options):
        if action == "purge":
            if subject:
                raise CommandError(_("purge takes no subject."), returncode=2)
            self._purge(dry_run)
            return
        if not subject:
            raise CommandError(_("Name the person: an e-mail address, identifier or username."), returncode=2)
        try:
            found = privacy.find_subject(subject)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=1) from exc
        if action == "export":
            text = json.dumps(privacy.export(found), cls=privacy.json_encoder, indent=2, ensure_ascii=False)
            if output:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                self.stderr.write(_("Written to %(file)s.") % {"file": output})
            else:
                self.stdout.write(text)
            return
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(_("Add --yes to erase without a terminal to confirm."), returncode=2)
            answer = input(
                _("Erase every personal value of “%(subject)s”? This cannot be undone. [y/N] ")
                % {"subject": subject}
            )
            if answer.strip().lower() not in ("y", "yes", "o", "oui"):
                raise CommandError(_("Nothing was erased."), returncode=1)
        record = privacy.erase(found)
        self.stdout.write(
            _("Erased: %(counts)s (erasure recorded on %(when)s).")
            % {
                "counts": ", ".join(f"{name} {count}" for name, count in record.counts.items()),
                "when": record.created_at.strftime("%Y-%m-%d %H:%M"),
            }
        )

    def _purge(self, dry_run):
        for result in retention.purge(dry_run=dry_run):
            if result.days == 0:
                line = _("%(kind)s: kept forever") % {"kind": result.name}
            elif dry_run:
                line = _("%(kind)s: %(count)s older than %(days)s days would be deleted") % {
                    "kind": result.name,
                    "count": result.count,
                    "days": result.days,
                }
            else:
                line = _("%(kind)s: %(count)s older than %(days)s days deleted") % {
                    "kind": result.name,
                    "count": result.count,
                    "days": result.days,
                }
            self.stdout.write(line)
