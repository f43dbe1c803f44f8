"""The ledger's sheets 「党组织」 (keyed by name) and 「党建工作指导员」 (keyed by name + phone), registered from
PartyConfig.ready(); the ledger app provides the engine (socorg.ledger.sheets).

Both refer to social organizations by USCC lists: each code must be in this workbook's 「社会组织」 sheet or in the
database, and visible to the importing user. The covered / assigned lists are the current state: codes missing
from a row end the coverage (assignment) today; new codes start one.
"""

import dataclasses
from collections.abc import Container
from functools import partial

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.core.audit import AuditRecord
from socorg.core.crypto import encrypt
from socorg.core.scope import in_subtree
from socorg.coverage.state import covering_state
from socorg.ledger import bulkwrite, labels
from socorg.ledger.pinyin import pinyin_pair
from socorg.ledger.sheets import Column, Row, SheetHandler, register_sheet
from socorg.ledger.values import (
    CellError,
    clean_code,
    from_rule,
    not_future_date,
    parse_choice,
    parse_int,
    parse_region_code,
    parse_text,
    parse_yes_no,
    split_list,
)
from socorg.registry import rules as registry_rules
from socorg.registry.choices import REGISTERED_STATUSES
from socorg.registry.ledger import EXAMPLE_USCC, created_org, org_index, parse_phone, unpack
from socorg.registry.models import SocialOrganization
from socorg.registry.uscc import uscc_problems

from . import rules as party_rules
from .choices import InstructorKind, InstructorStatus, PartyOrgStatus
from .models import Instructor, InstructorAssignment, PartyCoverage, PartyOrganization, active_on
from .services.instructors import phone_key

CHANGE = "party.change"
PARTY_OBJECT_TYPE = PartyOrganization._meta.label_lower
INSTRUCTOR_OBJECT_TYPE = Instructor._meta.label_lower


def code_list(value) -> list[str]:
    """The codes of a list cell, cleaned and without repeats, not checked (see parse_uscc_list)."""
    return list(dict.fromkeys(clean_code(item) for item in split_list(value)))


def parse_uscc_list(value, regions: Container[str] | None = None, known: Container[str] = ()) -> list[str]:
    """Codes of a list cell, each checked; with `regions` (every region code) valid codes take the fast check;
    codes in `known` (this workbook's 「社会组织」 sheet, whose codes were checked there) are not checked again."""
    codes = code_list(value)
    for code in codes:
        if code in known or regions is not None and registry_rules.uscc_is_valid(code, None, regions):
            continue
        problems = uscc_problems(code)
        if problems:
            raise CellError(_("“%(code)s” in the list is not a valid unified social credit code: %(problem)s "
                              "Separate codes with ; ； 、 or line breaks.")
                            % {"code": code, "problem": " ".join(problems[0].messages)})
    return codes


def parse_term_years(value) -> int:
    return from_rule(party_rules.term_years, parse_int(value))


@dataclasses.dataclass
class PartySheetState:
    """What 「党组织」 keeps during one import (run.state(PartySheetState)); 「组织生活」 reads the index."""

    index: dict[str, tuple[int, str, str]] = dataclasses.field(default_factory=dict)  # name → (row, region code, kind)
    # (row, name, parent name): every parent reference, checked in finish(); the links to write there.
    parent_refs: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    parents: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    # Party organizations this import created (name → id), and those of them inserted with their parent already set
    # (a parent created in an earlier chunk or already in the database): finish() has nothing left to link for them.
    created_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    inserted_with_parent: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class InstructorSheetState:
    index: dict[tuple[str, str], int] = dataclasses.field(default_factory=dict)  # (name, phone key) → row


