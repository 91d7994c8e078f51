"""Partner metrics: value rules, the staff pages (filtered list, form, delete), the import all or nothing
(page and command line), the API filters, and access (partner users see their own metrics on their
organisation's page, read-only, and never another's)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from meute.core.importing import ImportValidationError
from meute.programs.metrics import import_metrics
from meute.programs.models import PartnerMetric, PartnerTier, Program

pytestmark = pytest.mark.django_db


def recently(days=10) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def metric(partnership, code="won_deals", value="3", period=None):
    return PartnerMetric.objects.create(
        partnership=partnership, metric=code, period=period or recently(), value=Decimal(value)
    )


def upload(text: str, name="metrics.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


class TestValueRules:
    @pytest.mark.parametrize(
        ("code", "value", "problem"),
        [
            ("satisfaction", "10.5", "between 0 and 10"),
            ("satisfaction", "-1", "between 0 and 10"),
            ("won_deals", "2.5", "whole numbers"),
            ("won_deals", "-1", "whole numbers"),
        ],
    )
    def test_refused(self, world, code, value, problem):
        row = PartnerMetric(
            partnership=world.partnership_a, metric=code, period=recently(), value=Decimal(value)
        )
        with pytest.raises(ValidationError, match=problem):
            row.full_clean()

    def test_accepted(self, world):
        for code, value in (("satisfaction", "7.5"), ("won_deals", "4"), ("demos", "-2.25")):
            PartnerMetric(
                partnership=world.partnership_a, metric=code, period=recently(), value=Decimal(value)
            ).full_clean()


class TestImport:
    def test_rows_are_written(self, world):
        text = (
            "partenaire;métrique;période;valeur\n"
            f"{world.partnership_a.uuid};won_deals;2026-03-31;4\n"
            "Bêta channel;Satisfaction;31/03/2026;8,5\n"
            "Alpha channel;demos;2026-03;12\n"
        )
        result = import_metrics(text.encode(), filename="m.csv", user=world.manager)
        assert result.created == 3
        rows = {(m.partnership_id, m.metric): m for m in PartnerMetric.objects.all()}
        assert rows[(world.partnership_b.pk, "satisfaction")].value == Decimal("8.50")
        assert rows[(world.partnership_a.pk, "demos")].period == datetime.date(2026, 3, 1)

    def test_any_bad_line_writes_nothing_and_each_error_names_its_line_and_column(self, world):
        metric(world.partnership_a, "won_deals", "1", datetime.date(2026, 1, 31))
        text = (
            "partnership,metric,period,value\n"
            f"{world.partnership_a.uuid},won_deals,2026-03-31,4\n"  # 2: fine
            "Nobody,won_deals,2026-03-31,4\n"  # 3: unknown partnership
            "Alpha channel,satisfaction,2026-03-31,12\n"  # 4: out of range
            "Alpha channel,won_deals,someday,4\n"  # 5: bad period
            "Alpha channel,de mos!,2026-03-31,4\n"  # 6: bad code
            "Alpha channel,won_deals,2026-01-31,2\n"  # 7: already recorded
            f"{world.partnership_a.uuid},won_deals,2026-03-31,5\n"  # 8: same as line 2
            "Alpha channel,,2026-03-31,x\n"  # 9: code missing, value not a number
        )
        with pytest.raises(ImportValidationError) as exc:
            import_metrics(text.encode(), filename="m.csv", user=world.manager)
        found = {(e.line, e.column) for e in exc.value.errors}
        assert found == {
            (3, "partnership"),
            (4, "value"),
            (5, "period"),
            (6, "metric"),
            (7, "period"),
            (8, "period"),
            (9, "metric"),
            (9, "value"),
        }
        messages = {e.line: e.message for e in exc.value.errors}
        assert "between 0 and 10" in messages[4]
        assert "already recorded" in messages[7]
        assert "line 2" in messages[8]
        assert PartnerMetric.objects.count() == 1

    def test_missing_column_and_empty_file(self, world):
        with pytest.raises(ImportValidationError) as exc:
            import_metrics(b"partnership,period,value\nAlpha channel,2026-03-31,1\n", filename="m.csv")
        assert "metric" in str(exc.value.errors[0])
        with pytest.raises(ImportValidationError, match="error"):
            import_metrics(b"partnership,metric,period,value\n", filename="m.csv")

    def test_xlsx(self, world):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["partnership", "metric", "period", "value"])
        sheet.append(["Alpha channel", "won_deals", datetime.date(2026, 3, 31), 6])
        data = io.BytesIO()
        book.save(data)
        assert import_metrics(data.getvalue(), filename="m.xlsx", user=world.admin).created == 1
        assert PartnerMetric.objects.get().value == Decimal("6")

    def test_dry_run_and_rights(self, world):
        text = b"partnership,metric,period,value\nAlpha channel,won_deals,2026-03-31,4\n"
        assert import_metrics(text, filename="m.csv", user=world.manager, dry_run=True).created == 1
        assert not PartnerMetric.objects.exists()
        for user in (world.reader, world.partner_a_user):
            with pytest.raises(PermissionDenied):
                import_metrics(text, filename="m.csv", user=user)
        assert not PartnerMetric.objects.exists()


class TestCommandLine:
    def test_import_metrics(self, world, tmp_path):
        good = tmp_path / "metrics.csv"
        good.write_text(
            "partnership,metric,period,value\nAlpha channel,won_deals,2026-03-31,4\n", encoding="utf-8"
        )
        out = io.StringIO()
        call_command("tiers", "import-metrics", str(good), "--dry-run", stdout=out)
        assert "would be imported" in out.getvalue() and not PartnerMetric.objects.exists()
        call_command("tiers", "import-metrics", str(good), stdout=out)
        assert "Imported 1 partner metrics" in out.getvalue()
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "partnership,metric,period,value\n"
            "Alpha channel,won_deals,2026-04-30,4\n"
            "Nobody,won_deals,2026-04-30,1\n",
            encoding="utf-8",
        )
        err = io.StringIO()
        with pytest.raises(CommandError) as exc:
            call_command("tiers", "import-metrics", str(bad), stderr=err)
        assert exc.value.returncode == 1
        assert "Line 3, column “partnership”" in err.getvalue()
        assert PartnerMetric.objects.count() == 1


class TestStaffPages:
    def test_list_with_filters(self, client_for, world, program):
        other = Program.objects.create(name="Cloud", code="cloud")
        PartnerTier.objects.filter(partnership=world.partnership_b).update(program=other)
        metric(world.partnership_a, "won_deals", "3", recently(10))
        metric(world.partnership_a, "satisfaction", "8.5", recently(400))
        metric(world.partnership_b, "won_deals", "7", recently(10))
        client = client_for(world.reader)
        url = reverse("partnermetric-list")

        def rows(**params):
            html = client.get(url, params).content.decode()
            return html.count("<tr><td>")

        assert rows() == 3
        assert rows(program=str(program.uuid)) == 2
        assert rows(partnership=str(world.partnership_b.uuid)) == 1
        assert rows(metric="WON_DEALS") == 2
        assert rows(period_from=recently(30).isoformat()) == 2
        assert rows(period_to=recently(30).isoformat(), metric="satisfaction") == 1
        html = client.get(url).content.decode()
        assert reverse("partnermetric-create") not in html  # read-only staff

    def test_create_edit_delete_with_validation_messages(self, client_for, world):
        client = client_for(world.manager)
        assert client.get(reverse("partnermetric-create")).status_code == 200
        data = {
            "partnership": str(world.partnership_a.uuid),
            "metric": "Won deals",
            "period": "2026-03-31",
            "value": "4",
        }
        assert client.post(reverse("partnermetric-create"), data).status_code == 302
        created = PartnerMetric.objects.get()
        assert created.metric == "won_deals"
        duplicate = client.post(reverse("partnermetric-create"), data)
        assert duplicate.status_code == 422
        assert "This metric is already recorded for this period." in duplicate.content.decode()
        out_of_range = client.post(
            reverse("partnermetric-create"), {**data, "metric": "satisfaction", "value": "11"}
        )
        assert out_of_range.status_code == 422
        assert "A satisfaction score is between 0 and 10." in out_of_range.content.decode()
        edit = reverse("partnermetric-update", args=[created.uuid])
        form = client.get(edit).content.decode()
        assert f'<option value="{world.partnership_a.uuid}" selected>' in form
        assert 'value="won_deals"' in form and 'value="2026-03-31"' in form
        assert client.post(edit, {**data, "value": "5"}).status_code == 302
        created.refresh_from_db()
        assert created.value == Decimal("5")
        assert client.post(reverse("partnermetric-delete", args=[created.uuid])).status_code == 302
        assert not PartnerMetric.objects.exists()

    def test_import_page(self, client_for, world):
        client = client_for(world.manager)
        page = client.get(reverse("partnermetric-import"))
        assert page.status_code == 200
        back = reverse("partnermetric-list")
        assert f'<a class="btn" href="{back}">' in page.content.decode()  # Cancel goes back to the list
        bad = (
            "partnership,metric,period,value\n"
            "Alpha channel,won_deals,2026-03-31,4\n"
            "Alpha channel,won_deals,2026-03-31,x\n"
        )
        response = client.post(reverse("partnermetric-import"), {"file": upload(bad)})
        assert response.status_code == 422
        assert "Line 3, column “value”" in response.content.decode()
        assert not PartnerMetric.objects.exists()
        good = "partnership,metric,period,value\nAlpha channel,won_deals,2026-03-31,4\n"
        response = client.post(reverse("partnermetric-import"), {"file": upload(good)}, follow=True)
        assert "Imported 1 partner metrics." in response.content.decode()
        assert PartnerMetric.objects.count() == 1

    def test_linked_from_the_programme_pages(self, client_for, world, program):
        client = client_for(world.manager)
        assert reverse("partnermetric-list") in client.get(reverse("program-list")).content.decode()
        detail = client.get(reverse("program-detail", args=[program.uuid])).content.decode()
        assert f"{reverse('partnermetric-list')}?program={program.uuid}" in detail


class TestAccess:
    def test_partner_users_are_refused_the_staff_pages(self, client_for, world):
        row = metric(world.partnership_a)
        client = client_for(world.partner_a_user)
        for url in (
            reverse("partnermetric-list"),
            reverse("partnermetric-create"),
            reverse("partnermetric-import"),
            reverse("partnermetric-update", args=[row.uuid]),
        ):
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("partnermetric-delete", args=[row.uuid])).status_code == 403
        text = "partnership,metric,period,value\nAlpha channel,won_deals,2026-03-31,4\n"
        assert client.post(reverse("partnermetric-import"), {"file": upload(text)}).status_code == 403
        assert PartnerMetric.objects.count() == 1
        assert reverse("partnermetric-list") not in client.get(reverse("program-list")).content.decode()

    def test_readers_cannot_change(self, client_for, world):
        row = metric(world.partnership_a)
        client = client_for(world.reader)
        assert client.get(reverse("partnermetric-update", args=[row.uuid])).status_code == 403
        assert client.post(reverse("partnermetric-delete", args=[row.uuid])).status_code == 403
        assert PartnerMetric.objects.count() == 1

    def test_partner_sees_its_own_metrics_read_only_and_never_another_s(self, client_for, world, program):
        metric(world.partnership_a, "won_deals", "3")
        metric(world.partnership_a, "satisfaction", "8.4")
        metric(world.partnership_b, "won_deals", "4321")
        client = client_for(world.partner_a_user)
        html = client.get(world.org_a.get_absolute_url()).content.decode()
        assert f'id="metrics-{world.partnership_a.uuid}"' in html
        assert "satisfaction" in html and "8.4" in html
        assert "4,321" not in html and f"metrics-{world.partnership_b.uuid}" not in html
        assert reverse("partnermetric-create") not in html  # read-only
        assert client.get(world.org_b.get_absolute_url()).status_code == 404
        staff = client_for(world.manager).get(world.org_b.get_absolute_url()).content.decode()
        assert f'id="metrics-{world.partnership_b.uuid}"' in staff and "4,321" in staff


class TestApi:
    def test_filters_and_outsider_check(self, api, world, program):
        other = Program.objects.create(name="Cloud", code="cloud")
        PartnerTier.objects.filter(partnership=world.partnership_b).update(program=other)
        mine = metric(world.partnership_a, "won_deals", "3")
        metric(world.partnership_b, "won_deals", "7")
        staff = api(world.reader)
        assert staff.get("/api/partner-metrics/").json()["count"] == 2
        assert staff.get("/api/partner-metrics/", {"program": str(program.uuid)}).json()["count"] == 1
        by_partnership = staff.get("/api/partner-metrics/", {"partnership": str(world.partnership_b.uuid)})
        assert by_partnership.json()["results"][0]["value"] == "7.00"
        assert staff.get("/api/partner-metrics/", {"metric": "won_deals"}).json()["count"] == 2
        partner = api(world.partner_b_user)
        assert partner.get("/api/partner-metrics/").json()["count"] == 1
        assert partner.get(f"/api/partner-metrics/{mine.uuid}/").status_code == 404
        body = {
            "partnership": str(world.partnership_b.uuid),
            "metric": "won_deals",
            "period": "2026-01-31",
            "value": "1",
        }
        assert partner.post("/api/partner-metrics/", body, format="json").status_code == 403

    def test_value_rules_and_uniqueness_through_the_api(self, api, world):
        client = api(world.manager)
        body = {
            "partnership": str(world.partnership_a.uuid),
            "metric": "satisfaction",
            "period": "2026-01-31",
        }
        response = client.post("/api/partner-metrics/", {**body, "value": "12"}, format="json")
        assert response.status_code == 400 and "between 0 and 10" in str(response.json())
        assert client.post("/api/partner-metrics/", {**body, "value": "8"}, format="json").status_code == 201
        response = client.post("/api/partner-metrics/", {**body, "value": "9"}, format="json")
        assert response.status_code == 400 and "already recorded" in str(response.json())
