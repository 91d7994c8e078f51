"""Revenue import: all rows or nothing, errors by line and column."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from meute.core.factories import ProductLineFactory
from meute.core.importing import ImportValidationError
from meute.programs.importing import import_revenue
from meute.programs.models import RevenueRecord

pytestmark = pytest.mark.django_db


def csv_bytes(text):
    return text.strip().encode("utf-8")


def test_valid_file_imports_every_row(world):
    ProductLineFactory(code="crm", name="CRM")
    data = csv_bytes(
        f"""
partnership;period;amount;currency;credit_note;product_line;customer
{world.partnership_a.uuid};2026-03-31;1 250,50;EUR;no;crm;Acme
Bêta channel;31/03/2026;-100;eur;oui;;
"""
    )
    result = import_revenue(data, user=world.manager)
    assert result.created == 2
    records = list(RevenueRecord.objects.order_by("amount"))
    assert records[0].amount == Decimal("-100.00") and records[0].is_credit_note
    assert records[0].partnership == world.partnership_b
    assert records[1].amount == Decimal("1250.50") and records[1].product_line.code == "crm"
    assert records[1].source == "import" and records[1].customer_name == "Acme"


def test_any_error_writes_nothing_and_lists_every_problem(world):
    data = csv_bytes(
        f"""
partnership,period,amount,currency,credit_note
{world.partnership_a.uuid},2026-03-31,100,EUR,
Nobody channel,2026-03-31,100,EUR,
{world.partnership_a.uuid},2026-03-31,-5,EUR,
{world.partnership_a.uuid},2026-03-31,10,ZZZ,
{world.partnership_a.uuid},not a date,10,EUR,
"""
    )
    with pytest.raises(ImportValidationError) as exc:
        import_revenue(data, user=world.manager)
    found = [(e.line, e.column) for e in exc.value.errors]
    assert found == [(3, "partnership"), (4, "amount"), (5, "currency"), (6, "period")]
    messages = [e.message for e in exc.value.errors]
    assert "Unknown partner" in messages[0]
    assert "credit note" in messages[1]
    assert "Unknown currency" in messages[2]
    assert not RevenueRecord.objects.exists()


def test_xlsx_is_read(world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Partenariat", "Période", "Montant"])
    sheet.append([str(world.partnership_a.uuid), "2026-01-31", 42])
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_revenue(buffer.getvalue(), user=world.manager).created == 1


def test_partner_user_cannot_import_for_another_partner(world):
    data = csv_bytes(f"partnership,period,amount\n{world.partnership_b.uuid},2026-03-31,100\n")
    with pytest.raises(ImportValidationError) as exc:
        import_revenue(data, user=world.partner_a_user)
    assert "Unknown partner" in exc.value.errors[0].message
    assert not RevenueRecord.objects.exists()