class _ReferenceSheet(SheetHandler):
    """Shared by both sheets: resolving USCC lists and the row's region."""

    list_key: str

    def parsers(self):
        return {**super().parsers(), self.list_key: partial(parse_uscc_list, regions=self.run.region_codes(),
                                                            known=org_index(self.run))}

    def preread_parsers(self):
        """The lists read ahead only decide the flags of organizations this import inserts; a code that is not valid
        fails the import in its own pass, which then writes nothing: they are read without checks here."""
        return {**self.parsers(), self.list_key: code_list}

    def resolve_codes(self, rows: list[Row]) -> dict[str, tuple[str, int | None, bool | None]]:
        """USCC → (region code, database id or None, active or None) for every code the chunk refers to; unknown
        codes and codes outside the user's view are reported on their row. When writing, every code is read from
        the database (the 「社会组织」 sheet has been written by then), so id and status are known."""
        index = org_index(self.run)
        wanted = {code for row in rows for code in row.values[self.list_key]}
        found: dict[str, tuple[str, int | None]] = {}
        missing = [code for code in wanted if code not in index]
        for code in wanted - set(missing):
            found[code] = (unpack(index[code])[1], None, None)
        db_codes = missing
        if self.run.writing:
            # Every code is resolved to its row now; those this import inserted are known without reading them.
            db_codes = []
            for code in wanted:
                created = created_org(self.run, code)
                if created is None:
                    db_codes.append(code)
                else:
                    found[code] = (found[code][0], *created)
        if db_codes:
            known = bulkwrite.ids_of(SocialOrganization, ("uscc", "authority_region", "status"), "uscc", db_codes)
            for (code, region, status), pk in known.items():
                found[code] = (region, pk, status in REGISTERED_STATUSES)
        for row in rows:
            for code in row.values[self.list_key]:
                if code not in found or not self.run.can("registry.view", found[code][0]):
                    self.fail(row, self.list_key, _(
                        "No social organization with the code %(code)s exists in this workbook's 「社会组织」 sheet "
                        "or in your regions of the database.") % {"code": code})
        return found

    def row_region(self, row: Row, found: dict, fallback: str | None = None) -> str | None:
        values = row.values
        if values.get("region"):
            region_code, key = values["region"], "region"
        elif values[self.list_key] and values[self.list_key][0] in found:
            region_code, key = found[values[self.list_key][0]][0], self.list_key
        elif fallback:
            region_code, key = fallback, "parent"
        else:
            single = self._single_change_region()
            if single is None:
                self.fail(row, self.list_key, _("The region cannot be derived (no organization listed): add the "
                                                "column 所属行政区划代码 with the 6-digit region code."))
                return None
            region_code, key = single, self.list_key
        region = self.run.region(region_code)
        if region is None:
            self.fail(row, key, _("Region code %(code)s does not exist: enter a 6-digit GB/T 2260 code.")
                      % {"code": region_code})
            return None
        if not self.run.can(CHANGE, region_code):
            self.fail(row, key, _("Region %(code)s (%(name)s) lies outside the regions you may change; only rows of "
                                  "your own regions can be imported.") % {"code": region_code, "name": region.name})
            return None
        return region_code

    def _single_change_region(self) -> str | None:
        user = self.run.user
        if user is None:
            return None
        regions = user.scope_regions(CHANGE)
        return regions[0].code if len(regions) == 1 else None

    def _change_of(self, row: Row, obj, found: dict, links: dict) -> dict | None:
        """The change a row makes to the existing `obj` (see _changes), or None: refused (outside the regions the
        user may change), its region not resolved, or unchanged (counted)."""
        if not self.run.can(CHANGE, obj.region_id):
            self.fail(row, "name", self._refused(obj))
            return None
        region = self.row_region(row, found) if row.values.get("region") else obj.region_id
        if region is None:
            return None
        change = self._changes(obj, row.values, region, links)
        if change is None:
            self.run.count(self.kind, "unchanged")
        return change

    # --- writing, the same for both sheets: each names its tables and supplies the per-row pieces (_link_state,
    # _audit_after, _insert_values, _inserted_ids, _inserted) -------------------------------------------------------
    MODEL = LINK_MODEL = None  # the sheet's table and its link table (coverages, assignments)
    OWNER_FIELD = ""  # the link table's field naming the row
    UPDATE_FIELDS: frozenset[str] = frozenset()  # written on every update besides the changed fields
    LINK_STATE_FIELDS: frozenset[str] = frozenset()  # a change of these refreshes every organization linked to the row
    UPDATE_ACTION = ""  # the audit action of an update

    def _write(self, creates, updates, found, existing) -> None:
        """Insert the new rows, update the changed ones (one bulk update, one audit batch), then write the links
        they gained, end the links they lost, and mark the organizations concerned for the flag refresh."""
        today = self.run.today
        links, ended_link_ids, touched = [], [], set()
        if creates:
            links += self._insert(creates, found)
        if updates:
            records = []
            now, fields = timezone.now(), set(self.UPDATE_FIELDS)
            for row, obj, change in updates:
                obj.updated_at = now
                fields.update(change["fields"])
                current = existing.get(obj.pk, {})
                state = self._link_state(obj)
                links += [(obj.pk, found[c], today, state) for c in change["added"]]
                ended_link_ids += [current[c][0] for c in change["removed"]]
                touched.update(current[c][1] for c in change["removed"])
                if self.LINK_STATE_FIELDS & set(change["fields"]):
                    touched.update(org_id for _link, org_id in current.values())
                records.append(AuditRecord(self.UPDATE_ACTION, obj, before=change["before"],
                                           after=self._audit_after(row, obj, change)))
            self.MODEL.objects.bulk_update([u[1] for u in updates], sorted(fields))
            self.run.record_audit(records)
        _write_links(self.run, self.LINK_MODEL, self.OWNER_FIELD, links, touched)
        if ended_link_ids:
            self.LINK_MODEL.objects.filter(pk__in=ended_link_ids).update(end_on=today)
        self.run.touched_org_ids.update(touched)

    def _before_insert(self, creates, ids: dict | None) -> None:
        """What a chunk's new rows need looked up before they are built (see PartyOrganizationSheet); `ids` are
        their ids by _key when reserved before the insert."""

    def _key(self, values: dict):
        """The key the sheet's rows are matched by (and _inserted_ids returns)."""
        raise NotImplementedError

    def _insert(self, creates, found) -> list[tuple]:
        """New rows as plain rows (see bulkwrite), audited in one batch; returns their links to write."""
        reserved = bulkwrite.reserve_ids(self.MODEL, len(creates))  # None: read back after the insert (SQLite)
        writer = self.run.table_writer(self.MODEL, self.INSERT_FIELDS if reserved is None
                                       else ("id", *self.INSERT_FIELDS))
        stamp, self.db_date = bulkwrite.db_now(), bulkwrite.date_adapter()  # _insert_values' (bound once per chunk)
        ids = None if reserved is None else {self._key(row.values): pk for (row, _r), pk in zip(creates, reserved,
                                                                                                 strict=True)}
        self._before_insert(creates, ids)
        for number, (row, region) in enumerate(creates):
            values = self._insert_values(row.values, region, stamp)
            writer.add(values if reserved is None else (reserved[number], *values))
        if ids is None:
            writer.flush()  # SQLite: the ids are read back; with reserved ids the import writes every COPY_ROWS
            ids = self._inserted_ids(creates)
        audit, links = self.run.audit_writer(), []
        for row, region in creates:
            links += self._inserted(audit, row.values, region, ids, found)
        return links


