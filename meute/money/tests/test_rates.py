"""Exchange rates through the pages, the API, the file import and ``meute tiers import-rates``: staff only,
validation messages, all-or-nothing imports."""

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from meute.core.importing import ImportValidationError
from meute.money.importing import import_rates
from meute.money.models import ExchangeRate
from meute.programs.evaluation import run_evaluation
from meute.programs.models import RevenueRecord, TierChange

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 1, 1)


def usd(value="0.9200", day=DAY):
    return ExchangeRate.objects.create(from_currency="USD", rate=Decimal(value), valid_from=day)


def form(**overrides):
    return {
        "from_currency": "USD",
        "to_currency": "EUR",
        "rate": "0.92",
        "valid_from": "2026-01-01",
        **overrides,
    }


def csv_upload(text, name="rates.csv"):
    return SimpleUploadedFile(name, text.strip().encode(), content_type="text/csv")


class TestPages:
    def test_staff_list_and_editors_add_change_and_delete(self, client_for, world):
        client = client_for(world.manager)
        assert client.get(reverse("exchangerate-create")).status_code == 200
        response = client.post(reverse("exchangerate-create"), form())
        assert response.status_code == 302
        rate = ExchangeRate.objects.get()
        assert rate.rate == Decimal("0.92")
        page = client.get(reverse("exchangerate-list")).content.decode()
        assert "USD" in page and reverse("exchangerate-update", kwargs={"uuid": rate.uuid}) in page
        assert "convert through EUR (GBP → EUR → USD)" in page
        update = reverse("exchangerate-update", kwargs={"uuid": rate.uuid})
        assert client.post(update, form(rate="0.93")).status_code == 302
        rate.refresh_from_db()
        assert rate.rate == Decimal("0.93")
        assert LogEntry.objects.get_for_object(rate).count() == 2  # audited: created, then changed
        delete = reverse("exchangerate-delete", kwargs={"uuid": rate.uuid})
        assert client.post(delete).status_code == 302
        assert not ExchangeRate.objects.exists()

    def test_the_list_filters_by_currency(self, client_for, world):
        usd()
        ExchangeRate.objects.create(from_currency="GBP", rate=Decimal("1.17"), valid_from=DAY)
        page = client_for(world.reader).get(reverse("exchangerate-list"), {"from_currency": "gbp"})
        content = page.content.decode()
        assert page.status_code == 200
        assert "GBP" in content and ">USD<" not in content

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"rate": "0"}, "rate", "An exchange rate is greater than zero."),
            ({"rate": "-1.5"}, "rate", "An exchange rate is greater than zero."),
            ({"from_currency": "ZZZ"}, "from_currency", "Unknown currency"),
            ({"to_currency": "USD"}, None, "two different currencies"),
            ({}, None, "already has a rate from this date"),
        ],
    )
    def test_bad_input_is_explained_and_changes_nothing(self, client_for, world, overrides, field, message):
        usd()
        response = client_for(world.manager).post(reverse("exchangerate-create"), form(**overrides))
        assert response.status_code == 422
        assert message in response.content.decode()
        if field:
            assert field in response.context["form"].errors
        assert ExchangeRate.objects.count() == 1

    def test_read_only_staff_see_but_do_not_change(self, client_for, world):
        rate = usd()
        client = client_for(world.reader)
        page = client.get(reverse("exchangerate-list")).content.decode()
        assert "USD" in page and reverse("exchangerate-create") not in page
        assert client.post(reverse("exchangerate-create"), form(valid_from="2026-02-01")).status_code == 403
        update = reverse("exchangerate-update", kwargs={"uuid": rate.uuid})
        assert client.post(update, form(rate="5")).status_code == 403
        assert client.post(reverse("exchangerate-delete", kwargs={"uuid": rate.uuid})).status_code == 403
        assert client.get(reverse("exchangerate-import")).status_code == 403
        rate.refresh_from_db()
        assert rate.rate == Decimal("0.92")

    def test_partner_users_are_refused_everywhere(self, client_for, world):
        rate = usd()
        client = client_for(world.partner_a_user)
        assert client.get(reverse("exchangerate-list")).status_code == 403
        assert client.get(reverse("exchangerate-create")).status_code == 403
        assert client.post(reverse("exchangerate-create"), form(valid_from="2026-02-01")).status_code == 403
        update = reverse("exchangerate-update", kwargs={"uuid": rate.uuid})
        assert client.get(update).status_code == 403
        assert client.post(reverse("exchangerate-delete", kwargs={"uuid": rate.uuid})).status_code == 403
        upload = csv_upload("currency,rate,valid_from\nGBP,1.17,2026-01-01")
        assert client.post(reverse("exchangerate-import"), {"file": upload}).status_code == 403
        assert ExchangeRate.objects.count() == 1
        assert reverse("exchangerate-list") not in client.get(reverse("program-list")).content.decode()

    def test_import_page_all_or_nothing(self, client_for, world):
        client = client_for(world.manager)
        bad = csv_upload("currency,rate,valid_from\nGBP,1.17,2026-01-01\nUSD,0,2026-01-01")
        response = client.post(reverse("exchangerate-import"), {"file": bad})
        assert response.status_code == 422
        assert "Line 3" in response.content.decode()
        assert not ExchangeRate.objects.exists()
        good = csv_upload("currency,rate,valid_from\nGBP,1.17,2026-01-01\nUSD,0.92,2026-01-01")
        assert client.post(reverse("exchangerate-import"), {"file": good}).status_code == 302
        assert ExchangeRate.objects.count() == 2

    def test_evaluation_page_reports_records_without_a_rate(self, client_for, world, program):
        usd("0.9", datetime.date(2020, 1, 1))
        today = timezone.localdate()
        RevenueRecord.objects.create(
            partnership=world.partnership_a, period=today, amount=60000, currency="USD"
        )
        RevenueRecord.objects.create(
            partnership=world.partnership_a, period=today, amount=100, currency="BRL"
        )
        response = client_for(world.manager).post(
            reverse("program-evaluation", kwargs={"uuid": program.uuid})
        )
        page = client_for(world.manager).get(response.url).content.decode()
        assert "1 revenue record in another currency was converted into EUR" in page
        assert "1 revenue record was not counted" in page and "BRL (1)" in page

    def test_change_page_says_what_was_converted_and_left_out(self, client_for, world, program):
        usd("0.9", datetime.date(2020, 1, 1))
        today = timezone.localdate()
        for amount, currency in (("40000", "EUR"), ("20000", "USD"), ("20000", "USD"), ("100", "BRL")):
            RevenueRecord.objects.create(
                partnership=world.partnership_a, period=today, amount=Decimal(amount), currency=currency
            )
        run_evaluation(program)
        change = TierChange.objects.get(partnership=world.partnership_a)
        assert change.evidence["metrics"]["revenue"] == "76000.00"
        page = client_for(world.partner_a_user).get(change.get_absolute_url()).content.decode()
        assert "2 records converted from other currencies" in page
        assert "1 record not counted: no exchange rate in force for its currency" in page
        assert "76,000 € (converted)" in page
        assert client_for(world.partner_b_user).get(change.get_absolute_url()).status_code == 404


