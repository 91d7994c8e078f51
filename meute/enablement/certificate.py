"""The certificate of a person certified, as an A4 PDF (reportlab's standard Helvetica, whose WinAnsi
encoding covers French accents)."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats, translation
from django.utils.translation import gettext as _


def render_pdf(record, language: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    with translation.override(language):
        styles = getSampleStyleSheet()
        title = ParagraphStyle("title", parent=styles["Title"], fontSize=30, leading=36, textColor="#1f4e79")
        big = ParagraphStyle("big", parent=styles["Title"], fontSize=24, leading=30)
        body = ParagraphStyle("body", parent=styles["Normal"], fontSize=13, leading=18, alignment=1)
        small = ParagraphStyle("small", parent=body, fontSize=10, textColor=colors.grey)

        def day(value):
            return formats.date_format(value, "DATE_FORMAT") if value else "—"

        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=landscape(A4),
            title=_("Certificate"),
            leftMargin=2.5 * cm,
            rightMargin=2.5 * cm,
            topMargin=2.5 * cm,
        )
        story = [
            Paragraph(escape(_("Certificate")), title),
            Spacer(1, 0.6 * cm),
            Paragraph(escape(_("This certifies that")), body),
            Spacer(1, 0.3 * cm),
            Paragraph(escape(record.person.full_name), big),
            Paragraph(escape(record.person.organization.name), body),
            Spacer(1, 0.5 * cm),
            Paragraph(escape(_("holds the certification")), body),
            Spacer(1, 0.3 * cm),
            Paragraph(escape(record.name), big),
            Paragraph(escape(_("Role: %(role)s") % {"role": record.get_role_display()}), body),
            Spacer(1, 0.8 * cm),
            Paragraph(
                escape(
                    _("Issued on %(issued)s · valid until %(until)s")
                    % {"issued": day(record.issued_on), "until": day(record.valid_until)}
                ),
                body,
            ),
        ]
        if record.renewed_on:
            story.append(Paragraph(escape(_("Renewed on %(date)s") % {"date": day(record.renewed_on)}), body))
        if record.number:
            story += [
                Spacer(1, 0.4 * cm),
                Paragraph(escape(_("Certificate number %(number)s") % {"number": record.number}), small),
            ]
        document.build(story)
        return buffer.getvalue()
