"""``meute announcements digest``: e-mail partner users the announcements and promotions meant for them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.lib.commands import MeuteCommand


class Command(MeuteCommand):
    help = gettext_lazy("Announcements: digest (e-mail each partner user what was published for them since).")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("digest", help=str(gettext_lazy("Send the digest now.")))

    def handle(self, *args, action, **options):
        from meute.enablement.library import send_digests

        self.stdout.write(_("%(count)s digests sent.") % {"count": send_digests()})
