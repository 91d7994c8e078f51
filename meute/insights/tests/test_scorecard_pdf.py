"""The scorecard as a PDF for quarterly business reviews: the page's button, ``meute report scorecard
--pdf``, the reader's language and number formats, and another partner refused."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from meute.cli import main
from meute.insights.scorecard import scorecard, to_pdf

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """Text of an uncompressed reportlab PDF: the strings shown by its content streams (cp1252)."""
    chunks = []
    for raw in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, flags=re.S):
        raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        raw = raw.replace(rb"\(", b"(").replace(rb"\)", b")").replace(b"\\\\", b"\\")
        chunks.append(raw.decode("cp1252"))
    return " ".join(chunks)


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", ["Tableau de bord de Alpha channel", "1 500,25 €", "Critères de santé"]),
        ("en", ["Scorecard of Alpha channel", "€1,500.25", "Health checks"]),
    ],
)
def test_the_pdf_speaks_the_readers_language_and_formats(figures_world, language, expected):
    today = timezone.localdate()
    partnership = figures_world.world.partnership_a
    with translation.override(language):
        text = pdf_text(to_pdf(scorecard(partnership, today), today, compress=False))
    for words in expected:
        assert words in text, words
    assert ("Health checks" in text) == (language == "en")


def test_the_scorecard_page_offers_the_pdf_to_staff_and_the_partner_only(client_for, figures_world):
    world = figures_world.world
    url = reverse("insights:scorecard-pdf", kwargs={"uuid": world.partnership_a.uuid})
    page = client_for(world.partner_a_user).get(
        reverse("insights:scorecard", kwargs={"uuid": world.partnership_a.uuid})
    )
    assert url in page.content.decode()
    for user in (world.admin, world.partner_a_user):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert "scorecard-alpha-channel-" in response["Content-Disposition"]
    assert client_for(world.partner_b_user).get(url).status_code == 404


def test_meute_report_scorecard_writes_a_pdf(figures_world, tmp_path, capsys):
    world = figures_world.world
    path = tmp_path / "qbr.pdf"
    assert main(["report", "scorecard", str(world.partnership_a.uuid), "--pdf", str(path)]) == 0
    content = path.read_bytes()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert str(path) in capsys.readouterr().out


def test_bad_report_input_is_a_clear_error_and_writes_nothing(figures_world, tmp_path, capsys):
    world = figures_world.world
    path = tmp_path / "qbr.pdf"
    assert main(["report", "scorecard", "not-a-uuid", "--pdf", str(path)]) == 2
    assert "No partnership" in capsys.readouterr().err
    assert not path.exists()
    missing = tmp_path / "missing" / "qbr.pdf"
    assert main(["report", "scorecard", str(world.partnership_a.uuid), "--pdf", str(missing)]) == 1
    assert "Cannot write" in capsys.readouterr().err
    assert not missing.exists()


def test_the_printed_report_formats_amounts_the_readers_way(figures_world, capsys):
    world = figures_world.world
    with translation.override("en"):
        assert main(["report", "scorecard", str(world.partnership_a.uuid)]) == 0
    out = capsys.readouterr().out
    assert "Alpha channel" in out and "€1,500.25" in out
