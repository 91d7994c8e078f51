"""Write the labelled evaluation set of the conflict detector: tests/data/customer_pairs.csv.

Deterministic (fixed seed): running it again gives the same file. Each line is a pair of company records
with ``label`` 1 (the same customer) or 0 (two different customers) and the ``variant`` that produced it:
typos, abbreviations, legal forms, word order, accents and case, missing fields, identifiers in another
form (SIRET for SIREN, VAT number), shared web or e-mail domains, and hard negatives (namesakes in other
cities, branches of one group in other countries or with another SIREN, near-identical trade names).

    python benchmarks/make_customer_pairs.py [--output tests/data/customer_pairs.csv]
"""

import argparse
import csv
import random
import unicodedata
from pathlib import Path

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
SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Perez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Pierre",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
]
INVENTED = [
    "Axelis",
    "Novatek",
    "Bioméca",
    "Solvéo",
    "Kryptal",
    "Vertigo",
    "Orbalia",
    "Quantis",
    "Helioflex",
    "Arcadis",
    "Lumenor",
    "Celtia",
    "Nexalys",
    "Ophéa",
    "Bravia",
    "Thermalys",
    "Agrinov",
    "Cobalys",
    "Dataveo",
    "Eurofil",
    "Ferralis",
    "Gemalto",
    "Hydréa",
    "Isotek",
    "Jurisco",
    "Kinéo",
    "Logivia",
    "Médéris",
    "Nautilia",
    "Optéo",
    "Plastimo",
    "Qualiméca",
    "Robotix",
    "Sécuris",
    "Télégraph",
    "Urbanéo",
    "Valdéo",
    "Wattéo",
    "Xylème",
    "Zéphyr",
]
ACTIVITIES = """Industries;Transports;Logistique;Conseil;Informatique;Bâtiment;Électricité;Plomberie;
Menuiserie;
Imprimerie;Distribution;Ingénierie;Services;Technologies;Solutions;Agencement;Mécanique;Pharmacie;
Automobiles;Emballages;Matériaux;Énergies;Laboratoires;Systèmes""".replace("\n", "").split(";")
PAIRED_ACTIVITIES = {
    "Conseil": "Consulting",
    "Transports": "Travaux",
    "Informatique": "Immobilier",
    "Industries": "Ingénierie",
    "Services": "Systèmes",
    "Logistique": "Location",
    "Bâtiment": "Béton",
    "Technologies": "Télécoms",
}
LEGAL = ["SAS", "SARL", "SA", "SASU", "EURL", "S.A.S.", "S.A.R.L.", "", "", ""]
FOREIGN = [
    ("DE", "GmbH", "Deutschland", "Berlin"),
    ("GB", "Ltd", "UK", "London"),
    ("US", "Inc", "USA", "Boston"),
    ("NL", "BV", "Nederland", "Utrecht"),
    ("IT", "SpA", "Italia", "Milano"),
    ("ES", "SL", "España", "Madrid"),
]
CITIES = [
    ("Lyon", "69003"),
    ("Paris", "75011"),
    ("Nantes", "44000"),
    ("Lille", "59000"),
    ("Bordeaux", "33000"),
    ("Toulouse", "31000"),
    ("Rennes", "35000"),
    ("Grenoble", "38000"),
    ("Marseille", "13002"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Dijon", "21000"),
    ("Angers", "49000"),
]
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue du Général Leclerc",
    "rue Pasteur",
    "avenue de la Gare",
    "chemin des Vignes",
    "place de l'Église",
]
ABBREV = [
    ("Société", "Sté"),
    ("International", "Intl"),
    (" et ", " & "),
    ("Saint", "St"),
    ("Établissements", "Ets"),
    ("Compagnie", "Cie"),
    ("Industries", "Industrie"),
    ("Services", "Service"),
]


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


def make_siren(rng) -> str:
    base = "".join(str(rng.randint(0, 9)) for _ in range(8))
    base = str(rng.randint(1, 9)) + base[1:]
    return base + luhn_digit(base)


def make_siret(rng, siren: str) -> str:
    body = siren + f"{rng.randint(1, 999):04d}"
    return body + luhn_digit(body)


