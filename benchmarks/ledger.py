"""Ledger import benchmark (not run by the test suite).

    .venv/bin/python benchmarks/ledger.py [--orgs 100000] [--die-rows 20000] [--million] [--postgres URL]
        [--base URL [--index-study]] [--no-sqlite] [--no-die]

1. Generates a workbook of N social organizations (valid USCCs from make_uscc over real county codes), N/5 party
   organizations (standalone branches and joint branches of up to 5 organizations, under committees) and N/10
   instructors, and an organizations-only workbook of --die-rows rows.
2. Imports the full workbook with full validation into an empty database (SQLite, and PostgreSQL when --postgres
   is given) and prints rows/s and the peak resident memory of the importing process.
3. Imports the organizations-only workbook with our importer and with django-import-export (a minimal
   ModelResource, its default row-by-row import in one transaction) into empty databases and prints the ratio.
4. With --million: a dry-run import of a 1,000,000-row 「社会组织」 sheet (streamed) and its peak memory.
5. On PostgreSQL, the machine's bound in the same run: the rows every COPY of the import wrote, copied again (as
   COPY text, read back from the database beforehand) into tables of the same columns with no indexes, no
   constraints but NOT NULL and no triggers, in one committed transaction. The import's rows/s over the bound's
   rows/s (same workbook rows) is the ratio the README reports. The time of each table's COPY inside the import
   (indexes and triggers as they are) is printed beside the bound's.
6. With --base URL (PostgreSQL): the same workbook imported into a database that already holds data — the
   national set — inside a transaction that is rolled back at the end (the deferred foreign-key checks are run
   before, with SET CONSTRAINTS ALL IMMEDIATE, so their cost is counted): the honest case of a large import into
   a full registry; nothing is kept. With --index-study also, on that database and always rolled back: the
   organizations' COPY with the indexes as they are, with a large GIN pending list (gin_pending_list_limit and
   work_mem for the transaction, the pending lists merged by gin_clean_pending_list before the end), with GIN
   fastupdate off, and with the trigram indexes dropped before and built again after the load. The last takes
   an exclusive lock on the registry table for its duration: run the study on your own copy, never on a shared
   database.

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


def _timed_copies() -> dict:
    """Wrap TableWriter's COPY to time it per table; also note each table's highest id before its first COPY (so
    the bound phase can read back exactly the rows the import wrote). Returns {table: [rows, seconds, id_before]}."""
    from django.db import connection

    from socorg.core import bulk

    copies: dict[str, list] = {}
    copy, copy_rows = bulk.TableWriter._copy, bulk.copy_rows

    def first(writer, rows):
        if writer.table not in copies:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT coalesce(max(id), 0) FROM {connection.ops.quote_name(writer.table)}")
                copies[writer.table] = [0, 0.0, cursor.fetchone()[0]]
        copy(writer, rows)

    def timed(raw_cursor, sql, rows):
        # Where the COPY runs: in the importing thread, or in the import's background copier (core.bulk).
        table = sql.split()[1].strip('"')
        started = time.perf_counter()
        copy_rows(raw_cursor, sql, rows)
        copies[table][0] += len(rows)
        copies[table][1] += time.perf_counter() - started

    bulk.TableWriter._copy, bulk.copy_rows = first, timed
    return copies


def worker(phase: str, path: str) -> None:
    import django

    django.setup()
    if phase == "bound":
        return print(json.dumps(bound(json.loads(path))))
    if phase == "index-study":
        return print(json.dumps(index_study(path)))
    copies = _timed_copies()
    started, cpu_started = time.perf_counter(), _cpu()
    created = {}
    if phase in ("ours", "dry", "ours-base"):
        from django.db import connection, transaction

        from socorg.ledger.importer import import_ledger

        if phase == "ours-base":
            # Into a database holding data, rolled back at the end: the deferred foreign-key checks a commit would
            # run are run (and timed) first.
            with transaction.atomic():
                run = import_ledger(path)
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
                transaction.set_rollback(True)
        else:
            run = import_ledger(path, dry_run=phase == "dry")
        ok, errors, created = run.ok, [e.message for e in run.errors[:3]], run.counts["created"]
    else:
        ok, errors = _import_export(path)
    if phase != "ours-base":
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "ok": ok, "errors": errors,
                      "created": created, "copies": copies}))


BOUND_PREFIX = "ledger_bound_"


def bound(copies: dict) -> dict:
    """The machine's bound for the import's writes: the rows each COPY of the import wrote (read back as COPY text
    before the clock starts) copied into tables of the same columns without indexes, constraints (but NOT NULL) or
    triggers, in one committed transaction; the tables are dropped afterwards. Returns the seconds, per table and
    in all (commit included)."""
    from django.db import connection

    quote = connection.ops.quote_name
    data = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for table, (_rows, _seconds, id_before) in copies.items():
            chunks = []
            with raw.copy(f"COPY (SELECT * FROM {quote(table)} WHERE id > {int(id_before)} ORDER BY id) "
                          f"TO STDOUT") as copy:
                for chunk in copy:
                    chunks.append(bytes(chunk))
            data[table] = chunks
            cursor.execute(f"DROP TABLE IF EXISTS {quote(BOUND_PREFIX + table)}")
            cursor.execute(f"CREATE TABLE {quote(BOUND_PREFIX + table)} (LIKE {quote(table)} INCLUDING DEFAULTS)")
    per_table = {}
    connection.set_autocommit(False)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table, chunks in data.items():
            table_started = time.perf_counter()
            with cursor.cursor.copy(f"COPY {quote(BOUND_PREFIX + table)} FROM STDIN") as copy:
                for chunk in chunks:
                    copy.write(chunk)
            per_table[table] = time.perf_counter() - table_started
    connection.commit()
    seconds = time.perf_counter() - started
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        for table in data:
            cursor.execute(f"DROP TABLE {quote(BOUND_PREFIX + table)}")
    return {"seconds": seconds, "tables": per_table}


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


ORG_TABLE = "registry_socialorganization"


def index_study(spec: str) -> dict:
    """The organizations' COPY of the import (its rows read from the fresh database where it ran) into this
    database's registry table, each variant in its own transaction rolled back: seconds per variant."""
    import psycopg
    from django.db import connection

    spec = json.loads(spec)
    with psycopg.connect(spec["source"]) as source, source.cursor() as cursor:
        cursor.execute("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE "
                       "attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id'",
                       [ORG_TABLE])
        columns = cursor.fetchone()[0]
        with cursor.copy(f"COPY (SELECT {columns} FROM {ORG_TABLE} WHERE id > {int(spec['id_before'])}) "
                         f"TO STDOUT") as copy:
            data = [bytes(chunk) for chunk in copy]
    with connection.cursor() as cursor:
        cursor.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), am.amname, "
                       "i.indisprimary OR i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = %s::regclass", [ORG_TABLE])
        indexes = cursor.fetchall()
        cursor.execute(f"SELECT count(*) FROM {ORG_TABLE}")
        base_rows = cursor.fetchone()[0]
    gin = [(name, definition) for name, definition, method, _unique in indexes if method == "gin"]
    secondary = [(name, definition) for name, definition, _method, unique in indexes if not unique]

    def load(raw) -> float:
        started = time.perf_counter()
        with raw.copy(f"COPY {ORG_TABLE} ({columns}) FROM STDIN") as copy:
            for chunk in data:
                copy.write(chunk)
        raw.execute("SET CONSTRAINTS ALL IMMEDIATE")
        return time.perf_counter() - started

    def variant(before=(), after=()) -> dict:
        timings = {}
        connection.set_autocommit(False)
        try:
            with connection.cursor() as cursor:
                raw = cursor.cursor
                started = time.perf_counter()
                for statement in before:
                    raw.execute(statement)
                timings["before"] = time.perf_counter() - started
                timings["copy"] = load(raw)
                started = time.perf_counter()
                for statement in after:
                    raw.execute(statement)
                timings["after"] = time.perf_counter() - started
        finally:
            connection.rollback()
            connection.set_autocommit(True)
        timings["total"] = timings["before"] + timings["copy"] + timings["after"]
        return timings

    large_pending = ["SET LOCAL gin_pending_list_limit = '1GB'", "SET LOCAL work_mem = '256MB'",
                     "SET LOCAL maintenance_work_mem = '256MB'"]
    results = {"base_rows": base_rows, "rows": sum(chunk.count(b"\n") for chunk in data),
               "gin": [name for name, _d in gin], "secondary": len(secondary)}
    variants = {
        "as is": ((), ()),
        "GIN indexes dropped, built after": (
            ["SET LOCAL maintenance_work_mem = '256MB'"] + [f"DROP INDEX {name}" for name, _d in gin],
            [definition for _name, definition in gin]),
        "large GIN pending list, merged before the end": (
            large_pending, [f"SELECT gin_clean_pending_list('{name}'::regclass)" for name, _d in gin]),
        "every secondary index dropped, built after": (
            ["SET LOCAL maintenance_work_mem = '256MB'"] + [f"DROP INDEX {name}" for name, _d in secondary],
            [definition for _name, definition in secondary]),
        "as is (again)": ((), ()),
        "GIN fastupdate off": ([f"ALTER INDEX {name} SET (fastupdate = off)" for name, _d in gin], ()),
    }
    for name, (before, after) in variants.items():
        results[name] = variant(before, after)
        # Each variant as it ends (the whole study takes long on a national base).
        print(f"index study: {name}: {json.dumps(results[name])}", file=sys.stderr, flush=True)
    return results


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
           "DEBUG": "0", "SECRET_KEY": "benchmark-only-secret-" + "x" * 40,
           "SOCORG_FIELD_KEY": "benchmark-only-field-key", "ALLOWED_HOSTS": "localhost"}
    out = subprocess.run([PYTHON, __file__, "--worker", phase, str(path)], env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def counties() -> list[str]:
    import django

    django.setup()
    from django.db import connections

    from socorg.regions.models import Region

    codes = list(Region.objects.current().filter(level="county").order_by("code").values_list("code", flat=True))
    connections.close_all()  # the template database is copied next: no session may stay on it
    return codes


def report_copies(label: str, result: dict, bound_result: dict | None = None) -> None:
    """Each table's COPY inside the import (indexes and triggers as they are) and, with the bound, the same rows'
    COPY into bare tables."""
    for table, (rows, seconds, _id_before) in sorted(result["copies"].items(), key=lambda item: -item[1][1]):
        bare = bound_result["tables"].get(table) if bound_result else None
        print(f"[{label}]   COPY {table}: {rows:,} rows in {seconds:.2f} s"
              + (f" (bare table: {bare:.2f} s, {seconds / bare:.1f}×)" if bare else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--die-rows", type=int, default=20_000)
    parser.add_argument("--million", action="store_true", help="also measure a 1,000,000-row sheet (dry run)")
    parser.add_argument("--postgres", help="e.g. postgres://postgres@127.0.0.1:5432/socorg_ledger")
    parser.add_argument("--base", help="PostgreSQL database holding data (the national set): the full workbook is "
                                       "imported into it inside a transaction that is rolled back")
    parser.add_argument("--index-study", action="store_true",
                        help="with --base: the organizations' COPY under GIN settings and index rebuilds (rolled "
                             "back; locks the registry table: only on a database of your own)")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite measurements")
    parser.add_argument("--no-die", action="store_true", help="skip the django-import-export comparison")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    if (args.base or args.index_study) and not args.postgres:
        parser.error("--base and --index-study need --postgres (the bound and the study's rows come from there)")
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")
    os.environ.setdefault("DEBUG", "1")  # development mode on the embedded defaults (DEBUG is off when unset)
    sys.path.insert(0, str(ROOT))
    databases = ([] if args.no_sqlite else [Database(None)]) + ([Database(args.postgres)] if args.postgres else [])
    first = databases[0]
    os.environ["DATABASE_URL"] = (f"sqlite:///{first.template}" if first.url is None
                                  else f"{first.base}/{first.template_name}")
    codes = counties()
    full, small = WORK / f"full-{args.orgs}.xlsx", WORK / f"orgs-{args.die_rows}.xlsx"
    started = time.perf_counter()
    full_rows = full_workbook(full, codes, args.orgs)
    orgs_workbook(small, codes, args.die_rows)
    print(f"generated {full.name} ({full_rows} rows, {full.stat().st_size / 1e6:.1f} MB) and {small.name} "
          f"in {time.perf_counter() - started:.1f} s")
    for database in databases:
        url = database.fresh()
        result = measure("ours", full, url)
        assert result["ok"], result["errors"]
        print(f"[{database.label}] full import with validation: {full_rows} rows in {result['seconds']:.1f} s = "
              f"{full_rows / result['seconds']:,.0f} rows/s; importing process CPU {result['cpu']:.1f} s = "
              f"{full_rows / result['cpu']:,.0f} rows/s of CPU; peak {result['peak_mb']:.0f} MB")
        if database.url is not None:
            bound_result = measure("bound", json.dumps(result["copies"]), url)
            bound_rate = full_rows / bound_result["seconds"]
            print(f"[{database.label}] bound (the import's COPYs into bare tables, same rows, committed): "
                  f"{bound_result['seconds']:.2f} s = {bound_rate:,.0f} rows/s; ratio "
                  f"{full_rows / result['seconds'] / bound_rate:.3f}")
            report_copies(database.label, result, bound_result)
            if args.base:
                based = measure("ours-base", full, args.base)
                assert based["ok"], based["errors"]
                print(f"[{database.label} base] full import into {args.base.rsplit('/', 1)[-1]}, rolled back: "
                      f"{full_rows} rows in {based['seconds']:.1f} s = {full_rows / based['seconds']:,.0f} rows/s "
                      f"(CPU {based['cpu']:.1f} s); ratio to the bound {full_rows / based['seconds'] / bound_rate:.3f};"
                      f" created {based['created']}")
                report_copies(f"{database.label} base", based, bound_result)
                if args.index_study:
                    spec = {"source": url, "id_before": result["copies"][ORG_TABLE][2]}
                    study = measure("index-study", json.dumps(spec), args.base)
                    print(f"[{database.label} base] organizations' COPY, {study['rows']:,} rows into "
                          f"{study['base_rows']:,} ({len(study['gin'])} GIN, {study['secondary']} secondary "
                          f"indexes), each rolled back:")
                    for name, timing in study.items():
                        if isinstance(timing, dict):
                            print(f"    {name}: {timing['total']:.1f} s (before {timing['before']:.1f}, COPY "
                                  f"{timing['copy']:.1f}, after {timing['after']:.1f})")
        if args.no_die:
            continue
        ours = measure("ours", small, database.fresh())
        theirs = measure("die", small, database.fresh())
        assert ours["ok"], ours["errors"]
        assert theirs["ok"], theirs["errors"]
        print(f"[{database.label}] {args.die_rows} organizations: ours {ours['seconds']:.1f} s wall / "
              f"{ours['cpu']:.1f} s CPU ({args.die_rows / ours['seconds']:,.0f} rows/s), django-import-export "
              f"{theirs['seconds']:.1f} s wall / {theirs['cpu']:.1f} s CPU ({args.die_rows / theirs['seconds']:,.0f} "
              f"rows/s): {theirs['seconds'] / ours['seconds']:.1f}× faster by wall time, "
              f"{theirs['cpu'] / ours['cpu']:.1f}× by CPU time")
    if args.million and not args.no_sqlite:
        million = WORK / "orgs-1000000.xlsx"
        if not million.exists():
            orgs_workbook(million, codes, 1_000_000)
        result = measure("dry", million, databases[0].fresh())
        print(f"[SQLite] 1,000,000-row sheet, dry run (streamed): {result['seconds']:.0f} s = "
              f"{1_000_000 / result['seconds']:,.0f} rows/s (CPU {result['cpu']:.0f} s = "
              f"{1_000_000 / result['cpu']:,.0f} rows/s), peak {result['peak_mb']:.0f} MB, ok={result['ok']}")


if __name__ == "__main__":
    main()
