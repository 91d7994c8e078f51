"""Channel benchmarking (seed 001 §1): how our network covers the target market — segments (the partners'
markets) × territories (their geographies) — compared with the networks of competitors recorded as data.

A cell counts the partners whose markets include the segment and whose geographies include the territory.
A **strength** is a cell where we have more partners than the best-placed competitor; a **gap** is a cell
where a competitor has partners and we have fewer (none: an uncovered gap).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from meute.core.models import Organization, Sector, Territory

from .models import Competitor, CompetitorPartnership
from .potential import network_ids

MAX_AXIS = 12  # segments and territories shown: the most populated ones


@dataclass
class Cell:
    ours: int
    competitors: dict  # competitor name → count
    best: int = 0
    best_name: str = ""

    @property
    def strength(self) -> bool:
        return self.ours > self.best

    @property
    def gap(self) -> bool:
        return self.best > self.ours


@dataclass
class Coverage:
    segments: list
    territories: list
    rows: list  # [(segment, [Cell per territory])]
    strengths: list = field(default_factory=list)  # (segment, territory, cell)
    gaps: list = field(default_factory=list)
    competitors: list = field(default_factory=list)


def coverage_matrix(networks: dict, segments_of: dict, territories_of: dict, *, ours: str = "ours") -> dict:
    """Pure counting: ``networks`` maps a network name to organisation ids; returns
    ``{(segment, territory): {network: count}}``."""
    counts = defaultdict(lambda: defaultdict(int))
    for network, members in networks.items():
        for organization_id in members:
            for segment in segments_of.get(organization_id, ()):
                for territory in territories_of.get(organization_id, ()):
                    counts[(segment, territory)][network] += 1
    return counts


def coverage() -> Coverage:
    ours = network_ids()
    networks = {"": ours}
    competitors = list(Competitor.objects.order_by("name"))
    names = {competitor.pk: competitor.name for competitor in competitors}
    for competitor_id, organization_id in CompetitorPartnership.objects.values_list(
        "competitor_id", "organization_id"
    ):
        networks.setdefault(names[competitor_id], set()).add(organization_id)
    everyone = set().union(*networks.values())
    segments_of, territories_of = defaultdict(set), defaultdict(set)
    for organization_id, sector_id in Organization.markets.through.objects.filter(
        organization_id__in=everyone
    ).values_list("organization_id", "sector_id"):
        segments_of[organization_id].add(sector_id)
    for organization_id, territory_id in Organization.geographies.through.objects.filter(
        organization_id__in=everyone
    ).values_list("organization_id", "territory_id"):
        territories_of[organization_id].add(territory_id)
    counts = coverage_matrix(networks, segments_of, territories_of)
    seg_totals, ter_totals = defaultdict(int), defaultdict(int)
    for (segment, territory), by_network in counts.items():
        seg_totals[segment] += sum(by_network.values())
        ter_totals[territory] += sum(by_network.values())
    segment_ids = sorted(seg_totals, key=lambda s: -seg_totals[s])[:MAX_AXIS]
    territory_ids = sorted(ter_totals, key=lambda t: -ter_totals[t])[:MAX_AXIS]
    segments = Sector.objects.in_bulk(segment_ids)
    territories = Territory.objects.in_bulk(territory_ids)
    segment_list = sorted((segments[s] for s in segment_ids), key=lambda s: s.name)
    territory_list = sorted((territories[t] for t in territory_ids), key=lambda t: t.name)
    result = Coverage(segments=segment_list, territories=territory_list, rows=[], competitors=competitors)
    for segment in segment_list:
        cells = []
        for territory in territory_list:
            by_network = counts.get((segment.pk, territory.pk), {})
            rivals = {name: count for name, count in by_network.items() if name}
            best_name = max(rivals, key=lambda n: (rivals[n], n), default="")
            cell = Cell(by_network.get("", 0), rivals, rivals.get(best_name, 0), best_name)
            cells.append(cell)
            if cell.strength:
                result.strengths.append((segment, territory, cell))
            elif cell.gap:
                result.gaps.append((segment, territory, cell))
        result.rows.append((segment, cells))
    result.gaps.sort(key=lambda item: -(item[2].best - item[2].ours))
    return result
