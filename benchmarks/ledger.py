"""Ledger import benchmark (not run by the test suite).

    .venv/bin/python benchmarks/ledger.py [--orgs 100000] [--die-rows 20000] [--million] [--postgres URL]

1. Generates a workbook of N social organizations (valid USCCs from make_uscc over real county codes), N/5 party
   organizations (standalone branches and joint branches of up to 5 organizations, under committees) and N/10
   instructors, and an organizations-only workbook of --die-rows rows.
2. Imports the full workbook with full validation into an empty database (SQLite, and PostgreSQL when --postgres
   is given) and prints rows/s and the peak resident memory of the importing process.
3. Imports the organizations-only workbook with our importer and with django-import-export (a minimal
   ModelResource, its default row-by-row import in one transaction) into empty databases and prints the ratio.
4. With --million: a dry-run import of a 1,000,000-row 「社会组织」 sheet (streamed) and its peak memory.

Every measurement runs in its own subprocess, so peak memory (ru_maxrss) and CPU time (ru_utime + ru_stime, printed
beside wall time because the shared machine is loaded) are that import's alone; on PostgreSQL the server's own
CPU time is not included. Workbooks are written by a small direct XML writer (inline strings), much faster than
openpyxl for a million rows.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "benchmarks" / "ledger"
PYTHON = sys.executable


# --- workbook generation --------------------------------------------------------------------------------------

def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_xml(rows) -> bytes:
    def cells(number, row):
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{_col(index)}{number}"
            if isinstance(value, int | float):
                yield f'<c r="{ref}"><v>{value}</v></c>'
            else:
                yield f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    for number, row in enumerate(rows, start=1):
        yield f'<row r="{number}">{"".join(cells(number, row))}</row>'.encode()
    yield b"</sheetData></worksheet>"


def write_xlsx(path: Path, sheets: dict) -> None:
    """A minimal valid .xlsx: sheets = {name: iterable of rows}."""
    names = list(sheets)
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                      f'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(names) + 1))
            + "</Types>"))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns}><sheets>'
            + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
            + "</sheets></workbook>"))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + "</Relationships>"))
        for i, name in enumerate(names, 1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as member:
                for chunk in _sheet_xml(sheets[name]):
                    member.write(chunk)


ORG_HEADERS = ["统一社会信用代码", "名称", "类型", "类别", "登记管理机关行政区划代码", "登记层级", "业务主管单位",
               "成立登记日期", "登记状态", "状态变更日期", "正式党员人数", "预备党员人数", "党建写入章程", "法定代表人",
               "联系电话"]
TYPES = [("社会团体", "social_group"), ("民办非企业单位", "private_non_enterprise"), ("基金会", "foundation")]
CATEGORIES = ["行业协会商会", "科技类", "公益慈善类", "城乡社区服务类", "其他"]
WORDS = ["教育", "科技", "养老", "文化", "体育", "商贸", "餐饮", "建筑", "物流", "医疗", "环保", "旅游", "农业"]


def organizations(counties: list[str], count: int, seed: int = 7):
    from socorg.registry.uscc import make_uscc

    rng = random.Random(seed)
    for i in range(count):
        county = counties[i % len(counties)]
        label, org_type = TYPES[i % 3]
        yield [make_uscc(county, org_type, f"{i:08d}"), f"{county}{rng.choice(WORDS)}{label}{i}", label,
               CATEGORIES[i % 5], county, "县级", "" if i % 3 else "县民政局", f"20{10 + i % 14}-0{1 + i % 9}-1{i % 9}",
               "正常", "", i % 7, i % 2, "是" if i % 2 else "否", f"法人{i % 1000}", f"138{i:08d}"]


def full_workbook(path: Path, counties: list[str], count: int) -> int:
    orgs = list(organizations(counties, count))
    codes = [row[0] for row in orgs]
    party = [["党组织名称", "党组织类别", "组建方式", "覆盖社会组织", "上级党组织", "书记", "所属行政区划代码"]]
    committees = sorted({row[4] for row in orgs})
    for county in committees:
        party.append([f"{county}社会组织综合党委", "党委", "区域联建", "", "", "书记", county])
    i = 0
    while i < len(codes) and len(party) < count // 5:
        if i % 3 == 0:
            party.append([f"{orgs[i][1]}支部", "党支部", "单独组建", codes[i], f"{orgs[i][4]}社会组织综合党委",
                          "书记", ""])
            i += 1
        else:
            group = codes[i:i + 4]
            party.append([f"{orgs[i][1]}等联合支部", "党支部", "联合组建", "；".join(group),
                          f"{orgs[i][4]}社会组织综合党委", "", ""])
            i += 4
    instructors = [["姓名", "联系电话", "工作单位及职务", "指导社会组织", "选派日期", "状态"]]
    for k in range(count // 10):
        start = (k * 10 + 3) % len(codes)
        instructors.append([f"指导员{k}", f"139{k:08d}", "民政局", "、".join(codes[start:start + 3]), "2022-03-01",
                            "在岗"])
    write_xlsx(path, {"社会组织": [ORG_HEADERS] + orgs, "党组织": party, "党建工作指导员": instructors})
    return len(orgs) + len(party) - 1 + len(instructors) - 1


def orgs_workbook(path: Path, counties: list[str], count: int) -> int:
    write_xlsx(path, {"社会组织": [ORG_HEADERS] + list(organizations(counties, count))})
    return count


# --- workers (run in subprocesses) ----------------------------------------------------------------------------

def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(phase: str, path: str) -> None:
    import django

    django.setup()
    started, cpu_started = time.perf_counter(), _cpu()
    if phase in ("ours", "dry"):
        from socorg.ledger.importer import import_ledger

        run = import_ledger(path, dry_run=phase == "dry")
        ok, errors = run.ok, [e.message for e in run.errors[:3]]
    else:
        ok, errors = _import_export(path)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "ok": ok, "errors": errors}))


def _import_export(path: str):
    import tablib
    from import_export import resources
    from import_export.fields import Field
    from import_export.widgets import ForeignKeyWidget

    from socorg.regions.models import Region
    from socorg.registry.models import SocialOrganization

    types = {label: value for label, value in TYPES}

    class OrganizationResource(resources.ModelResource):
        uscc = Field(attribute="uscc", column_name="统一社会信用代码")
        name = Field(attribute="name", column_name="名称")
        org_type = Field(attribute="org_type", column_name="类型")
        authority_region = Field(attribute="authority_region", column_name="登记管理机关行政区划代码",
                                 widget=ForeignKeyWidget(Region, "code"))
        supervisor = Field(attribute="supervisor", column_name="业务主管单位")
        declared_full_members = Field(attribute="declared_full_members", column_name="正式党员人数")
        legal_representative = Field(attribute="legal_representative", column_name="法定代表人")
        phone = Field(attribute="phone", column_name="联系电话")

        class Meta:
            model = SocialOrganization
            import_id_fields = ("uscc",)
            fields = ("uscc", "name", "org_type", "authority_region", "supervisor", "declared_full_members",
                      "legal_representative", "phone")

        def before_import_row(self, row, **kwargs):
            row["类型"] = types.get(row["类型"], row["类型"])
            row["登记管理机关行政区划代码"] = str(row["登记管理机关行政区划代码"])
            row["联系电话"] = str(row["联系电话"])
            row["业务主管单位"] = row["业务主管单位"] or ""

        def before_save_instance(self, instance, row, **kwargs):
            instance.authority_level = "county"

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx")
    result = OrganizationResource().import_data(dataset, dry_run=False, use_transactions=True)
    errors = [str(e.error) for e in result.base_errors[:3]] + [
        str(err.error) for _n, errs in list(result.row_errors())[:3] for err in errs]
    return not result.has_errors(), errors


# --- orchestration --------------------------------------------------------------------------------------------

class Database:
    """A freshly migrated template database; `fresh()` returns the URL of an empty copy."""

    def __init__(self, url: str | None):
        self.url = url
        self.copies = 0
        if url is None:
            # Migrated afresh each run: a template left by an earlier run may predate the current migrations.
            self.template = WORK / "template.sqlite3"
            self.template.unlink(missing_ok=True)
            _socorg(["migrate", "-v0"], f"sqlite:///{self.template}")
        else:
            self.base = url.rsplit("/", 1)[0]
            self.template_name = "socorg_ledger_bench_tpl"
            self._sql(f"DROP DATABASE IF EXISTS {self.template_name}")
            self._sql(f"CREATE DATABASE {self.template_name}")
            _socorg(["migrate", "-v0"], f"{self.base}/{self.template_name}")

    @property
    def label(self) -> str:
        return "SQLite" if self.url is None else "PostgreSQL"

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.base}/postgres", autocommit=True) as connection:
            connection.execute(statement)

    def fresh(self) -> str:
        self.copies += 1
        if self.url is None:
            target = WORK / f"run{self.copies}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copy(self.template, target)
            return f"sqlite:///{target}"
        name = f"socorg_ledger_bench_{self.copies}"
        self._sql(f"DROP DATABASE IF EXISTS {name}")
        self._sql(f"CREATE DATABASE {name} TEMPLATE {self.template_name}")
        return f"{self.base}/{name}"


def _socorg(args: list[str], url: str) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "socorg"), *args], check=True, env={**os.environ,
                                                                                     "DATABASE_URL": url})


def measure(phase: str, path: Path, url: str) -> dict:
    # DEBUG off: Django would otherwise record every query (time and memory a production import does not spend).
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "socorg.settings", "PYTHONPATH": str(ROOT),
           "DEBUG": "0", "SECRET_KEY": "benchmark-only-secret", "SOCORG_FIELD_KEY": "benchmark-only-field-key",
           "ALLOWED_HOSTS": "localhost"}
    out = subprocess.run([PYTHON, __file__, "--worker", phase, str(path)], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def counties() -> list[str]:
    import django

    django.setup()
    from socorg.regions.models import Region

    return list(Region.objects.current().filter(level="county").order_by("code").values_list("code", flat=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--die-rows", type=int, default=20_000)
    parser.add_argument("--million", action="store_true", help="also measure a 1,000,000-row sheet (dry run)")
    parser.add_argument("--postgres", help="e.g. postgres://postgres@127.0.0.1:5432/socorg_ledger")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")
    os.environ.setdefault("DEBUG", "1")  # development mode on the embedded defaults (DEBUG is off when unset)
    sys.path.insert(0, str(ROOT))
    databases = [Database(None)] + ([Database(args.postgres)] if args.postgres else [])
    os.environ["DATABASE_URL"] = f"sqlite:///{databases[0].template}"
    codes = counties()
    full, small = WORK / f"full-{args.orgs}.xlsx", WORK / f"orgs-{args.die_rows}.xlsx"
    started = time.perf_counter()
    full_rows = full_workbook(full, codes, args.orgs)
    orgs_workbook(small, codes, args.die_rows)
    print(f"generated {full.name} ({full_rows} rows, {full.stat().st_size / 1e6:.1f} MB) and {small.name} "
          f"in {time.perf_counter() - started:.1f} s")
    for database in databases:
        result = measure("ours", full, database.fresh())
        assert result["ok"], result["errors"]
        print(f"[{database.label}] full import with validation: {full_rows} rows in {result['seconds']:.1f} s = "
              f"{full_rows / result['seconds']:,.0f} rows/s; importing process CPU {result['cpu']:.1f} s = "
              f"{full_rows / result['cpu']:,.0f} rows/s of CPU; peak {result['peak_mb']:.0f} MB")
        ours = measure("ours", small, database.fresh())
        theirs = measure("die", small, database.fresh())
        assert ours["ok"], ours["errors"]
        assert theirs["ok"], theirs["errors"]
        print(f"[{database.label}] {args.die_rows} organizations: ours {ours['seconds']:.1f} s wall / "
              f"{ours['cpu']:.1f} s CPU ({args.die_rows / ours['seconds']:,.0f} rows/s), django-import-export "
              f"{theirs['seconds']:.1f} s wall / {theirs['cpu']:.1f} s CPU ({args.die_rows / theirs['seconds']:,.0f} "
              f"rows/s): {theirs['seconds'] / ours['seconds']:.1f}× faster by wall time, "
              f"{theirs['cpu'] / ours['cpu']:.1f}× by CPU time")
    if args.million:
        million = WORK / "orgs-1000000.xlsx"
        if not million.exists():
            orgs_workbook(million, codes, 1_000_000)
        result = measure("dry", million, databases[0].fresh())
        print(f"[SQLite] 1,000,000-row sheet, dry run (streamed): {result['seconds']:.0f} s = "
              f"{1_000_000 / result['seconds']:,.0f} rows/s (CPU {result['cpu']:.0f} s = "
              f"{1_000_000 / result['cpu']:,.0f} rows/s), peak {result['peak_mb']:.0f} MB, ok={result['ok']}")


if __name__ == "__main__":
    main()
