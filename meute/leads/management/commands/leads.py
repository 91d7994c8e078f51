from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.leads.workflow import expire_offers, route_new
from meute.lib.commands import MeuteCommand


class Command(MeuteCommand):
    help = gettext_lazy(
        "Batch jobs of lead distribution: “meute leads route” offers every new lead to a partner, "
        "“meute leads expire” times out unanswered offers and re-routes their leads."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["route", "expire"], help=gettext_lazy("The job to run."))

    def handle(self, *args, action, **options):
        if action == "expire":
            count = expire_offers()
            self.stdout.write(self.style.SUCCESS(_("%(count)s offer(s) timed out.") % {"count": count}))
            return
        offered, unassigned = route_new()
        self.stdout.write(
            self.style.SUCCESS(
                _("%(offered)s lead(s) offered, %(unassigned)s left unassigned.")
                % {"offered": offered, "unassigned": unassigned}
            )
        )