class TestApi:
    URL = "/api/exchange-rates/"

    def test_staff_crud_and_validation(self, api, world):
        client = api(world.manager)
        created = client.post(self.URL, {"from_currency": "usd", "rate": "0.92", "valid_from": "2026-01-01"})
        assert created.status_code == 201, created.content
        body = created.json()
        assert (body["from_currency"], body["to_currency"], body["rate"]) == ("USD", "EUR", "0.9200000000")
        duplicate = client.post(
            self.URL, {"from_currency": "USD", "rate": "0.93", "valid_from": "2026-01-01"}
        )
        assert duplicate.status_code == 400
        assert "valid_from" in duplicate.json()["error"]["fields"]
        zero = client.post(self.URL, {"from_currency": "GBP", "rate": "0", "valid_from": "2026-01-01"})
        assert zero.status_code == 400 and "rate" in zero.json()["error"]["fields"]
        same = client.post(
            self.URL, {"from_currency": "EUR", "to_currency": "EUR", "rate": "1", "valid_from": "2026-01-01"}
        )
        assert same.status_code == 400
        item = f"{self.URL}{body['uuid']}/"
        assert client.patch(item, {"rate": "0.95"}).json()["rate"] == "0.9500000000"
        listed = client.get(self.URL, {"from_currency": "usd"}).json()
        assert listed["count"] == 1
        assert client.delete(item).status_code == 204
        assert not ExchangeRate.objects.exists()

    def test_readers_read_only(self, api, world):
        rate = usd()
        client = api(world.reader)
        assert client.get(self.URL).json()["count"] == 1
        assert (
            client.post(
                self.URL, {"from_currency": "GBP", "rate": "1", "valid_from": "2026-01-01"}
            ).status_code
            == 403
        )
        assert client.patch(f"{self.URL}{rate.uuid}/", {"rate": "5"}).status_code == 403
        assert client.delete(f"{self.URL}{rate.uuid}/").status_code == 403

    def test_partners_are_refused(self, api, world):
        rate = usd()
        client = api(world.partner_a_user)
        assert client.get(self.URL).status_code == 403
        assert client.get(f"{self.URL}{rate.uuid}/").status_code == 403
        assert (
            client.post(
                self.URL, {"from_currency": "GBP", "rate": "1", "valid_from": "2026-01-01"}
            ).status_code
            == 403
        )
        assert client.patch(f"{self.URL}{rate.uuid}/", {"rate": "5"}).status_code == 403
        assert client.delete(f"{self.URL}{rate.uuid}/").status_code == 403
        assert api().get(self.URL).status_code in (401, 403)
        rate.refresh_from_db()
        assert rate.rate == Decimal("0.92")

    def test_evaluation_reports_the_conversion(self, api, world, program):
        usd("0.9", datetime.date(2020, 1, 1))
        today = timezone.localdate()
        RevenueRecord.objects.create(
            partnership=world.partnership_a, period=today, amount=60000, currency="USD"
        )
        RevenueRecord.objects.create(partnership=world.partnership_b, period=today, amount=10, currency="BRL")
        body = api(world.manager).post(f"/api/programs/{program.uuid}/evaluate/", {"apply": False}).json()
        assert body["converted_records"] == 1
        assert (body["unconverted_records"], body["unconverted"]) == (1, {"BRL": 1})
        assert len(body["messages"]) == 2