@register_sheet
class PartyOrganizationSheet(_ReferenceSheet):
    sheet_name = "党组织"
    kind = "party_orgs"
    kind_label = gettext_lazy("Party organizations")
    order = 20
    list_key = "organizations"
    columns = (
        Column("党组织名称", "name", True, partial(parse_text, max_length=200), note="全称，唯一",
               example="中共昆明市五华区示例行业协会支部委员会"),
        Column("党组织类别", "kind", True, partial(parse_choice, labels=labels.PARTY_KIND),
               choices=labels.choices_of(labels.PARTY_KIND), example="党支部"),
        Column("组建方式", "formation", True, partial(parse_choice, labels=labels.FORMATION),
               choices=labels.choices_of(labels.FORMATION), example="单独组建"),
        Column("是否功能型", "is_functional", False, parse_yes_no, default=False, choices=labels.YES_NO,
               note="默认否", example="否"),
        Column("覆盖社会组织", "organizations", False, parse_uscc_list, default=[],
               note="统一社会信用代码列表，用 ; ； 、 或换行分隔；党委和功能型党组织可为空；单独组建只能覆盖一个",
               example=EXAMPLE_USCC),
        Column("上级党组织", "parent", False, partial(parse_text, max_length=200), default="",
               note="上级党组织名称（本表或系统中已有）"),
        Column("成立日期", "founded_on", False, partial(not_future_date, label="成立日期"), example="2020-07-01"),
        Column("书记", "secretary_name", False, partial(parse_text, max_length=64), default="",
               note="为空表示书记空缺", example="李四"),
        Column("本届任期开始", "term_started_on", False, partial(not_future_date, label="本届任期开始"),
               example="2023-07-01"),
        Column("任期年限", "term_years", False, parse_term_years, default=None, choices=labels.TERM_YEARS,
               note="3 或 5；为空时按类别：党委 5，党总支、党支部 3（党总支、党支部经批准可为 5）", example=3),
        Column("状态", "status", False, partial(parse_choice, labels=labels.PARTY_STATUS),
               default=PartyOrgStatus.ACTIVE, choices=labels.choices_of(labels.PARTY_STATUS), example="正常"),
        Column("设有党小组", "has_party_groups", False, parse_yes_no, default=False, choices=labels.YES_NO,
               note="默认否；设有党小组的党支部每月召开党小组会", example="否"),
        Column("所属行政区划代码", "region", False, parse_region_code,
               note="扩展列（可选）：领导该党组织的党委所在区划；为空时取第一个覆盖社会组织的登记区划"),
    )
    FIELDS = ("kind", "formation", "is_functional", "founded_on", "secretary_name", "term_started_on", "term_years",
              "status", "has_party_groups")
    INSERT_FIELDS = ("name", "name_pinyin", "name_initials", "kind", "formation", "is_functional", "region",
                     "founded_on", "secretary_name", "secretary_vacant_since", "term_started_on", "term_years",
                     "status", "status_changed_on", "has_party_groups", "created_at", "updated_at", "parent")
    MODEL, LINK_MODEL, OWNER_FIELD = PartyOrganization, PartyCoverage, "party_org"
    UPDATE_FIELDS = frozenset({"updated_at", "status_changed_on", "secretary_vacant_since"})
    LINK_STATE_FIELDS = frozenset({"formation", "is_functional", "status"})  # what decides the covering state
    UPDATE_ACTION = "party.org.update"
    preread_keys = frozenset({"organizations", "formation", "is_functional", "status"})

    def preread(self, values: dict) -> None:
        """Every row's list, read before the 「社会组织」 sheet is written: its new organizations are inserted with
        the flags this party organization, as the row leaves it, gives them (coverage.state.CreatedRowsState)."""
        self.run.created_state.expect_coverage(values["organizations"], covering_state(
            values["status"], values["formation"], values["is_functional"]))

    def check_row(self, row: Row) -> None:
        values = row.values
        if values.get("term_years") is None:
            values["term_years"] = party_rules.default_term_years(values["kind"])
        index = self.run.state(PartySheetState).index
        name = values["name"]
        if name in index:
            self.fail(row, "name", _("The party organization “%(name)s” already appears in row %(row)d of this "
                                     "sheet; each party organization appears once.")
                      % {"name": name, "row": index[name][0]})
            return
        index[name] = (row.number, values.get("region") or "", values["kind"])
        self.check(row, "organizations", party_rules.coverage_count, kind=values["kind"],
                   formation=values["formation"], is_functional=values["is_functional"],
                   count=len(values["organizations"]))
        if values["parent"] == name:
            self.fail(row, "parent", _("A party organization cannot be its own parent."))
        elif values["parent"]:
            self.run.state(PartySheetState).parent_refs.append((row.number, name, values["parent"]))
        self.check(row, "term_started_on", party_rules.term_order, term_started_on=values["term_started_on"],
                   founded_on=values["founded_on"])

    def flush(self, rows: list[Row]) -> None:
        found = self.resolve_codes(rows)
        names = [row.values["name"] for row in rows]
        known = bulkwrite.ids_of(PartyOrganization, ("name",), "name", names)  # plain SQL; only these are loaded
        existing = {p.name: p for p in PartyOrganization.objects.filter(pk__in=list(known.values())).select_related(
            "parent")} if known else {}
        covered = _active_links(PartyCoverage, "party_org_id", [p.pk for p in existing.values()])
        parents = self.run.state(PartySheetState).parents
        creates, updates = [], []
        for row in rows:
            if row.failed:
                continue
            values = row.values
            party_org = existing.get(values["name"])
            if party_org is None:
                region = self.row_region(row, found, self._parent_region(values["parent"]))
                if region is None:
                    continue
                creates.append((row, region))
                if values["parent"]:
                    parents.append((row.number, values["name"], values["parent"]))
                continue
            change = self._change_of(row, party_org, found, covered.get(party_org.pk, {}))
            if change is None:
                continue
            if (party_org.parent.name if party_org.parent_id else "") != values["parent"]:
                parents.append((row.number, values["name"], values["parent"]))
            updates.append((row, party_org, change))
        if self.counted(creates, updates):
            self._write(creates, updates, found, covered)

    def _parent_region(self, parent_name: str) -> str | None:
        if not parent_name:
            return None
        in_file = self.run.state(PartySheetState).index.get(parent_name)
        if in_file and in_file[1]:
            return in_file[1]
        return PartyOrganization.objects.filter(name=parent_name).values_list("region_id", flat=True).first()

    def _changes(self, party_org, values: dict, region: str, links: dict) -> dict | None:
        changed = [f for f in self.FIELDS if getattr(party_org, f) != values[f]]
        if region != party_org.region_id:
            changed.append("region_id")
        parent_name = party_org.parent.name if party_org.parent_id else ""
        wanted = set(values["organizations"])
        added, removed = wanted - set(links), set(links) - wanted
        if not changed and parent_name == values["parent"] and not added and not removed:
            return None
        before = {f.removesuffix("_id"): getattr(party_org, f) for f in changed}
        for field in changed:
            setattr(party_org, field, values[field] if field != "region_id" else region)
        if "status" in changed:
            party_org.status_changed_on = self.run.today
        if "secretary_name" in changed:
            # The ledger does not say since when a post is vacant: unknown, not the day of the import.
            party_org.secretary_vacant_since = None
        if parent_name != values["parent"]:
            before["parent"] = parent_name
        if added or removed:
            before["organizations"] = sorted(links)
        return {"fields": changed, "before": before, "added": added, "removed": removed,
                "parent_changed": parent_name != values["parent"]}

    def _refused(self, party_org) -> str:
        return (_("“%(name)s” belongs to region %(code)s, outside the regions you may change.")
                % {"name": party_org.name, "code": party_org.region_id})

    def _link_state(self, party_org) -> str:
        return covering_state(party_org.status, party_org.formation, party_org.is_functional)

    def _audit_after(self, row, party_org, change) -> dict:
        after = {f.removesuffix("_id"): getattr(party_org, f) for f in change["fields"]}
        if change["parent_changed"]:
            after["parent"] = row.values["parent"]
        if change["added"] or change["removed"]:
            after["organizations"] = row.values["organizations"]
        return after

    def _key(self, values: dict):
        return values["name"]

    def _before_insert(self, creates, ids: dict | None) -> None:
        """The ids of the chunk's parents that exist by now (created in an earlier chunk or in the database, or in
        this chunk when its ids were reserved), so those rows are inserted linked: an UPDATE afterwards would write
        every such row twice, in each of the table's indexes, and fire its statement triggers once per row. Parents
        are checked in finish() all the same; a bad reference fails the import, which then writes nothing."""
        state = self.run.state(PartySheetState)
        if ids:
            state.created_ids.update(ids)
        wanted = sorted({row.values["parent"] for row, _r in creates} - state.created_ids.keys() - {""})
        self._parent_ids = bulkwrite.ids_of(PartyOrganization, ("name",), "name", wanted) if wanted else {}

    def _insert_values(self, v: dict, region: str, stamp) -> tuple:
        db_date = self.db_date
        pinyin, initials = pinyin_pair(v["name"])
        state = self.run.state(PartySheetState)
        parent_id = (state.created_ids.get(v["parent"]) or self._parent_ids.get(v["parent"])) if v["parent"] else None
        if parent_id is not None:
            state.inserted_with_parent.add(v["name"])
        return (v["name"], pinyin[:600], initials[:200], v["kind"], v["formation"], v["is_functional"], region,
                db_date(v["founded_on"]), v["secretary_name"],
                None, db_date(v["term_started_on"]),  # vacant since: unknown (see above)
                v["term_years"], v["status"], None if v["status"] == PartyOrgStatus.ACTIVE else db_date(self.run.today),
                v["has_party_groups"], stamp, stamp, parent_id)

    def _inserted_ids(self, creates) -> dict:
        return bulkwrite.ids_of(PartyOrganization, ("name",), "name", [row.values["name"] for row, _r in creates])

    def _inserted(self, audit, v: dict, region: str, ids: dict, found: dict) -> list[tuple]:
        pk, orgs = ids[v["name"]], v["organizations"]
        state = covering_state(v["status"], v["formation"], v["is_functional"])
        self.run.created_party_org_ids.add(pk)
        self.run.state(PartySheetState).created_ids[v["name"]] = pk
        audit.add("party.org.create", PARTY_OBJECT_TYPE, pk, v["name"], after={
            **{f: v[f] for f in self.FIELDS}, "region": region, "parent": v["parent"], "organizations": orgs})
        return [(pk, found[c], v["founded_on"] or self.run.today, state) for c in orgs]

    def finish(self) -> None:
        """Check every parent reference once all rows are known (a parent may come after its child), then link
        the rows whose parent changed."""
        state = self.run.state(PartySheetState)
        refs, pending, index = state.parent_refs, state.parents, state.index
        state.parent_refs, state.parents = [], []
        names = {parent for _n, _name, parent in refs}
        kinds_in_db = dict(PartyOrganization.objects.filter(name__in=list(names - set(index))).values_list(
            "name", "kind")) if names else {}
        parent_of = {name: parent for _n, name, parent in refs}
        bad = set()
        for number, name, parent in refs:
            parent_kind = index[parent][2] if parent in index else kinds_in_db.get(parent)
            message = None
            if parent_kind is None:
                message = _("The parent party organization “%(parent)s” is neither in this sheet nor in the "
                            "database; enter its exact full name.") % {"parent": parent}
            elif _loops(name, parent_of):
                message = _("The parent links of “%(name)s” form a loop; a party organization cannot be under its "
                            "own subordinate.") % {"name": name}
            elif not party_rules.ranks_above(parent_kind, index[name][2]):
                try:
                    party_rules.parent_rank(parent_kind=parent_kind, kind=index[name][2])
                except ValidationError as error:
                    message = " ".join(error.messages)
            if message:
                bad.add(name)
                self.run.error(self, number, "parent", parent, message)
        links = [(name, parent or None) for _n, name, parent in pending
                 if name not in bad and name not in state.inserted_with_parent]
        if self.run.writing and links:
            ids = bulkwrite.ids_of(PartyOrganization, ("name",), "name",
                                   sorted({n for pair in links for n in pair if n}))
            bulkwrite.set_column(PartyOrganization, "parent_id",
                                 [(ids[name], ids[parent] if parent else None) for name, parent in links])

    @classmethod
    def export_rows(cls, user, prefix):
        orgs = PartyOrganization.objects.all() if user is None else PartyOrganization.objects.visible_to(user)
        orgs = orgs.filter(in_subtree("region__code", prefix))
        for ids in queryset_batches(orgs.order_by("name").values_list("id", flat=True)):
            batch = PartyOrganization.objects.filter(pk__in=ids).select_related("parent").order_by("name")
            links = _active_links(PartyCoverage, "party_org_id", ids)
            for p in batch:
                yield [p.name, labels.label_of(labels.PARTY_KIND, p.kind),
                       labels.label_of(labels.FORMATION, p.formation), labels.YES_NO[0 if p.is_functional else 1],
                       ";".join(sorted(links.get(p.pk, {}))), p.parent.name if p.parent_id else "", p.founded_on,
                       p.secretary_name, p.term_started_on, p.term_years,
                       labels.label_of(labels.PARTY_STATUS, p.status), labels.YES_NO[0 if p.has_party_groups else 1],
                       p.region_id]