def vat_of(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slug(text: str) -> str:
    return "".join(c for c in strip_accents(text).lower() if c.isalnum())


def typo(rng, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    i = rng.choice(letters[1:-1] if len(letters) > 3 else letters)
    kind = rng.choice(["sub", "del", "swap", "dup"])
    if kind == "sub":
        return text[:i] + rng.choice("aeioursnt") + text[i + 1 :]
    if kind == "del":
        return text[:i] + text[i + 1 :]
    if kind == "dup":
        return text[:i] + text[i] + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def company(rng, used: set) -> dict:
    while True:
        core = rng.choice(SURNAMES + INVENTED)
        activity = rng.choice(ACTIVITIES)
        name = f"{core} {activity}" if rng.random() < 0.8 else f"{activity} {core}"
        if name not in used:
            used.add(name)
            break
    city, postal = rng.choice(CITIES)
    siren = make_siren(rng)
    domain = (
        f"{slug(core)}-{slug(activity)}.fr" if rng.random() < 0.5 else f"{slug(core)}{slug(activity)[:4]}.fr"
    )
    return {
        "core": core,
        "activity": activity,
        "legal": rng.choice(LEGAL),
        "name": name,
        "siren": siren,
        "siret": "",
        "vat_number": "",
        "website": f"https://www.{domain}",
        "email": f"contact@{domain}",
        "address": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        "postal_code": postal,
        "city": city,
        "country": "FR",
    }


def with_legal(name: str, legal: str, front: bool = False) -> str:
    if not legal:
        return name
    return f"{legal} {name}" if front else f"{name} {legal}"


def sparse(rng, record: dict, keep: tuple) -> dict:
    out = {k: "" for k in FIELDS}
    out["country"] = record["country"]
    for key in keep:
        out[key] = record[key]
    return out


def positive(rng, base: dict, variant: str) -> tuple[dict, dict]:
    a = sparse(
        rng, {**base, "name": with_legal(base["name"], base["legal"])}, ("name", "city", "postal_code")
    )
    b = dict(a)
    name = base["name"]
    if variant == "legal_form":
        b["name"] = with_legal(
            name.upper(), rng.choice(["SAS", "SARL", "S.A.", "SASU"]), front=rng.random() < 0.5
        )
    elif variant == "case_accents":
        b["name"] = strip_accents(name).upper() if rng.random() < 0.5 else strip_accents(name).lower()
    elif variant == "typo":
        b["name"] = typo(rng, name)
    elif variant == "typo_no_city":
        b["name"] = typo(rng, name)
        a["city"] = a["postal_code"] = b["city"] = b["postal_code"] = ""
        a["website"] = base["website"]
        b["email"] = base["email"].replace("contact", "j.martin")
    elif variant == "abbreviation":
        b["name"] = name
        for long, short in ABBREV:
            if long in b["name"]:
                b["name"] = b["name"].replace(long, short)
                break
        else:
            b["name"] = f"Sté {name}" if rng.random() < 0.5 else f"{name} et Cie"
    elif variant == "word_order":
        words = name.split()
        b["name"] = " ".join(reversed(words))
    elif variant == "punctuation":
        b["name"] = name.replace(" ", rng.choice(["-", ". ", " - ", "/"]))
    elif variant == "siret_for_siren":
        a["siren"] = base["siren"]
        b["siret"] = make_siret(rng, base["siren"])
        b["name"] = f"{base['core']} {rng.choice(ACTIVITIES)}"  # trade name differs from the legal name
        b["city"] = b["postal_code"] = ""
    elif variant == "vat_for_siren":
        a["siren"] = base["siren"]
        b["vat_number"] = vat_of(base["siren"])
        b["name"] = typo(rng, name).upper()
    elif variant == "shared_website":
        a["website"] = base["website"]
        b["website"] = base["website"].replace("https://www.", "http://")
        b["name"] = base["core"] if rng.random() < 0.5 else f"{base['core']} Groupe"
        b["city"] = b["postal_code"] = ""
    elif variant == "email_domain":
        a["website"] = base["website"]
        b["email"] = base["email"].replace("contact", "p.durand")
        b["name"] = with_legal(name, "SAS")
        b["city"] = ""
    elif variant == "missing_fields":
        b = sparse(rng, {**base, "name": with_legal(name, "SARL")}, ("name",))
        a["address"] = base["address"]
    elif variant == "address_support":
        a["address"] = base["address"]
        b["address"] = base["address"].replace("rue", "r.").replace("avenue", "av.")
        b["name"] = typo(rng, typo(rng, name))
    elif variant == "double_typo_legal":
        b["name"] = with_legal(typo(rng, typo(rng, name)), rng.choice(["SAS", "SARL"]), front=True)
        b["city"] = b["postal_code"] = ""
    elif variant == "order_and_abbreviation":
        b["name"] = " ".join(reversed(name.split())).replace("Services", "Svcs").upper() + " ET CIE"
    elif variant == "spaces_squashed":
        b["name"] = name.replace(" ", "").upper()
    return a, b


def negative(rng, base: dict, other: dict, variant: str) -> tuple[dict, dict]:
    a = sparse(
        rng, {**base, "name": with_legal(base["name"], base["legal"])}, ("name", "city", "postal_code")
    )
    if variant == "random":
        b = sparse(rng, {**other, "city": base["city"], "postal_code": base["postal_code"]}, ("name", "city"))
    elif variant == "namesake_other_city":
        city, postal = rng.choice([c for c in CITIES if c[0] != base["city"]])
        b = sparse(rng, {**base, "city": city, "postal_code": postal}, ("name", "city", "postal_code"))
        if rng.random() < 0.5:
            a["siren"], b["siren"] = base["siren"], make_siren(rng)
    elif variant == "branch_other_country":
        country, legal, label, city = rng.choice(FOREIGN)
        b = {k: "" for k in FIELDS}
        b.update(name=f"{base['core']} {base['activity']} {label} {legal}", city=city, country=country)
        if rng.random() < 0.5:
            b["name"] = f"{base['core']} {base['activity']} {legal}"
    elif variant == "group_other_siren":
        a["siren"] = base["siren"]
        b = sparse(
            rng,
            {**base, "name": f"{base['name']} {rng.choice(['Sud', 'Nord', 'Est', 'Ouest', 'Services'])}"},
            ("name", "city"),
        )
        b["siren"] = make_siren(rng)
    elif variant == "similar_activity":
        activity = PAIRED_ACTIVITIES.get(base["activity"]) or rng.choice(
            [x for x in ACTIVITIES if x != base["activity"]]
        )
        b = sparse(rng, {**base, "name": base["name"].replace(base["activity"], activity)}, ("name", "city"))
    elif variant == "similar_core":
        cores = [c for c in SURNAMES + INVENTED if c != base["core"] and c[:2] == base["core"][:2]]
        core = rng.choice(cores) if cores else rng.choice(SURNAMES)
        city, postal = rng.choice(CITIES)
        b = sparse(
            rng, {**base, "name": base["name"].replace(base["core"], core), "city": city}, ("name", "city")
        )
    elif variant == "namesake_same_city_other_siren":
        a["siren"] = base["siren"]
        b = sparse(rng, base, ("name", "city", "postal_code"))
        b["siren"] = make_siren(rng)
    elif variant == "different_domain_same_core":
        a["website"] = base["website"]
        b = sparse(rng, {**other, "name": f"{base['core']} {other['activity']}"}, ("name", "website", "city"))
    return a, b


POSITIVE_VARIANTS = [
    "legal_form",
    "case_accents",
    "typo",
    "typo_no_city",
    "abbreviation",
    "word_order",
    "punctuation",
    "siret_for_siren",
    "vat_for_siren",
    "shared_website",
    "email_domain",
    "missing_fields",
    "address_support",
    "spaces_squashed",
    "double_typo_legal",
    "order_and_abbreviation",
]
NEGATIVE_VARIANTS = [
    "random",
    "namesake_other_city",
    "branch_other_country",
    "group_other_siren",
    "similar_activity",
    "similar_core",
    "different_domain_same_core",
    "namesake_same_city_other_siren",
]


def build(count_per_variant: int = 16, seed: int = 20260417) -> list[dict]:
    rng = random.Random(seed)
    used: set = set()
    rows = []
    for label, variants in ((1, POSITIVE_VARIANTS), (0, NEGATIVE_VARIANTS)):
        for variant in variants:
            for _ in range(count_per_variant):
                base, other = company(rng, used), company(rng, used)
                a, b = positive(rng, base, variant) if label else negative(rng, base, other, variant)
                row = {"id": len(rows) + 1, "label": label, "variant": variant}
                row.update({f"a_{k}": a.get(k, "") for k in FIELDS})
                row.update({f"b_{k}": b.get(k, "") for k in FIELDS})
                rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "tests" / "data" / "customer_pairs.csv"
    parser.add_argument("--output", default=str(default))
    args = parser.parse_args()
    rows = build()
    with open(args.output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} pairs written to {args.output}")


if __name__ == "__main__":
    main()
