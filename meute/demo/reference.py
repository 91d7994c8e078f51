"""Reference data of the demo: territories, the vendor's product lines, sectors, tags, French cities."""

# (code, name, ISO country) — France first, then its regions, then the European countries.
COUNTRIES = [
    ("fr", "France", "FR"),
    ("be", "Belgique", "BE"),
    ("de", "Allemagne", "DE"),
    ("es", "Espagne", "ES"),
    ("it", "Italie", "IT"),
    ("gb", "Royaume-Uni", "GB"),
    ("nl", "Pays-Bas", "NL"),
    ("lu", "Luxembourg", "LU"),
    ("ch", "Suisse", "CH"),
]

ZONES = [("europe", "Europe")]

FRENCH_REGIONS = [
    ("fr-ara", "Auvergne-Rhône-Alpes"),
    ("fr-bfc", "Bourgogne-Franche-Comté"),
    ("fr-bre", "Bretagne"),
    ("fr-cvl", "Centre-Val de Loire"),
    ("fr-cor", "Corse"),
    ("fr-ges", "Grand Est"),
    ("fr-hdf", "Hauts-de-France"),
    ("fr-idf", "Île-de-France"),
    ("fr-nor", "Normandie"),
    ("fr-naq", "Nouvelle-Aquitaine"),
    ("fr-occ", "Occitanie"),
    ("fr-pdl", "Pays de la Loire"),
    ("fr-pac", "Provence-Alpes-Côte d'Azur"),
]

# (city, postal code, region code, phone area digit)
FRENCH_CITIES = [
    ("Paris", "75008", "fr-idf", "1"),
    ("Paris", "75011", "fr-idf", "1"),
    ("Paris", "75015", "fr-idf", "1"),
    ("Boulogne-Billancourt", "92100", "fr-idf", "1"),
    ("Nanterre", "92000", "fr-idf", "1"),
    ("Saint-Denis", "93200", "fr-idf", "1"),
    ("Versailles", "78000", "fr-idf", "1"),
    ("Créteil", "94000", "fr-idf", "1"),
    ("Massy", "91300", "fr-idf", "1"),
    ("Lyon", "69003", "fr-ara", "4"),
    ("Lyon", "69007", "fr-ara", "4"),
    ("Villeurbanne", "69100", "fr-ara", "4"),
    ("Grenoble", "38000", "fr-ara", "4"),
    ("Saint-Étienne", "42000", "fr-ara", "4"),
    ("Clermont-Ferrand", "63000", "fr-ara", "4"),
    ("Annecy", "74000", "fr-ara", "4"),
    ("Marseille", "13008", "fr-pac", "4"),
    ("Aix-en-Provence", "13100", "fr-pac", "4"),
    ("Nice", "06000", "fr-pac", "4"),
    ("Toulon", "83000", "fr-pac", "4"),
    ("Sophia Antipolis", "06560", "fr-pac", "4"),
    ("Toulouse", "31000", "fr-occ", "5"),
    ("Montpellier", "34000", "fr-occ", "4"),
    ("Nîmes", "30000", "fr-occ", "4"),
    ("Perpignan", "66000", "fr-occ", "4"),
    ("Bordeaux", "33000", "fr-naq", "5"),
    ("Mérignac", "33700", "fr-naq", "5"),
    ("Limoges", "87000", "fr-naq", "5"),
    ("Poitiers", "86000", "fr-naq", "5"),
    ("La Rochelle", "17000", "fr-naq", "5"),
    ("Pau", "64000", "fr-naq", "5"),
    ("Nantes", "44000", "fr-pdl", "2"),
    ("Angers", "49000", "fr-pdl", "2"),
    ("Le Mans", "72000", "fr-pdl", "2"),
    ("Rennes", "35000", "fr-bre", "2"),
    ("Brest", "29200", "fr-bre", "2"),
    ("Vannes", "56000", "fr-bre", "2"),
    ("Lille", "59000", "fr-hdf", "3"),
    ("Villeneuve-d'Ascq", "59650", "fr-hdf", "3"),
    ("Amiens", "80000", "fr-hdf", "3"),
    ("Strasbourg", "67000", "fr-ges", "3"),
    ("Metz", "57000", "fr-ges", "3"),
    ("Nancy", "54000", "fr-ges", "3"),
    ("Reims", "51100", "fr-ges", "3"),
    ("Mulhouse", "68100", "fr-ges", "3"),
    ("Dijon", "21000", "fr-bfc", "3"),
    ("Besançon", "25000", "fr-bfc", "3"),
    ("Rouen", "76000", "fr-nor", "2"),
    ("Caen", "14000", "fr-nor", "2"),
    ("Le Havre", "76600", "fr-nor", "2"),
    ("Tours", "37000", "fr-cvl", "2"),
    ("Orléans", "45000", "fr-cvl", "2"),
    ("Ajaccio", "20000", "fr-cor", "4"),
]

