"""The term sheet of a grouping: its members, its ambition and its playbook, to take to a lawyer.

``build(grouping, language)`` gathers the content once, in the requested language (independent of the
page's language); ``to_markdown``, ``to_docx`` and ``to_pdf`` lay it out. Every format opens with the
notice that the document is not legal advice.
"""

import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from meute.collaboration.playbooks import document_versions, format_percent, items_for, progress
from meute.partnerships.choices import CollaborationModel

LANGUAGES = ("fr", "en")
FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass
class Section:
    heading: str
    paragraphs: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # (label, value) pairs
    items: list = field(
        default_factory=list
    )  # dicts: title, guidance, status, owner, notes, extra, documents


@dataclass
class TermSheet:
    language: str
    title: str
    subtitle: str
    notice: str
    sections: list


def build(grouping, language: str = "fr") -> TermSheet:
    if language not in LANGUAGES:
        raise ValueError(language)
    with override(language):
        model = grouping.collaboration_model
        model_label = str(CollaborationModel(model).label)
        seats = list(grouping.parties.select_related("organization", "alliance_manager").order_by("role"))
        parties = Section(_("Members"))
        for seat in seats:
            value = str(seat.get_role_display())
            if seat.alliance_manager_id:
                value += " — " + str(seat.alliance_manager)
            parties.rows.append((seat.organization.name, value))
        general = Section(_("The grouping"))
        general.rows.append((_("Collaboration model"), model_label))
        decision = grouping.model_decisions.order_by("-created_at").first()
        if decision is not None and decision.recommended_model:
            general.rows.append(
                (
                    _("Recommended by the involvement assessment"),
                    str(CollaborationModel(decision.recommended_model).label),
                )
            )
        if grouping.grouping_level:
            general.rows.append((_("Grouping level"), str(grouping.get_grouping_level_display())))
        if grouping.start_date:
            general.rows.append((_("Start date"), grouping.start_date.isoformat()))
        if grouping.description:
            general.rows.append((_("Shared ambition"), grouping.description))
        if grouping.objectives:
            general.rows.append((_("Objectives"), grouping.objectives))
        items = items_for(grouping, model)
        summary = progress(items)
        playbook = Section(_("Playbook: %(model)s") % {"model": model_label})
        playbook.paragraphs.append(
            _("%(closed)s of %(total)s items settled; %(open)s required items still open.")
            % {"closed": summary.closed, "total": summary.total, "open": summary.required_open}
        )
        if not items:
            playbook.paragraphs.append(_("No playbook item for this model yet."))
        for item in items:
            entry = item.entry
            extra = ""
            if item.rate_percent is not None:
                extra = _("Rate: %(rate)s %%") % {"rate": format_percent(item.rate_percent)}
            if item.not_applicable_reason:
                extra = _("Does not apply: %(reason)s") % {"reason": item.not_applicable_reason}
            playbook.items.append(
                {
                    "title": str(entry.title) if entry else item.key,
                    "guidance": str(entry.guidance) if entry else "",
                    "required": bool(entry.required) if entry else True,
                    "status": str(item.get_status_display()),
                    "owner": item.owner_label or _("not assigned"),
                    "notes": item.notes,
                    "extra": extra,
                    "documents": [
                        _document_line(latest) for latest, _e in document_versions(item.documents.all())
                    ],
                }
            )
        return TermSheet(
            language=language,
            title=_("Term sheet — %(name)s") % {"name": grouping.name},
            subtitle=_("%(model)s · drawn up on %(date)s")
            % {"model": model_label, "date": timezone.localdate().isoformat()},
            notice=_(
                "This document is not legal advice. It summarises what the members of the grouping have "
                "discussed and must be reviewed by a lawyer before anything is signed."
            ),
            sections=[general, parties, playbook],
        )


def _document_line(document) -> str:
    """The latest version of a document: its title, and its link or the name of the uploaded file."""
    where = document.url or document.file.name.rsplit("/", 1)[-1]
    if document.version > 1:
        return _("%(title)s (version %(version)s): %(where)s") % {
            "title": document.title,
            "version": document.version,
            "where": where,
        }
    return f"{document.title}: {where}"


def _labels(language):
    with override(language):
        return {
            "status": _("Status"),
            "owner": _("Owner"),
            "notes": _("Notes"),
            "documents": _("Documents"),
            "optional": _("optional"),
        }


