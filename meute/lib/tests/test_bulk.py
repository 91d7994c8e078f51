"""Bulk insert helpers: COPY text formatting (escaping, NULLs), column-wise rows, and the COPY writers."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from meute.core.models import Organization, Tag
from meute.lib.bulk import (
    copy_column,
    copy_field,
    copy_from_text,
    copy_rows_text,
    copy_stream,
    copy_text,
    db_columns,
    fill_columns,
    insert_columns,
    reserve_ids,
    single_value,
    uuid4_texts,
    write_row_chunks,
    write_rows,
)

# Values that COPY's text format must escape, or could mistake for something else.
AWKWARD = [
    "tab\there",
    "two\nlines",
    "carriage\rreturn",
    "back\\slash",
    "\\N",  # a literal backslash-N, not NULL
    "\\.",  # a literal backslash-dot, not the end-of-data marker
    "ends with backslash\\",
    "Zéro «guillemets» 日本",
    "",
]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY exists on PostgreSQL only"
)


def parse_copy_field(text):
    """Read back one COPY text field the way PostgreSQL does (the escapes this module writes)."""
    if text == "\\N":
        return None
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            escaped = next(chars)
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[escaped])
        else:
            assert char not in "\t\n\r"
            out.append(char)
    return "".join(out)


class TestCopyText:
    @pytest.mark.parametrize("value", AWKWARD)
    def test_text_fields_read_back_as_written(self, value):
        assert parse_copy_field(copy_field(value)) == value

    def test_none_booleans_and_other_types(self):
        assert copy_field(None) == "\\N"
        assert (copy_field(True), copy_field(False)) == ("t", "f")
        assert copy_field(0) == "0"
        assert copy_field(Decimal("12.50")) == "12.50"
        value = uuid.UUID("12345678-1234-5678-1234-567812345678")
        assert copy_field(value) == "12345678-1234-5678-1234-567812345678"

    def test_a_column_is_escaped_when_any_of_its_values_needs_it(self):
        column = ["plain", "tab\tinside", None, "back\\slash"]
        assert copy_column(column) == ["plain", "tab\\tinside", "\\N", "back\\\\slash"]
        assert copy_column(["a", "b", None]) == ["a", "b", "\\N"]

    def test_columns_holding_one_value(self):
        now = timezone.now()
        assert copy_column([now] * 3) == [str(now)] * 3
        assert copy_column([None, None]) == ["\\N", "\\N"]
        # Equal but not identical: each keeps its own text.
        assert copy_column([Decimal("0"), Decimal("0.00")]) == ["0", "0.00"]
        assert not single_value([Decimal("0"), Decimal("0.00")])
        assert single_value(["FR", "F" + "R"])
        assert not single_value([1, True])

    def test_rows_and_columns_give_the_same_lines(self):
        rows = [(1, value, None, True) for value in AWKWARD]
        by_rows = copy_rows_text(rows, 4)
        by_columns = copy_text([list(column) for column in zip(*rows, strict=True)])
        assert by_rows == by_columns
        lines = by_rows.split("\n")
        assert lines[-1] == "" and len(lines) == len(rows) + 1
        for line, value in zip(lines, AWKWARD, strict=False):
            fields = line.split("\t")
            assert len(fields) == 4
            assert [parse_copy_field(f) for f in fields] == ["1", value, None, "t"]

    def test_nothing_to_write(self):
        assert copy_text([[], []]) == ""
        assert copy_rows_text([], 3) == ""


class TestUuids:
    def test_random_version_4_in_canonical_form(self):
        texts = uuid4_texts(1000)
        assert len(set(texts)) == 1000
        for text in texts[:50]:
            value = uuid.UUID(text)
            assert str(value) == text
            assert value.version == 4 and value.variant == uuid.RFC_4122


@pytest.mark.django_db
class TestColumns:
    def test_missing_values_take_the_field_defaults(self):
        now = timezone.now()
        filled = fill_columns(
            Organization,
            2,
            {"name": ["A", "B"], "country": [None, "BE"], "headcount": [None, 3]},
            [7, 8],
            now,
        )
        assert filled["id"] == [7, 8]
        assert filled["country"] == ["FR", "BE"]
        assert filled["headcount"] == [None, 3]
        assert filled["legal_name"] == ["", ""]
        assert filled["is_operator"] == [False, False]
        assert filled["company_sizes"] == [[], []]
        assert filled["created_at"] == filled["updated_at"] == [now, now]
        assert all(uuid.UUID(value).version == 4 for value in filled["uuid"])
        names, columns = db_columns(Organization, filled, connection)
        assert names == [f.column for f in Organization._meta.concrete_fields]
        assert columns[names.index("company_sizes")] == ["[]", "[]"]

    def test_given_uuids_are_kept(self):
        given = uuid.uuid4()
        filled = fill_columns(Organization, 2, {"uuid": [given, None]}, [1, 2], timezone.now())
        assert filled["uuid"][0] == given and uuid.UUID(filled["uuid"][1]) != given

    def test_insert_columns_writes_what_the_model_reads(self):
        with transaction.atomic():
            ids = reserve_ids(Organization, 2)
            values = {
                "name": ["Tab\tand\nnewline", "Back\\slash \\N"],
                "description": ["", "«Zéro»\r\n"],
                "annual_revenue": [Decimal("1234.50"), None],
                "company_sizes": [["sme"], None],
                "is_operator": [None, False],
            }
            insert_columns(Organization, fill_columns(Organization, 2, values, ids, timezone.now()))
        first, second = Organization.objects.filter(pk__in=ids).order_by("pk")
        assert first.name == "Tab\tand\nnewline" and second.name == "Back\\slash \\N"
        assert second.description == "«Zéro»\r\n"
        assert first.annual_revenue == Decimal("1234.50") and second.annual_revenue is None
        assert first.company_sizes == ["sme"] and second.company_sizes == []
        assert first.country.code == "FR" and not second.is_operator
        assert first.created_at is not None and isinstance(first.uuid, uuid.UUID)

    def test_write_rows_on_any_database(self):
        now = timezone.now()
        rows = [
            (str(uuid.uuid4()), now, now, f"code-{i}", name)
            for i, name in enumerate(["plain", *AWKWARD[:-1]])
        ]
        write_rows(Tag, ["uuid", "created_at", "updated_at", "code", "name"], prepare_uuids(rows))
        stored = dict(Tag.objects.values_list("code", "name"))
        assert stored == {code: name for _u, _c, _m, code, name in rows}

    def test_write_row_chunks_streams_every_chunk(self):
        now = timezone.now()
        rows = [
            (str(uuid.uuid4()), now, now, f"code-{i}", name)
            for i, name in enumerate(["plain", *AWKWARD[:-1], "last"])
        ]
        built = []

        def chunks():
            for start in range(0, len(rows), 2):
                built.append(start)
                yield prepare_uuids(rows[start : start + 2])
            yield []  # an empty chunk writes nothing

        write_row_chunks(Tag, ["uuid", "created_at", "updated_at", "code", "name"], chunks())
        assert built == list(range(0, len(rows), 2))
        stored = dict(Tag.objects.values_list("code", "name"))
        assert stored == {code: name for _u, _c, _m, code, name in rows}


def prepare_uuids(rows):
    if connection.features.has_native_uuid_field:
        return rows
    return [(u.replace("-", ""), *rest) for u, *rest in rows]


@postgresql_only
@pytest.mark.django_db
class TestCopyOnPostgresql:
    columns = ["uuid", "created_at", "updated_at", "code", "name"]

    def rows(self, names):
        now = timezone.now()
        return [[str(uuid.uuid4()), now, now, f"c{i}", name] for i, name in enumerate(names)]

    def test_copy_text_round_trip(self):
        rows = self.rows(AWKWARD[:-1])
        copy_from_text(Tag, self.columns, copy_text([list(c) for c in zip(*rows, strict=True)]))
        assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(AWKWARD[:-1])

    def test_copy_stream_sends_chunks_while_the_caller_works(self):
        rows = self.rows([f"name {i}\t{i}" for i in range(50)])
        with copy_stream(Tag, self.columns) as send:
            for start in range(0, 50, 7):
                send(copy_rows_text(rows[start : start + 7], 5))
        assert Tag.objects.count() == 50
        assert Tag.objects.filter(name="name 3\t3").exists()

    def test_an_error_in_the_block_cancels_the_copy(self):
        with pytest.raises(ZeroDivisionError), transaction.atomic(), copy_stream(Tag, self.columns) as send:
            send(copy_rows_text(self.rows(["kept?"]), 5))
            raise ZeroDivisionError
        assert not Tag.objects.exists()

    def test_a_row_the_database_refuses_fails_the_whole_copy(self):
        import psycopg

        rows = self.rows(["one", "two"])
        rows[1][3] = rows[0][3]  # the same code twice: the unique index refuses the second
        with (
            pytest.raises(psycopg.errors.UniqueViolation),
            transaction.atomic(),
            copy_stream(Tag, self.columns) as send,
        ):
            send(copy_rows_text(rows, 5))
        assert not Tag.objects.exists()

    def test_dates_and_datetimes_are_read_as_written(self):
        moment = datetime.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=datetime.UTC)
        write_rows(Tag, self.columns, [[str(uuid.uuid4()), moment, moment, "when", "When"]])
        assert Tag.objects.get(code="when").created_at == moment