@register_sheet
class InstructorSheet(_ReferenceSheet):
    sheet_name = "党建工作指导员"
    kind = "instructors"
    kind_label = gettext_lazy("Party-building instructors")
    order = 30
    list_key = "organizations"
    columns = (
        Column("姓名", "name", True, partial(parse_text, max_length=64), example="王五"),
        Column("联系电话", "phone", True, parse_phone, note="敏感信息，加密保存；与姓名一起识别指导员",
               example="13800000000"),
        Column("工作单位及职务", "unit_and_post", False, partial(parse_text, max_length=200), default="",
               example="五华区民政局 科员"),
        Column("指导社会组织", "organizations", False, parse_uscc_list, default=[],
               note="统一社会信用代码列表，用 ; ； 、 或换行分隔；在岗时必填", example=EXAMPLE_USCC),
        Column("选派日期", "appointed_on", False, partial(not_future_date, label="选派日期"), example="2022-03-01"),
        Column("状态", "status", False, partial(parse_choice, labels=labels.INSTRUCTOR_STATUS),
               default=InstructorStatus.ON_DUTY, choices=labels.choices_of(labels.INSTRUCTOR_STATUS), example="在岗"),
        Column("选派单位行政区划代码", "region", False, parse_region_code,
               note="扩展列（可选）：选派指导员的单位所在区划；为空时取第一个指导社会组织的登记区划"),
    )
    FIELDS = ("unit_and_post", "appointed_on", "status", "phone")
    INSERT_FIELDS = ("kind", "name", "name_pinyin", "name_initials", "unit_and_post", "phone", "phone_index", "region",
                     "appointed_on", "status", "left_on", "created_at", "updated_at")
    MODEL, LINK_MODEL, OWNER_FIELD = Instructor, InstructorAssignment, "instructor"
    UPDATE_FIELDS = frozenset({"updated_at", "left_on"})
    LINK_STATE_FIELDS = frozenset({"status"})
    UPDATE_ACTION = "party.instructor.update"
    preread_keys = frozenset({"organizations", "status"})

    def preread(self, values: dict) -> None:
        """As for 「党组织」: the organizations an instructor on duty is assigned to are work-covered."""
        self.run.created_state.expect_assignment(values["organizations"],
                                                 on_duty=values["status"] == InstructorStatus.ON_DUTY)

    def check_row(self, row: Row) -> None:
        values = row.values
        key = (values["name"], phone_key(values["phone"]))
        values["phone_index"] = key[1]
        index = self.run.state(InstructorSheetState).index
        if key in index:
            self.fail(row, "phone", _("%(name)s with this phone number already appears in row %(row)d; an instructor "
                                      "is identified by name and phone and appears once.")
                      % {"name": values["name"], "row": index[key]})
            return
        index[key] = row.number
        if values["status"] == InstructorStatus.ON_DUTY and not values["organizations"]:
            self.fail(row, "organizations", _("指导社会组织 is required for an instructor on duty: list the unified "
                                              "social credit codes of the organizations they guide."))

    def flush(self, rows: list[Row]) -> None:
        found = self.resolve_codes(rows)
        known = bulkwrite.ids_of(Instructor, ("name", "phone_index"), "phone_index",
                                 [row.values["phone_index"] for row in rows], kind=InstructorKind.INSTRUCTOR.value)
        existing = {(i.name, i.phone_index): i for i in Instructor.objects.filter(pk__in=list(known.values()))
                    } if known else {}
        assigned = _active_links(InstructorAssignment, "instructor_id", [i.pk for i in existing.values()])
        creates, updates = [], []
        for row in rows:
            if row.failed:
                continue
            values = row.values
            instructor = existing.get((values["name"], values["phone_index"]))
            if instructor is None:
                region = self.row_region(row, found)
                if region is not None:
                    creates.append((row, region))
                continue
            change = self._change_of(row, instructor, found, assigned.get(instructor.pk, {}))
            if change is not None:
                updates.append((row, instructor, change))
        if self.counted(creates, updates):
            self._write(creates, updates, found, assigned)

    def _changes(self, instructor, values: dict, region: str, links: dict) -> dict | None:
        changed = [f for f in self.FIELDS if getattr(instructor, f) != values[f]]
        if region != instructor.region_id:
            changed.append("region_id")
        wanted = set(values["organizations"])
        added, removed = wanted - set(links), set(links) - wanted
        if not changed and not added and not removed:
            return None
        before = {f.removesuffix("_id"): getattr(instructor, f) for f in changed if f != "phone"}
        for field in changed:
            setattr(instructor, field, values[field] if field != "region_id" else region)
        if "status" in changed:
            instructor.left_on = None if instructor.status == InstructorStatus.ON_DUTY else self.run.today
        if added or removed:
            before["organizations"] = sorted(links)
        return {"fields": changed, "before": before, "added": added, "removed": removed}

    def _refused(self, instructor) -> str:
        return (_("%(name)s was sent by region %(code)s, outside the regions you may change.")
                % {"name": instructor.name, "code": instructor.region_id})

    def _link_state(self, instructor) -> bool:
        return instructor.status == InstructorStatus.ON_DUTY

    def _audit_after(self, row, instructor, change) -> dict:
        after = {f.removesuffix("_id"): getattr(instructor, f) for f in change["fields"] if f != "phone"}
        if "phone" in change["fields"]:
            after["phone_changed"] = True
        if change["added"] or change["removed"]:
            after["organizations"] = row.values["organizations"]
        return after

    def _insert_values(self, v: dict, region: str, stamp) -> tuple:
        db_date = self.db_date
        pinyin, initials = pinyin_pair(v["name"])
        on_duty = v["status"] == InstructorStatus.ON_DUTY
        return (InstructorKind.INSTRUCTOR.value, v["name"], pinyin[:200], initials[:64], v["unit_and_post"],
                encrypt(v["phone"]), v["phone_index"], region, db_date(v["appointed_on"]), v["status"],
                None if on_duty else db_date(self.run.today), stamp, stamp)

    def _key(self, values: dict):
        return values["name"], values["phone_index"]

    def _inserted_ids(self, creates) -> dict:
        return bulkwrite.ids_of(Instructor, ("name", "phone_index"), "phone_index",
                                [row.values["phone_index"] for row, _r in creates],
                                kind=InstructorKind.INSTRUCTOR.value)

    def _inserted(self, audit, v: dict, region: str, ids: dict, found: dict) -> list[tuple]:
        pk, orgs = ids[v["name"], v["phone_index"]], v["organizations"]
        on_duty = v["status"] == InstructorStatus.ON_DUTY
        audit.add("party.instructor.create", INSTRUCTOR_OBJECT_TYPE, pk, v["name"], after={
            "name": v["name"], "unit_and_post": v["unit_and_post"], "region": region,
            "appointed_on": v["appointed_on"], "status": v["status"], "phone_set": True, "organizations": orgs})
        return [(pk, found[c], v["appointed_on"] or self.run.today, on_duty) for c in orgs]

    @classmethod
    def export_rows(cls, user, prefix):
        people = Instructor.objects.all() if user is None else Instructor.objects.visible_to(user)
        people = people.filter(kind=InstructorKind.INSTRUCTOR)
        people = people.filter(in_subtree("region__code", prefix))
        for ids in queryset_batches(people.order_by("name", "id").values_list("id", flat=True)):
            links = _active_links(InstructorAssignment, "instructor_id", ids)
            for i in Instructor.objects.filter(pk__in=ids).order_by("name", "id"):
                yield [i.name, i.phone, i.unit_and_post, ";".join(sorted(links.get(i.pk, {}))), i.appointed_on,
                       labels.label_of(labels.INSTRUCTOR_STATUS, i.status), i.region_id]



