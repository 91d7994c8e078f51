"""Reading .xlsx import files: peak memory and time of ``read_table`` (openpyxl's streaming read-only mode).

Each case runs in a fresh Python process and reports its peak resident memory (``VmHWM``, the whole
process, Django included) and the process's memory before reading, and the reading time:

- a 100,000-row workbook of organisations (12 columns), written with openpyxl's write-only mode;
- a small workbook whose sheet was formatted down to row 1,048,576 and out to column XFD (a few data rows,
  then styled empty rows: what a spreadsheet saved after "format whole sheet" looks like).

    python benchmarks/bench_xlsx_memory.py [--rows 100000]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")
os.environ["MEUTE_IMPORT_MAX_MB"] = "200"
import django
django.setup()
from meute.core.importing.tables import read_table
def high_water_mb():
    # VmHWM: this process's peak resident memory (ru_maxrss would carry the parent's across exec).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = high_water_mb()
started = time.perf_counter()
table = read_table({path!r})
seconds = time.perf_counter() - started
after = high_water_mb()
figures = {{"rows": len(table.rows), "seconds": seconds, "before": before, "peak": after}}
print(json.dumps(figures))
"""


def big_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(
        [
            "name",
            "siren",
            "city",
            "country",
            "website",
            "email",
            "phone",
            "sector",
            "size",
            "notes",
            "headcount",
            "revenue",
        ]
    )
    for i in range(rows):
        sheet.append(
            [
                f"Entreprise {i}",
                f"{i:09d}",
                "Lyon",
                "FR",
                f"https://e{i}.fr",
                f"contact@e{i}.fr",
                "+33 4 72 00 00 00",
                "software",
                "sme",
                "Partenaire historique",
                12 + i % 300,
                1000.5 * i,
            ]
        )
    workbook.save(path)


def formatted_workbook(path: Path) -> None:
    """A few rows of data, then every row down to 1,048,576 styled (no values), dimension A1:XFD1048576."""
    from openpyxl import Workbook

    plain = path.with_suffix(".plain.xlsx")
    Workbook().save(plain)
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>']
    rows += [f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Org {r}</t></is></c></row>' for r in range(2, 6)]
    styled = "".join(f'<row r="{r}" customFormat="1"><c r="A{r}" s="0"/></row>' for r in range(6, 1048577))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>' + "".join(rows) + styled + "</sheetData></worksheet>"
    )
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for member in source.infolist():
            data = sheet.encode() if member.filename == "xl/worksheets/sheet1.xml" else source.read(member)
            out.writestr(member.filename, data)
    plain.unlink()


def measure(path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.xlsx"
        formatted = Path(folder) / "formatted.xlsx"
        big_workbook(big, args.rows)
        formatted_workbook(formatted)
        for label, path in (
            (f"{args.rows:,} rows x 12 columns", big),
            ("5 rows, formatted to row 1,048,576", formatted),
        ):
            row = measure(path)
            print(
                f"{label:<38} file {path.stat().st_size / 1024:>8.1f} KB  rows read {row['rows']:>7}  "
                f"peak memory {row['peak']:>6.1f} MB (before reading {row['before']:.1f} MB)  "
                f"{row['seconds']:>6.2f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
