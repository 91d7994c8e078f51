"""The term sheet in Markdown, DOCX and PDF, in French and English, filled from the grouping's playbook."""

import io
import re
from decimal import Decimal

import pytest
from docx import Document

from meute.collaboration import playbooks, termsheet
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.tests.advice_helpers import advice_world_fixture  # noqa: F401
from meute.partnerships.choices import CollaborationModel as M

NOTE = "Fourchette de prix : 900 € à 1 400 € l’unité, « prix conseillés »"


def pdf_text(content: bytes) -> str:
    """Text of an uncompressed reportlab PDF: the strings shown by its content streams (cp1252)."""
    chunks = []
    for raw in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, flags=re.S):
        raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        raw = raw.replace(rb"\(", b"(").replace(rb"\)", b")").replace(b"\\\\", b"\\")
        chunks.append(raw.decode("cp1252"))
    return " ".join(chunks)


@pytest.fixture
def oem_grouping(advice_world):
    w = advice_world
    w.grouping.collaboration_model = M.OEM
    w.grouping.save()
    items = {item.key: item for item in playbooks.instantiate(w.grouping, M.OEM)}
    playbooks.update_item(
        w.partner_a_user,
        items["oem_market_price_range"],
        status=PlaybookItemStatus.DONE,
        owner_organization=w.org_b,
        notes=NOTE,
    )
    playbooks.update_item(
        w.partner_a_user,
        items["oem_contract"],
        status="not_applicable",
        not_applicable_reason="Contrat cadre signé",
    )
    playbooks.add_document(w.partner_a_user, items["oem_ip"], "Annexe PI", "https://docs.example.org/pi.pdf")
    return w


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["n’est pas un conseil juridique", "Fourchette de prix", "Terminé", "Membres"]),
        ("en", ["is not legal advice", "Market price range", "Done", "Members"]),
    ],
)
def test_markdown_in_both_languages(oem_grouping, language, expected):
    w = oem_grouping
    text = termsheet.to_markdown(termsheet.build(w.grouping, language))
    for snippet in expected:
        assert snippet in text, snippet
    assert NOTE in text and w.org_b.name in text and w.org_a.name in text
    assert "Contrat cadre signé" in text and "https://docs.example.org/pi.pdf" in text
    assert "2 M€" in text  # the shared ambition of the grouping's description


@pytest.mark.parametrize("language", ["fr", "en"])
def test_docx_opens_and_contains_the_filled_items(oem_grouping, language):
    w = oem_grouping
    content, content_type, filename = termsheet.render(w.grouping, language, "docx")
    assert filename.endswith(f"-{language}.docx") and "wordprocessingml" in content_type
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert NOTE in text and w.org_b.name in text
    notice = "n’est pas un conseil juridique" if language == "fr" else "is not legal advice"
    assert notice in text
    assert ("Prix de cession" if language == "fr" else "Transfer prices between members") in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_pdf_renders_accents_apostrophes_and_euro(oem_grouping, language):
    w = oem_grouping
    sheet = termsheet.build(w.grouping, language)
    content = termsheet.to_pdf(sheet, compress=False)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "Alpha Intégration" in text and "Bêta Conseil" in text
    assert "900 € à 1 400 € l’unité" in text
    notice = "n’est pas un conseil juridique" if language == "fr" else "is not legal advice"
    assert notice in text


def test_pdf_download_format_is_a_valid_document(oem_grouping):
    content, content_type, _ = termsheet.render(oem_grouping.grouping, "fr", "pdf")
    assert content_type == "application/pdf" and content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", content)) >= 1


def test_language_is_independent_of_the_active_language(oem_grouping):
    from django.utils.translation import override

    with override("en"):
        french = termsheet.to_markdown(termsheet.build(oem_grouping.grouping, "fr"))
    assert "Fiche de synthèse" in french or "n’est pas un conseil juridique" in french
    with pytest.raises(ValueError):
        termsheet.build(oem_grouping.grouping, "de")


def test_referral_rate_appears(advice_world):
    w = advice_world
    w.grouping.collaboration_model = M.REFERRAL
    w.grouping.save()
    item = {i.key: i for i in playbooks.instantiate(w.grouping, M.REFERRAL)}["referral_rate"]
    playbooks.update_item(w.manager, item, rate_percent=Decimal("12.50"))
    assert "Rate: 12.5 %" in termsheet.to_markdown(termsheet.build(w.grouping, "en"))
