from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.deals.blocking import rewrite_all_keys
from meute.deals.evidence import Weights
from meute.deals.training import MAX_TRAINING_RECORDS, retrain
from meute.deals.workflow import expire_protections


class Command(BaseCommand):
    help = gettext_lazy(
        "Batch jobs of deal registration: “meute deals expire” ends elapsed protections; "
        "“meute deals retrain” learns the conflict matcher's weights from the customers and registrations "
        "and puts them in force as a new version; “meute deals rekey” rewrites every customer's "
        "blocking keys (after an upgrade that changed them)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["expire", "retrain", "rekey"], help=gettext_lazy("The job to run.")
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=MAX_TRAINING_RECORDS,
            help=gettext_lazy("retrain: at most this many customers (and as many registrations) are read."),
        )
        parser.add_argument(
            "--seed", type=int, default=0, help=gettext_lazy("retrain: the random pairs' seed.")
        )

    def handle(self, *args, action, limit, seed, **options):
        if action == "expire":
            count = expire_protections()
            self.stdout.write(self.style.SUCCESS(_("%(count)s protection(s) expired.") % {"count": count}))
            return
        if action == "rekey":
            count = rewrite_all_keys()
            self.stdout.write(
                self.style.SUCCESS(_("Blocking keys rewritten for %(count)s customer(s).") % {"count": count})
            )
            return
        if limit < 2:
            raise CommandError(_("--limit must be at least 2."), returncode=2)
        version = retrain(limit=limit, seed=seed)
        message = _(
            "Weights version %(version)s in force, learnt from %(records)s records and %(pairs)s pairs."
        )
        values = {"version": version.version, "records": version.records_used, "pairs": version.pairs_used}
        self.stdout.write(self.style.SUCCESS(message % values))
        if version.notes:
            self.stdout.write(version.notes)
        for row in Weights(version.parameters).rows():
            self.stdout.write(f"  {row['field_label']:<22} {row['meaning']:<62} {row['weight']:+7.2f}")