# Foreign countries of partners: ISO code -> (Faker locale, legal forms, web top-level domain, phone prefix)
FOREIGN = {
    "BE": ("fr_BE", ["SRL", "SA", "BV"], "be", "+32"),
    "DE": ("de_DE", ["GmbH", "AG", "GmbH & Co. KG"], "de", "+49"),
    "ES": ("es_ES", ["S.L.", "S.A."], "es", "+34"),
    "IT": ("it_IT", ["S.r.l.", "S.p.A."], "it", "+39"),
    "GB": ("en_GB", ["Ltd", "LLP", "plc"], "co.uk", "+44"),
    "NL": ("nl_NL", ["B.V.", "N.V."], "nl", "+31"),
}
# Share of partners per country (the rest are French).
FOREIGN_WEIGHTS = {"BE": 4, "DE": 3, "ES": 3, "IT": 3, "GB": 2, "NL": 2}
FRENCH_WEIGHT = 83

FRENCH_LEGAL_FORMS = ["SAS", "SAS", "SAS", "SARL", "SARL", "SA", "SASU", "EURL"]

# The operator's product lines.
PRODUCT_LINES = [
    ("meute-erp", "Meute ERP", "Gestion intégrée pour PME et ETI : finance, achats, stocks, ventes."),
    ("meute-crm", "Meute CRM", "Relation client, prospection et service après-vente."),
    ("meute-paie", "Meute Paie & RH", "Paie, temps et activités, portail salarié."),
    ("meute-compta", "Meute Compta", "Comptabilité générale et analytique, liasse fiscale."),
    ("meute-facture", "Meute e-Facture", "Facturation électronique conforme à la réforme 2026."),
    ("meute-bi", "Meute Analytics", "Tableaux de bord et pilotage de la performance."),
    ("meute-terrain", "Meute Terrain", "Interventions et techniciens itinérants."),
    ("meute-cloud", "Meute Cloud", "Hébergement souverain et infogérance des solutions Meute."),
]

# NAF sections (French classification of activities) used as sectors.
SECTORS = [
    ("naf-a", "Agriculture, sylviculture et pêche"),
    ("naf-c", "Industrie manufacturière"),
    ("naf-f", "Construction"),
    ("naf-g", "Commerce ; réparation d'automobiles"),
    ("naf-h", "Transports et entreposage"),
    ("naf-i", "Hébergement et restauration"),
    ("naf-j", "Information et communication"),
    ("naf-k", "Activités financières et d'assurance"),
    ("naf-l", "Activités immobilières"),
    ("naf-m", "Activités spécialisées, scientifiques et techniques"),
    ("naf-n", "Services administratifs et de soutien"),
    ("naf-o", "Administration publique"),
    ("naf-p", "Enseignement"),
    ("naf-q", "Santé humaine et action sociale"),
    ("naf-r", "Arts, spectacles et activités récréatives"),
]

# The same sectors and tags in English (reference data reads in both languages: ``name_en``).
SECTOR_NAMES_EN = {
    "naf-a": "Agriculture, forestry and fishing",
    "naf-c": "Manufacturing",
    "naf-f": "Construction",
    "naf-g": "Wholesale and retail trade; repair of motor vehicles",
    "naf-h": "Transportation and storage",
    "naf-i": "Accommodation and food services",
    "naf-j": "Information and communication",
    "naf-k": "Financial and insurance activities",
    "naf-l": "Real estate activities",
    "naf-m": "Professional, scientific and technical activities",
    "naf-n": "Administrative and support services",
    "naf-o": "Public administration",
    "naf-p": "Education",
    "naf-q": "Human health and social work",
    "naf-r": "Arts, entertainment and recreation",
}
TAG_NAMES_EN = {
    "strategique": "Strategic",
    "certifie": "Certified",
    "nouveau": "New partner",
    "a-relancer": "To follow up",
    "cloud-first": "Cloud first",
    "secteur-public": "Public sector",
    "grands-comptes": "Key accounts",
    "ambassadeur": "Ambassador",
    "salon-2025": "Trade fair 2025",
    "reseau-independants": "Independents' network",
}

