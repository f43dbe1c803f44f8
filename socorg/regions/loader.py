"""Loads the shipped GB/T 2260 data file into the Region table (idempotent: rows are upserted by code)."""

from socorg.core.text import pinyin_full, pinyin_initials

from .choices import SCOPE_PREFIX_LENGTH, Level
from .dataset import iter_region_rows


def build_regions(region_model) -> list:
    """Region instances for every row of the data file, parents before children, with derived columns filled."""
    names: dict[str, str] = {}
    parents: dict[str, str | None] = {}
    regions = []
    for row in iter_region_rows():
        code, parent = row["code"], row["parent"]
        names[code], parents[code] = row["name"], parent
        chain, node = [], code
        while node is not None and node != "100000":
            chain.append(names[node])
            node = parents.get(node)
        regions.append(
            region_model(
                code=code,
                name=row["name"],
                level=row["level"],
                parent_id=parent,
                scope_prefix=code[: SCOPE_PREFIX_LENGTH[Level(row["level"])]],
                full_name=" ".join(reversed(chain)) or row["name"],
                pinyin=pinyin_full(row["name"]),
                pinyin_initials=pinyin_initials(row["name"]),
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                successor_id=row["successor"],
            )
        )
    return regions


def load_regions(region_model) -> int:
    """Insert or update every region; works with the live model or a migration's historical one."""
    regions = build_regions(region_model)
    fields = ["name", "level", "parent", "scope_prefix", "full_name", "pinyin", "pinyin_initials", "valid_from",
              "valid_to", "successor"]
    region_model.objects.bulk_create(
        regions, batch_size=1000, update_conflicts=True, unique_fields=["code"], update_fields=fields
    )
    return len(regions)