def _write_links(run, model, owner_field: str, links: list[tuple], touched: set[int]) -> None:
    """Insert coverage or assignment links (owner id, resolved organization, start, owner state) as plain rows.
    Links to organizations created by this import feed the import's own flag computation, links of party
    organizations created by it their reach; links to existing organizations mark those for the set-based
    refresh (which also brings the reach of every party organization covering them up to date). Written with the
    import's other new rows (ImportRun.table_writer)."""
    if not links:
        return
    writer = run.table_writer(model, (owner_field, "organization", "start_on", "end_on"))
    today, db_date = run.today, bulkwrite.date_adapter()
    coverage = model is PartyCoverage
    for owner_id, (region, org_id, org_active), start, state in links:
        writer.add((owner_id, org_id, db_date(start), None))
        in_force = start <= today
        if coverage and owner_id in run.created_party_org_ids:
            if in_force and state.active and org_active:
                run.created_state.note_reach(owner_id, region, functional=state.functional)
        elif coverage and org_id in run.created_org_ids:
            run.reach_party_org_ids.add(owner_id)  # an existing party organization: its reach is refreshed in SQL
        if org_id not in run.created_org_ids:
            touched.add(org_id)
        elif in_force and coverage:
            run.created_state.note_coverage(org_id, state)
        elif in_force:
            run.created_state.note_assignment(org_id, on_duty=state)


def _active_links(model, owner_field: str, owner_ids) -> dict[int, dict[str, tuple[int, int]]]:
    """{owner id: {uscc: (link id, organization id)}} of the links in force today."""
    links: dict[int, dict[str, tuple[int, int]]] = {}
    if not owner_ids:
        return links
    rows = model.objects.filter(active_on(), **{f"{owner_field}__in": list(owner_ids)}).values_list(
        owner_field, "organization__uscc", "id", "organization_id")
    for owner, uscc, link_id, org_id in rows:
        links.setdefault(owner, {})[uscc] = (link_id, org_id)
    return links


def queryset_batches(ids_queryset, size: int = 2000):
    """The rows of a values_list queryset in lists of `size`, read with a server-side cursor."""
    batch = []
    for pk in ids_queryset.iterator(chunk_size=size):
        batch.append(pk)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _loops(name: str, parent_of: dict[str, str]) -> bool:
    seen, node = set(), parent_of.get(name)
    while node:
        if node == name or node in seen:
            return True
        seen.add(node)
        node = parent_of.get(node)
    return False
