from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.deals.workflow import expire_protections


class Command(BaseCommand):
    help = gettext_lazy("Batch jobs of deal registration: “meute deals expire” ends elapsed protections.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["expire"], help=gettext_lazy("The job to run."))

    def handle(self, *args, action, **options):
        count = expire_protections()
        self.stdout.write(self.style.SUCCESS(_("%(count)s protection(s) expired.") % {"count": count}))
