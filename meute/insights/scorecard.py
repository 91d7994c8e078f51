"""A partnership's scorecard: its own figures only, for staff and for the partner's portal alike (seed 003:
transparency). Every query is scoped to the one partnership; nothing from other partners is aggregated."""

import datetime
import io
from decimal import Decimal

from django.db.models import Count, Sum

from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.money.exchange import converted_totals
from meute.partnerships.choices import PartyRole
from meute.partnerships.models import Partnership
from meute.programs.certifications import count_people
from meute.programs.choices import ObjectiveKind
from meute.programs.models import BusinessPlan, RevenueRecord

from .evidence import current_objectives
from .integration import index_for
from .models import SurveyAnswer
from .snapshots import partnership_health, trend
from .surveys import Nps

ZERO = Decimal("0")
CENT = Decimal("0.01")


def scorecard(partnership, today: datetime.date) -> dict:
    currency = (
        BusinessPlan.objects.filter(partnership=partnership).values_list("currency", flat=True).first()
        or "EUR"
    )
    start = datetime.date(today.year, 1, 1)
    records = RevenueRecord.objects.filter(partnership=partnership, period__gte=start, period__lte=today)
    totals, _report = converted_totals(records, "partnership_id", currency)
    revenue = totals[partnership.pk].rounded if partnership.pk in totals else ZERO
    objective = (
        current_objectives()
        .filter(version__plan__partnership=partnership, kind=ObjectiveKind.REVENUE, year=today.year)
        .aggregate(t=Sum("target"))["t"]
        or ZERO
    )
    deals = dict(
        DealRegistration.objects.filter(partnership=partnership)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    partner_orgs = partnership.parties.exclude(role=PartyRole.OPERATOR).values("organization_id")
    certified = sum(count_people(partner_orgs, today).values())
    nps = Nps()
    for value in SurveyAnswer.objects.filter(
        invitation__partnership=partnership, question__kind="recommend", score__isnull=False
    ).values_list("score", flat=True):
        nps.add(value)
    return {
        "partnership": partnership,
        "health": partnership_health(partnership, today),
        "trend": trend(partnership),
        "currency": currency,
        "revenue": revenue,
        "objective": Decimal(objective).quantize(CENT),
        "open_deals": sum(deals.get(s, 0) for s in (DealStage.SUBMITTED, DealStage.APPROVED)),
        "won_deals": deals.get(DealStage.WON, 0),
        "certified": certified,
        "nps": nps,
        "integration": index_for(Partnership.objects.filter(pk=partnership.pk), today)[partnership.pk],
    }


def to_pdf(card: dict, today: datetime.date, compress: bool = True) -> bytes:
    """The scorecard as an A4 PDF for a quarterly business review, in the active language (the reader's),
    amounts, numbers and dates formatted its way. reportlab's standard Helvetica: its WinAnsi encoding
    covers the French letters, € and the dashes used here; paragraphs set the (narrow) no-break spaces of
    French numbers as plain spaces, which it lacks."""
    from xml.sax.saxutils import escape

    from django.utils.translation import gettext as _
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from meute.lib import formatting

    partnership = card["partnership"]
    currency = card["currency"]
    title = _("Scorecard of %(name)s") % {"name": partnership.name}
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        pageCompression=1 if compress else 0,
    )

    def para(text, style="BodyText"):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), styles[style])

    def table(rows, widths, header=False):
        grid = Table(
            [[para(cell) for cell in row] for row in rows], colWidths=widths, repeatRows=1 if header else 0
        )
        commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")))
        grid.setStyle(TableStyle(commands))
        return grid

    nps = card["nps"]
    figures = [
        (_("Health"), f"{formatting.number(card['health'].score)}/100"),
        (_("Revenue this year"), formatting.money(card["revenue"], currency)),
        (_("Objective"), formatting.money(card["objective"], currency)),
        (_("Open registered deals"), formatting.number(card["open_deals"])),
        (_("Won registered deals"), formatting.number(card["won_deals"])),
        (_("Certified people"), formatting.number(card["certified"])),
        (
            _("Satisfaction (NPS)"),
            "—"
            if nps.score is None
            else _("%(score)s (%(answers)s answers)")
            % {"score": formatting.number(nps.score), "answers": formatting.number(nps.responses)},
        ),
        (_("Integration index"), f"{formatting.number(card['integration']['index'])}/100"),
    ]
    checks = [(_("Check"), _("Score"), _("Why"), _("Suggested action"))]
    checks += [
        (str(c.label), f"{formatting.number(c.percent)} %", c.reason, c.action or "—")
        for c in card["health"].components
    ]
    story = [
        para(title, "Title"),
        para(
            _("Figures of this partnership only, for %(year)s, as of %(date)s.")
            % {"year": today.year, "date": formatting.date(today)},
            "Italic",
        ),
        Spacer(1, 0.4 * cm),
        table(figures, [8 * cm, 9 * cm]),
        Spacer(1, 0.4 * cm),
        para(_("Health checks"), "Heading2"),
        table(checks, [4 * cm, 2 * cm, 6 * cm, 5 * cm], header=True),
    ]
    if card["trend"]:
        story += [Spacer(1, 0.4 * cm), para(_("Trend"), "Heading2")]
        story.append(
            table(
                [(_("Date"), _("Health"))]
                + [(formatting.date(day), formatting.number(value)) for day, value in card["trend"]],
                [8 * cm, 9 * cm],
                header=True,
            )
        )
    document.build(story)
    return buffer.getvalue()


def pdf_filename(partnership, today: datetime.date) -> str:
    from django.utils.text import slugify

    slug = slugify(partnership.name)[:60] or "partner"
    return f"scorecard-{slug}-{today.isoformat()}.pdf"