class TestImport:
    def test_valid_csv_and_xlsx(self, world):
        usd("0.92", DAY)
        text = "devise;vers;taux;date\nusd;eur;0,92;2026-01-01\nGBP;;1,1712;01/02/2026\nCHF;EUR;1.04;2026-02"
        result = import_rates(text.encode(), user=world.manager)
        assert (result.created, result.unchanged) == (2, 1)  # the USD line repeats the recorded rate
        gbp = ExchangeRate.objects.get(from_currency="GBP")
        assert (gbp.to_currency, gbp.rate, gbp.valid_from) == (
            "EUR",
            Decimal("1.1712"),
            datetime.date(2026, 2, 1),
        )
        assert ExchangeRate.objects.get(from_currency="CHF").valid_from == datetime.date(2026, 2, 1)

        book = Workbook()
        sheet = book.active
        sheet.append(["currency", "into", "rate", "valid_from"])
        sheet.append(["JPY", "EUR", 0.0061, datetime.date(2026, 3, 1)])
        buffer = io.BytesIO()
        book.save(buffer)
        assert import_rates(buffer.getvalue(), filename="rates.xlsx", user=world.manager).created == 1
        assert ExchangeRate.objects.get(from_currency="JPY").rate == Decimal("0.0061")

    def test_bad_rows_change_nothing_and_are_listed_by_line_and_column(self, world):
        usd("0.92", DAY)
        text = """currency,into,rate,valid_from
GBP,EUR,1.17,2026-01-01
ZZZ,EUR,1.00,2026-01-01
CHF,EUR,0,2026-01-01
CAD,EUR,-0.68,2026-01-01
GBP,EUR,1.18,2026-01-01
USD,EUR,0.95,2026-01-01
SEK,SEK,1,2026-01-01
NOK,EUR,abc,2026-01-01
DKK,EUR,0.13,yesterday
"""
        with pytest.raises(ImportValidationError) as exc:
            import_rates(text.encode(), user=world.manager)
        found = [(e.line, e.column) for e in exc.value.errors]
        assert found == [
            (3, "currency"),
            (4, "rate"),
            (5, "rate"),
            (6, "valid_from"),
            (7, "valid_from"),
            (8, "into"),
            (9, "rate"),
            (10, "valid_from"),
        ]
        messages = [e.message for e in exc.value.errors]
        assert "Unknown currency" in messages[0]
        assert "greater than zero" in messages[1] and "greater than zero" in messages[2]
        assert "Line 2 already gives the rate of GBP into EUR from 2026-01-01" in messages[3]
        assert "already has the rate 0.92 from 2026-01-01" in messages[4]
        assert "two different currencies" in messages[5]
        assert ExchangeRate.objects.count() == 1

    def test_missing_columns_and_partner_users(self, world):
        with pytest.raises(ImportValidationError) as exc:
            import_rates(b"currency,valid_from\nUSD,2026-01-01", user=world.manager)
        assert "rate" in str(exc.value.errors[0])
        for user in (world.partner_a_user, world.reader):
            with pytest.raises(PermissionDenied):
                import_rates(b"currency,rate,valid_from\nUSD,1,2026-01-01", user=user)
        assert not ExchangeRate.objects.exists()

    def test_cli(self, world, tmp_path):
        good = tmp_path / "rates.csv"
        good.write_text("currency,rate,valid_from\nUSD,0.92,2026-01-01\n", encoding="utf-8")
        out = io.StringIO()
        call_command("tiers", "import-rates", str(good), "--dry-run", stdout=out)
        assert "1 exchange rates would be imported" in out.getvalue()
        assert not ExchangeRate.objects.exists()
        call_command("tiers", "import-rates", str(good), stdout=out)
        assert "Imported 1 exchange rates" in out.getvalue()
        call_command("tiers", "import-rates", str(good), stdout=out)
        assert "1 already recorded" in out.getvalue()
        bad = tmp_path / "bad.csv"
        bad.write_text("currency,rate,valid_from\nGBP,1.17,2026-01-01\nUSD,-1,2026-02-01\n", encoding="utf-8")
        err = io.StringIO()
        with pytest.raises(CommandError) as exc:
            call_command("tiers", "import-rates", str(bad), stderr=err)
        assert exc.value.returncode == 1
        assert "Line 3" in err.getvalue()
        assert ExchangeRate.objects.count() == 1

    def test_cli_evaluate_prints_the_conversion(self, world, program):
        usd("0.9", datetime.date(2020, 1, 1))
        today = timezone.localdate()
        RevenueRecord.objects.create(
            partnership=world.partnership_a, period=today, amount=100, currency="BRL"
        )
        out = io.StringIO()
        call_command("tiers", "evaluate", "--program", "main", "--quiet", stdout=out)
        assert "1 revenue record was not counted" in out.getvalue() and "BRL (1)" in out.getvalue()