TAGS = [
    ("strategique", "Stratégique"),
    ("certifie", "Certifié"),
    ("nouveau", "Nouveau partenaire"),
    ("a-relancer", "À relancer"),
    ("cloud-first", "Cloud first"),
    ("secteur-public", "Secteur public"),
    ("grands-comptes", "Grands comptes"),
    ("ambassadeur", "Ambassadeur"),
    ("salon-2025", "Salon 2025"),
    ("reseau-independants", "Réseau d'indépendants"),
]

# Words for company names.
ACTIVITY_WORDS = [
    "Informatique",
    "Conseil",
    "Solutions",
    "Systèmes",
    "Digital",
    "Numérique",
    "Gestion",
    "Services",
    "Technologies",
    "Ingénierie",
    "Logiciels",
    "Data",
    "Cloud",
    "Réseaux",
    "Expertise",
    "Partenaires",
    "Intégration",
    "Bureautique",
]
NAME_PATTERNS = [
    "{last} {activity}",
    "{activity} {last}",
    "Groupe {last}",
    "{last} & Associés",
    "{city_word} {activity}",
    "{last} {activity} {city_word}",
    "{initials} {activity}",
    "Cabinet {last}",
]
INDEPENDENT_PATTERNS = [
    "{first} {last} Conseil",
    "Cabinet {first} {last}",
    "{last} Transition",
    "{first} {last} EI",
]
FOREIGN_NAME_PATTERNS = ["{last} {activity_en}", "{last} IT", "{last} Software", "{city_word} Systems"]
ACTIVITY_WORDS_EN = ["Consulting", "Solutions", "Systems", "Digital", "Software", "Data", "Technologies"]

JOB_TITLES = {
    "executive": ("management", ["Président", "Directeur général", "Gérant", "Directrice générale"]),
    "alliance_manager": ("sales", ["Responsable alliances", "Responsable partenariats", "Partner manager"]),
    "manager": ("management", ["Directeur commercial", "Responsable d'agence", "Directrice des opérations"]),
    "sales_rep": ("sales", ["Ingénieur commercial", "Chargée d'affaires", "Account manager"]),
    "consultant": ("presales", ["Consultant avant-vente", "Consultante fonctionnelle", "Chef de projet"]),
    "engineer": ("technical", ["Ingénieur systèmes", "Développeuse", "Architecte technique"]),
    "marketer": ("marketing", ["Responsable marketing", "Chargée de communication"]),
    "trainer": ("training", ["Formateur certifié", "Responsable formation"]),
    "assistant": ("administration", ["Assistante commerciale", "Office manager"]),
}

# The operator and its staff.
OPERATOR = {
    "name": "Logiciels Meute",
    "legal_name": "Logiciels Meute SAS",
    "city": "Lyon",
    "postal_code": "69007",
    "region": "fr-ara",
    "address": "12 quai Perrache",
    "website": "https://www.logiciels-meute.fr",
    "email_domain": "logiciels-meute.fr",
    "phone": "+33 4 72 00 12 34",
    "headcount": 420,
    "sales_headcount": 85,
    "engineer_headcount": 190,
    "annual_revenue": "58400000.00",
    "market_share": "4.20",
    "description": "Éditeur français de logiciels de gestion pour PME et ETI, vendus au travers d'un réseau "
    "de revendeurs, d'intégrateurs et d'apporteurs d'affaires.",
}
OPERATOR_STAFF = [
    ("Claire", "Dumont", "executive", "Présidente"),
    ("Julien", "Morel", "manager", "Directeur des ventes indirectes"),
    ("Sophie", "Lambert", "alliance_manager", "Responsable alliances Sud"),
    ("Thomas", "Girard", "alliance_manager", "Responsable alliances Nord"),
    ("Nadia", "Benali", "alliance_manager", "Responsable alliances Île-de-France"),
    ("Marc", "Fontaine", "alliance_manager", "Responsable alliances Europe"),
    ("Élodie", "Roux", "marketer", "Responsable marketing partenaires"),
    ("Hugo", "Chevalier", "trainer", "Responsable certification"),
    ("Camille", "Faure", "consultant", "Avant-vente partenaires"),
    ("Antoine", "Mercier", "manager", "Directeur administratif et financier"),
]

GROUPING_NAMES = [
    "Meute Transition Rhône",
    "Tribu Conseil Grand Ouest",
    "Collectif Experts Numériques",
    "Meute Seniors Sud",
    "Tribu Direction Financière",
    "Cercle Industrie 4.0",
]
