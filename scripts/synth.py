"""Write a synthetic but valid package of any size, optionally with planted errors at known lines.

Usage: python scripts/synth.py OUT_DIR --rows 100000 [--seed 1] [--plant 3]

With --plant K, K errors of each kind are planted and their expected locations
(file, line, column, rule) are written to OUT_DIR/planted.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ["CHN", "RUS", "IRN", "KAZ", "KGZ", "TJK", "PAK", "IND", "ZAF", "BLR", "UZB", "MNG"]
CATEGORIES = ["aircraft", "helicopter", "air-defence", "missile", "ship", "submarine", "armoured-vehicle", "engine"]
KINDS = ["exercise", "air-patrol", "naval-patrol", "submarine-patrol", "other"]
DESIGNATIONS = ["Su-27SK", "Su-30MKK", "Su-35", "S-300PMU1", "S-400", "Mi-171E", "Ka-28", "AL-31F", "RD-93", "Project 636M"]
SEAS = ["Sea of Japan", "East China Sea", "Yellow Sea", "Gulf of Oman", "Western Pacific", "Baltic Sea, off Kaliningrad"]


def field_names(table: str) -> list[str]:
    """Column names of a table, from the real schema."""
    return [f["name"] for f in json.loads((ROOT / "schemas" / f"{table}.json").read_text())["fields"]]


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_rows(n: int, seed: int) -> dict[str, list[dict[str, str]]]:
    """Rows for every table: n equipment and n exercise rows, n/10 contacts, valid keys and lists."""
    rng = random.Random(seed)
    n_sources = max(20, n // 20)
    n_agreements = max(10, n // 10)
    sources = [
        {
            "source_id": f"src-{i:07d}",
            "title": f"Report number {i}, with a comma",
            "publisher": rng.choice(["TASS", "Xinhua", "Reuters"]),
            "author": "",
            "url": f"https://example.org/report/{i}",
            "published_date": str(rng.randint(1995, 2025)),
            "language": rng.choice(["en", "ru", "zh"]),
            "kind": rng.choice(["news", "official", "think-tank"]),
            "accessed_date": "2026-11-26",
        }
        for i in range(n_sources)
    ]

    def cite(k: int) -> str:
        return ";".join(sorted({f"src-{rng.randrange(n_sources):07d}" for _ in range(k)}))

    agreements = []
    for i in range(n_agreements):
        year = rng.randint(1991, 2025)
        agreements.append(
            {
                "agreement_id": f"deal-{i:07d}",
                "title": f"Contract {i}",
                "kind": "contract",
                "parties": "CHN;RUS",
                "signed_date": f"{year}-{rng.randint(1, 12):02d}",
                "status": rng.choice(["signed", "completed"]),
                "value_usd": str(rng.randint(1, 500) * 1_000_000),
                "includes_training": rng.choice(["true", "false", ""]),
                "includes_technology_transfer": rng.choice(["true", "false", ""]),
                "summary": "A synthetic contract used to measure validation speed.",
                "notes": "",
                "confidence": rng.choice(["confirmed", "reported", "alleged"]),
                "source_ids": cite(2),
            }
        )
    equipment = []
    for i in range(n):
        order = rng.randint(1991, 2020)
        first = order + rng.randint(0, 3)
        ordered = rng.randint(1, 100)
        equipment.append(
            {
                "item_id": f"item-{i:07d}",
                "agreement_id": f"deal-{rng.randrange(n_agreements):07d}",
                "supplier": "RUS",
                "recipient": "CHN",
                "designation": rng.choice(DESIGNATIONS),
                "description": "Synthetic line item",
                "category": rng.choice(CATEGORIES),
                "quantity_ordered": str(ordered),
                "quantity_delivered": str(rng.randint(0, ordered)),
                "order_year": str(order),
                "delivery_first_year": str(first),
                "delivery_last_year": str(first + rng.randint(0, 4)),
                "value_usd": "",
                "status": rng.choice(["delivered", "delivering", "unknown"]),
                "part_of": "",
                "confidence": rng.choice(["confirmed", "reported", "alleged"]),
                "notes": "",
                "source_ids": cite(2),
            }
        )
    exercises = []
    for i in range(n):
        year = rng.randint(2005, 2025)
        start = _date(rng, year)
        participants = sorted({"CHN", "RUS", *rng.sample(COUNTRIES, rng.randint(0, 3))})
        exercises.append(
            {
                "exercise_id": f"drill-{i:07d}",
                "name": f"Drill {i}",
                "name_zh": "",
                "name_ru": "",
                "forces": rng.choice(["armed-forces", "armed-forces", "police", ""]),
                "series": rng.choice(["Joint Sea", "Peace Mission", ""]),
                "kind": rng.choice(KINDS),
                "domain": rng.choice(["land", "sea", "air", "multi"]),
                "framework": rng.choice(["bilateral", "sco", "multilateral"]),
                "participants": ";".join(participants),
                "start_date": start,
                "end_date": start,
                "location": rng.choice(SEAS),
                "personnel": str(rng.randint(100, 10000)),
                "ships": str(rng.randint(0, 30)),
                "aircraft": "",
                "summary": "A synthetic drill.\nSecond line of the summary.",
                "notes": "",
                "confidence": rng.choice(["confirmed", "reported"]),
                "source_ids": cite(3),
            }
        )
    contacts = []
    for i in range(max(10, n // 10)):
        year = rng.randint(2002, 2025)
        contacts.append(
            {
                "contact_id": f"contact-{i:07d}",
                "kind": rng.choice(["senior-visit", "meeting", "staff-consultation", "port-call"]),
                "title": f"Contact {i}",
                "start_date": f"{year}-{rng.randint(1, 12):02d}",
                "end_date": "",
                "location": rng.choice(["Beijing", "Moscow", "Vladivostok"]),
                "host": rng.choice(["CHN", "RUS"]),
                "people": "A. Person;B. Person",
                "level": rng.choice(["minister", "chief-of-staff", "deputy"]),
                "agreement_id": f"deal-{rng.randrange(n_agreements):07d}" if rng.random() < 0.1 else "",
                "exercise_id": f"drill-{rng.randrange(n):07d}" if rng.random() < 0.1 else "",
                "summary": "A synthetic contact.",
                "notes": "",
                "confidence": rng.choice(["confirmed", "reported"]),
                "source_ids": cite(1),
            }
        )
    used = {
        s for table in (agreements, equipment, exercises, contacts) for row in table for s in row["source_ids"].split(";")
    }
    for index, source in enumerate(sources):  # keep every source cited
        if source["source_id"] not in used:
            agreements[index % len(agreements)]["source_ids"] = ";".join(
                sorted({*agreements[index % len(agreements)]["source_ids"].split(";"), source["source_id"]})
            )
    claims = []
    for i in range(max(2, n // 100)):  # a contested quantity: the row's value accepted, a rival value not
        item = equipment[i]
        rival = str(int(item["quantity_ordered"]) + 1)
        for number, (value, accepted) in enumerate([(item["quantity_ordered"], "true"), (rival, "false")]):
            claims.append(
                {
                    "claim_id": f"{item['item_id']}-quantity-ordered-{number + 1}",
                    "table": "equipment",
                    "row_id": item["item_id"],
                    "column": "quantity_ordered",
                    "value": value,
                    "accepted": accepted,
                    "source_ids": item["source_ids"],
                    "note": "",
                }
            )
    return {
        "agreements": agreements,
        "equipment": equipment,
        "exercises": exercises,
        "contacts": contacts,
        "sources": sources,
        "claims": claims,
    }


PLANTS = [  # (table, column, bad value, rule)
    ("equipment", "quantity_delivered", "999", "delivered-le-ordered"),
    ("equipment", "agreement_id", "no-such-deal", "foreign-key"),
    ("equipment", "category", "Aircraft", "enum"),
    ("equipment", "quantity_ordered", "12.0", "type"),
    ("exercises", "end_date", "2001-01-01", "end-after-start"),
    ("exercises", "start_date", "2023-02-30", "partial-date"),
    ("exercises", "participants", "RUS;CHN", "list-sorted-unique"),
    ("exercises", "source_ids", "src-9999999", "foreign-key"),
    ("exercises", "location", " Sea of Japan", "whitespace"),
    ("exercises", "exercise_id", "Not_A_Slug", "pattern"),
]


def plant_errors(rows: dict[str, list[dict[str, str]]], per_rule: int, seed: int) -> list[dict]:
    """Break `per_rule` rows for each planted rule; return where each error must be reported."""
    rng = random.Random(seed + 1)
    planted, taken = [], set()
    for table, column, value, rule in PLANTS:
        for _ in range(per_rule):
            index = rng.randrange(len(rows[table]))
            while (table, index) in taken:
                index = rng.randrange(len(rows[table]))
            taken.add((table, index))
            rows[table][index][column] = value
            planted.append({"file": f"data/{table}.csv", "index": index, "column": column, "rule": rule})
    return planted


def write_package(out: Path, rows: dict[str, list[dict[str, str]]]) -> dict[str, list[int]]:
    """Write descriptor, schemas and tables; return the starting line of every row per table."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "datapackage.json", out / "datapackage.json")
    shutil.copytree(ROOT / "schemas", out / "schemas", dirs_exist_ok=True)
    (out / "data").mkdir(exist_ok=True)
    starts = {}
    for table, table_rows in rows.items():
        names = field_names(table)
        lines, line = [], 2
        with (out / "data" / f"{table}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(names)
            for row in table_rows:
                lines.append(line)
                writer.writerow([row[name] for name in names])
                line += 1 + sum(row[name].count("\n") for name in names)
        starts[table] = lines
    return starts


def synthesize(out: Path, n: int, seed: int = 1, plant: int = 0) -> list[dict]:
    """Write the package; with `plant`, also planted.json listing file, line, column and rule of each error."""
    rows = make_rows(n, seed)
    planted = plant_errors(rows, plant, seed) if plant else []
    starts = write_package(out, rows)
    for error in planted:
        error["line"] = starts[error["file"][5:-4]][error.pop("index")]
    if plant:
        (out / "planted.json").write_text(json.dumps(planted, indent=1))
    return planted


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plant", type=int, default=0, help="errors of each kind to plant")
    args = parser.parse_args()
    planted = synthesize(args.out, args.rows, args.seed, args.plant)
    print(f"wrote {args.out} ({args.rows} equipment and exercise rows, {len(planted)} planted errors)")


if __name__ == "__main__":
    main()