def to_markdown(sheet: TermSheet) -> str:
    labels = _labels(sheet.language)
    lines = [f"# {sheet.title}", "", f"_{sheet.subtitle}_", "", f"> **{sheet.notice}**", ""]
    for section in sheet.sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        for label, value in section.rows:
            lines.append(f"- **{label}**: {value}")
        if section.rows:
            lines.append("")
        for item in section.items:
            optional = f" ({labels['optional']})" if not item["required"] else ""
            lines += [f"### {item['title']}{optional}", "", item["guidance"], ""]
            lines.append(f"- **{labels['status']}**: {item['status']}")
            lines.append(f"- **{labels['owner']}**: {item['owner']}")
            if item["extra"]:
                lines.append(f"- {item['extra']}")
            if item["notes"]:
                lines.append(f"- **{labels['notes']}**: {item['notes']}")
            for document in item["documents"]:
                lines.append(f"- **{labels['documents']}**: {document}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_docx(sheet: TermSheet) -> bytes:
    from docx import Document

    labels = _labels(sheet.language)
    document = Document()
    document.core_properties.title = sheet.title
    document.core_properties.language = sheet.language
    document.add_heading(sheet.title, level=0)
    document.add_paragraph(sheet.subtitle).runs[0].italic = True
    notice = document.add_paragraph()
    notice.add_run(sheet.notice).bold = True
    for section in sheet.sections:
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.rows:
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in section.rows:
                cells = table.add_row().cells
                cells[0].text = str(label)
                cells[1].text = str(value)
        for item in section.items:
            optional = f" ({labels['optional']})" if not item["required"] else ""
            document.add_heading(item["title"] + optional, level=2)
            if item["guidance"]:
                document.add_paragraph(item["guidance"]).runs[0].italic = True
            document.add_paragraph(f"{labels['status']}: {item['status']}", style="List Bullet")
            document.add_paragraph(f"{labels['owner']}: {item['owner']}", style="List Bullet")
            if item["extra"]:
                document.add_paragraph(item["extra"], style="List Bullet")
            if item["notes"]:
                document.add_paragraph(f"{labels['notes']}: {item['notes']}", style="List Bullet")
            for line in item["documents"]:
                document.add_paragraph(f"{labels['documents']}: {line}", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(sheet: TermSheet, compress: bool = True) -> bytes:
    """A4 PDF with reportlab's standard Helvetica (WinAnsi encoding covers é, ’, « », € and œ)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    labels = _labels(sheet.language)
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=sheet.title,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        pageCompression=1 if compress else 0,
    )

    def para(text, style="BodyText"):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), styles[style])

    story = [para(sheet.title, "Title"), para(sheet.subtitle, "Italic"), Spacer(1, 0.3 * cm)]
    notice = Table([[para(sheet.notice, "BodyText")]], colWidths=[17 * cm])
    notice.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor("#b42318")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fef3f2")),
                ("PADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story += [notice, Spacer(1, 0.4 * cm)]
    for section in sheet.sections:
        story.append(para(section.heading, "Heading2"))
        for paragraph in section.paragraphs:
            story.append(para(paragraph))
        if section.rows:
            table = Table(
                [[para(label), para(value)] for label, value in section.rows], colWidths=[5 * cm, 12 * cm]
            )
            table.setStyle(
                TableStyle(
                    [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                )
            )
            story.append(table)
        for item in section.items:
            optional = f" ({labels['optional']})" if not item["required"] else ""
            story.append(para(item["title"] + optional, "Heading3"))
            if item["guidance"]:
                story.append(para(item["guidance"], "Italic"))
            story.append(para(f"{labels['status']}: {item['status']} · {labels['owner']}: {item['owner']}"))
            if item["extra"]:
                story.append(para(item["extra"]))
            if item["notes"]:
                story.append(para(f"{labels['notes']}: {item['notes']}"))
            for line in item["documents"]:
                story.append(para(f"{labels['documents']}: {line}"))
        story.append(Spacer(1, 0.3 * cm))
    document.build(story)
    return buffer.getvalue()


def render(grouping, language: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the term sheet in one format."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    sheet = build(grouping, language)
    if fmt == "md":
        content = to_markdown(sheet).encode("utf-8")
    elif fmt == "docx":
        content = to_docx(sheet)
    else:
        content = to_pdf(sheet)
    slug = "".join(c if c.isalnum() else "-" for c in grouping.name.lower()).strip("-")[:60] or "grouping"
    return content, FORMATS[fmt], f"term-sheet-{slug}-{language}.{fmt}"
