"""Precision, recall and F1 of the conflict detector on the labelled pairs of tests/data/customer_pairs.csv.

A pair is predicted "same customer" when its score reaches the "same" threshold; the "flagged" line also
counts "possible" matches (what the channel manager sees in the queue). Needs no database.

    python benchmarks/eval_conflicts.py [--file tests/data/customer_pairs.csv] [--errors]
"""

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")

import django  # noqa: E402

django.setup()

from meute.deals import conflicts  # noqa: E402

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "customer_pairs.csv"
FIELDS = [
    "name",
    "siren",
    "siret",
    "vat_number",
    "website",
    "email",
    "address",
    "postal_code",
    "city",
    "country",
]


def record(row: dict, side: str) -> conflicts.Record:
    return conflicts.Record(**{name: row[f"{side}_{name}"] for name in FIELDS})


def evaluate(path=DEFAULT_FILE) -> dict:
    """Scores every pair; returns the confusion counts, the metrics and the misclassified pairs."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = Counter()
    flagged = Counter()
    errors = []
    for row in rows:
        score, evidence = conflicts.compare(record(row, "a"), record(row, "b"))
        level = conflicts.level_for(score)
        truth = row["label"] == "1"
        predicted = level == "same"
        counts[(truth, predicted)] += 1
        flagged[(truth, level != "distinct")] += 1
        if truth != predicted:
            errors.append((row, score, evidence))

    def metrics(c):
        tp, fp, fn = c[(True, True)], c[(False, True)], c[(True, False)]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": c[(False, False)],
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }

    return {"pairs": len(rows), "same": metrics(counts), "flagged": metrics(flagged), "errors": errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(DEFAULT_FILE))
    parser.add_argument("--errors", action="store_true", help="list the misclassified pairs")
    args = parser.parse_args()
    result = evaluate(args.file)
    print(
        f"{result['pairs']} labelled pairs; thresholds same >= {conflicts.SAME_THRESHOLD}, "
        f"possible >= {conflicts.POSSIBLE_THRESHOLD}"
    )
    for label, key in (("same customer", "same"), ("flagged (same or possible)", "flagged")):
        m = result[key]
        print(
            f"{label:<28} precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}  "
            f"(TP {m['tp']}, FP {m['fp']}, FN {m['fn']}, TN {m['tn']})"
        )
    if args.errors:
        for row, score, evidence in result["errors"]:
            print(
                f"  #{row['id']} label={row['label']} {row['variant']}: "
                f"{row['a_name']!r} / {row['b_name']!r} "
                f"score={score:.3f} "
                + ", ".join(f"{e.field}:{e.outcome}:{e.similarity:.2f}" for e in evidence)
            )
    ok = result["same"]["precision"] >= 0.98 and result["same"]["recall"] >= 0.95
    print("targets (precision >= 0.98, recall >= 0.95):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
