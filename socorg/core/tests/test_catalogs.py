"""Every zh-Hans catalog is complete: no untranslated and no fuzzy entry (a fuzzy one is not used, so the English
text would show), and each compiled .mo matches its .po (a catalog edited but not compiled shows English too).
Uses GNU gettext's own tools, which `makemessages`/`compilemessages` need anyway."""

import shutil
import subprocess
from pathlib import Path

import pytest

import socorg

CATALOGS = sorted(Path(socorg.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
pytestmark = pytest.mark.skipif(not shutil.which("msgattrib"), reason="needs GNU gettext (apt-get install gettext)")


def entries(po: Path, *flags: str) -> list[str]:
    """msgids of the catalog's entries selected by msgattrib's flags (the header excluded)."""
    output = subprocess.run(["msgattrib", "--no-obsolete", "--no-wrap", *flags, str(po)], capture_output=True,
                            text=True, check=True).stdout
    return [line[len("msgid "):] for line in output.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_there_are_catalogs_for_every_app_and_the_shared_templates():
    apps = {po.parts[-5] for po in CATALOGS}
    assert {"socorg", "core", "registry", "party", "alerts", "coverage"} <= apps


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: po.parts[-5])
def test_no_untranslated_entry(po):
    assert entries(po, "--untranslated") == []


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: po.parts[-5])
def test_no_fuzzy_entry(po):
    assert entries(po, "--only-fuzzy") == []


@pytest.mark.parametrize("po", CATALOGS, ids=lambda po: po.parts[-5])
def test_the_compiled_catalog_is_up_to_date(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), f"run `make messages` ({po})"
