"""The ledger's 「社会组织」 sheet (docs/ledger.md): one row per social organization, keyed by its USCC.

Registered from RegistryConfig.ready(); the ledger app provides the engine (socorg.ledger.sheets)."""

import dataclasses
from functools import partial

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.core.audit import AuditRecord
from socorg.core.crypto import encrypt
from socorg.core.scope import in_subtree
from socorg.ledger import bulkwrite, labels
from socorg.ledger.pinyin import pinyin_pair
from socorg.ledger.sheets import Column, Row, SheetHandler, register_sheet
from socorg.ledger.values import (
    clean_text_cell,
    from_rule,
    not_future_date,
    parse_choice,
    parse_int,
    parse_region_code,
    parse_text,
    parse_uscc_cell,
    parse_yes_no,
)
from socorg.party.rules import should_build_basis

from . import rules
from .choices import REGISTERED_STATUSES, FilingStatus, OrgStatus
from .models import FiledCommunityOrganization, SocialOrganization
from .uscc import make_uscc, uscc_problems


def _full_members_note() -> str:
    """The 正式党员人数 column always means the organization's full party members; the note says which of them this
    deployment counts toward should-build (party.rules.should_build_basis), read when the template is written."""
    if should_build_basis() == "full_time_staff":
        basis = ("本部署按常设办事机构专职工作人员中的正式党员认定“应建”（1998 年中组部、民政部联合通知口径），"
                 "以党员名册中标记为专职工作人员的正式党员计；无党员名册时按本列人数计")
    else:
        basis = "本部署按在本组织就业的全部正式党员认定“应建”"
    return f"整数 ≥ 0，默认 0。本组织的正式党员人数（无党员名册时作为实际人数）。{basis}。"


full_members_note = lazy(_full_members_note, str)


CHANGE = "registry.change"
# Model fields the sheet sets, in comparison order (authority_region by its code).
FIELDS = ("name", "org_type", "category", "authority_region_id", "authority_level", "supervisor", "registered_on",
          "status", "status_changed_on", "declared_full_members", "declared_probationary_members",
          "party_clause_in_charter", "legal_representative", "phone")
MEMBER_FIELDS = {"declared_full_members", "declared_probationary_members"}
# Model fields of a new organization's row, in the order of the tuples _insert builds.
INSERT_FIELDS = ("uscc", "name", "name_pinyin", "name_initials", "org_type", "category", "authority_region",
                 "authority_level", "supervisor", "registered_on", "status", "status_changed_on",
                 "declared_full_members", "declared_probationary_members", "full_members", "probationary_members",
                 "basis_full_members", "party_clause_in_charter", "legal_representative", "phone", "created_at",
                 "updated_at", "org_covered", "org_covered_formal", "work_covered", "standalone")
OBJECT_TYPE = SocialOrganization._meta.label_lower
EXAMPLE_USCC = make_uscc("530102", "social_group", "MJ000001")  # the template's example row
MAX_INT = 2**63 - 1  # what parse_int reads; the count rule sets the range
PACK = 1_000_000  # the key index packs (row number, region code) into one int to keep a million rows small


def parse_phone(value) -> str:
    """The platform's one phone rule (registry.rules.phone)."""
    return from_rule(rules.phone, clean_text_cell(value))


def parse_count(value, *, label: str) -> int:
    return from_rule(rules.count, parse_int(value, minimum=-MAX_INT, maximum=MAX_INT), label=label)


@dataclasses.dataclass
class OrgSheetState:
    """What the sheet keeps during one import (run.state(OrgSheetState)); the party sheets read it too."""

    index: dict[str, int] = dataclasses.field(default_factory=dict)  # USCC → packed (row, authority region), see PACK
    # Organizations this import inserted: USCC → id * 2 + 1 if registered (REGISTERED_STATUSES) else id * 2; the
    # party sheets resolve their lists from it instead of reading those rows back (see created_org).
    created: dict[str, int] = dataclasses.field(default_factory=dict)


def org_index(run) -> dict[str, int]:
    """USCC → packed (row, authority region) of every organization row of this workbook."""
    return run.state(OrgSheetState).index


def unpack(packed: int) -> tuple[int, str]:
    return packed // PACK, f"{packed % PACK:06d}"


def created_org(run, code: str) -> tuple[int, bool] | None:
    """(id, registered) of the organization with this USCC if this import inserted it, else None."""
    packed = run.state(OrgSheetState).created.get(code)
    return None if packed is None else (packed >> 1, bool(packed & 1))


@register_sheet
class OrganizationSheet(SheetHandler):
    sheet_name = "社会组织"
    kind = "orgs"
    kind_label = gettext_lazy("Social organizations")
    order = 10
    columns = (
        Column("统一社会信用代码", "uscc", True, parse_uscc_cell, note="18 位，所有校验位均须正确",
               example=EXAMPLE_USCC),
        Column("名称", "name", True, partial(parse_text, max_length=200), note="登记的全称",
               example="昆明市五华区示例行业协会"),
        Column("类型", "org_type", True, partial(parse_choice, labels=labels.ORG_TYPE),
               choices=labels.choices_of(labels.ORG_TYPE), note="社会团体 / 民办非企业单位（社会服务机构）/ 基金会",
               example="社会团体"),
        Column("类别", "category", False, partial(parse_choice, labels=labels.CATEGORY), default="other",
               choices=labels.choices_of(labels.CATEGORY), example="行业协会商会"),
        Column("登记管理机关行政区划代码", "authority_region", False, parse_region_code,
               note="6 位；为空时取统一社会信用代码第 3–8 位；须为现行区划代码", example="530102"),
        Column("登记层级", "authority_level", False, partial(parse_choice, labels=labels.AUTHORITY_LEVEL),
               choices=labels.choices_of(labels.AUTHORITY_LEVEL), note="为空时按登记管理机关的区划层级",
               example="县级"),
        Column("业务主管单位", "supervisor", False, partial(parse_text, max_length=200), default="",
               note="为空表示直接登记"),
        Column("成立登记日期", "registered_on", False, partial(not_future_date, label="成立登记日期"),
               note="日期，不晚于今天", example="2019-05-20"),
        Column("登记状态", "status", False, partial(parse_choice, labels=labels.ORG_STATUS), default=OrgStatus.ACTIVE,
               choices=labels.choices_of(labels.ORG_STATUS), note="默认正常", example="正常"),
        Column("状态变更日期", "status_changed_on", False, partial(not_future_date, label="状态变更日期"),
               note="状态变更的日期（登记状态不是正常时必填）"),
        Column("正式党员人数", "declared_full_members", False, partial(parse_count, label="正式党员人数"),
               default=0, note=full_members_note(), example=3),
        Column("预备党员人数", "declared_probationary_members", False,
               partial(parse_count, label="预备党员人数"), default=0, note="整数 ≥ 0，默认 0", example=1),
        Column("党建写入章程", "party_clause_in_charter", False, parse_yes_no, default=False,
               choices=labels.YES_NO, example="是"),
        Column("法定代表人", "legal_representative", False, partial(parse_text, max_length=64), default="",
               example="张三"),
        Column("联系电话", "phone", False, parse_phone, default="", note="敏感信息，加密保存",
               example="0871-64100000"),
    )

    # --- validation -----------------------------------------------------------------------------------------

    def check_row(self, row: Row) -> None:
        values = row.values
        code = values["uscc"]
        if not rules.uscc_is_valid(code, values["org_type"], self.run.region_codes()):
            for problem in uscc_problems(code, values["org_type"]):
                self.fail(row, "uscc", " ".join(problem.messages))
        if row.failed:
            return
        index = org_index(self.run)
        if code in index:
            self.fail(row, "uscc", _("The unified social credit code %(code)s is already used in row %(row)d of "
                                     "this sheet; each organization appears once.")
                      % {"code": code, "row": unpack(index[code])[0]})
            return
        region_key = "authority_region" if values["authority_region"] else "uscc"
        region_code = values["authority_region"] or code[2:8]
        index[code] = row.number * PACK + int(region_code)
        region = self.run.region(region_code)
        if region is None:
            self.fail(row, region_key, _("Region code %(code)s does not exist: enter the 6-digit GB/T 2260 code of "
                                         "the registration authority.") % {"code": region_code})
            return
        if region.retired:
            successor = _(" (its successor is %(code)s)") % {"code": region.successor} if region.successor else ""
            self.fail(row, "authority_region" if region_key == "authority_region" else "uscc", _(
                "Region %(code)s (%(name)s) has been retired%(successor)s; fill in 登记管理机关行政区划代码 with the "
                "current code of the registration authority.")
                % {"code": region_code, "name": region.name, "successor": successor})
            return
        if not self.run.can(CHANGE, region_code):
            self.fail(row, region_key, _("Region %(code)s (%(name)s) lies outside the regions you may change; only "
                                         "rows of your own regions can be imported.")
                      % {"code": region_code, "name": region.name})
            return
        values["authority_region_id"] = region_code
        values["authority_level"] = values["authority_level"] or labels.LEVEL_OF_REGION[region.level]
        self._check_status(row)

    def _check_status(self, row: Row) -> None:
        values = row.values
        if values["status"] != OrgStatus.ACTIVE and not values["status_changed_on"]:
            self.fail(row, "status_changed_on", _("The organization is not in normal status (注销, 撤销, "
                                                  "吊销登记证书 or 限期停止活动): enter the date of that change in "
                                                  "状态变更日期."))
        try:
            rules.registered_before_status_change(values["registered_on"], values["status_changed_on"])
        except ValidationError as error:
            self.fail(row, "status_changed_on", " ".join(error.messages))

    # --- comparison and writing -----------------------------------------------------------------------------

    def flush(self, rows: list[Row]) -> None:
        # Which codes exist, by plain SQL (the usual large import creates nearly all): only those are loaded. The
        # codes are looked up beside the import's COPYs (run.lookups(): a code is once in the sheet, so none of them
        # can be a row this import wrote).
        known = bulkwrite.ids_of(SocialOrganization, ("uscc",), "uscc", [row.values["uscc"] for row in rows],
                                 using=self.run.lookups())
        existing = {org.uscc: org for org in SocialOrganization.objects.filter(pk__in=list(known.values())).only(
            "id", "uscc", *FIELDS)} if known else {}
        creates: list[tuple[str, dict]] = []
        updates: list[tuple[SocialOrganization, list[str], dict]] = []
        for row in rows:
            org = existing.get(row.values["uscc"])
            if org is None:
                creates.append((row.values["uscc"], row.values))
                continue
            if not self.run.can(CHANGE, org.authority_region_id):
                self.fail(row, "uscc", _("%(name)s is registered in region %(code)s, outside the regions you may "
                                         "change; it cannot be updated by your import.")
                          % {"name": org.name, "code": org.authority_region_id})
                continue
            values = {field: row.values[field] for field in FIELDS}
            changed = [field for field in FIELDS if getattr(org, field) != values[field]]
            if not changed:
                self.run.count(self.kind, "unchanged")
                continue
            before = _picture(org, changed)
            for field in changed:
                setattr(org, field, values[field])
            updates.append((org, changed, before))
        if self.counted(creates, updates):
            if creates:
                self._insert(creates)
            if updates:
                self._update(updates)

    def _insert(self, creates: list[tuple[str, dict]]) -> None:
        """New organizations as plain rows (see bulkwrite): effective member counts are the declared ones, as no
        member record can refer to an organization that did not exist; the coverage flags are those the party and
        instructor sheets' lists, read before any sheet was written (ImportRun._preread), will give them, so no
        UPDATE follows (ImportRun._after_write corrects any organization whose links turn out otherwise)."""
        run = self.run
        # None: read back after the insert (SQLite)
        reserved = bulkwrite.reserve_ids(SocialOrganization, len(creates), using=run.lookups())
        if reserved is not None:
            # Audited before the rows are handed over: the audit's write (every COPY_ROWS entries) reads the chain's
            # head on the import's connection, which then waits for the COPYs in flight — the one of the rows
            # handed over before, not the one about to start.
            self._audit(creates, {code: pk for (code, _v), pk in zip(creates, reserved, strict=True)})
        writer = run.table_writer(SocialOrganization, INSERT_FIELDS if reserved is None else ("id", *INSERT_FIELDS))
        stamp = bulkwrite.db_now()
        db_date = bulkwrite.date_adapter()
        expected = run.created_state.expected_flags
        flags_of = {}
        for number, (code, v) in enumerate(creates):
            flags_of[code] = flags = expected(code)
            pinyin, initials = pinyin_pair(v["name"])
            row = (code, v["name"], pinyin[:600], initials[:200], v["org_type"], v["category"],
                   v["authority_region_id"], v["authority_level"], v["supervisor"], db_date(v["registered_on"]),
                   v["status"], db_date(v["status_changed_on"]), v["declared_full_members"],
                   v["declared_probationary_members"], v["declared_full_members"],
                   v["declared_probationary_members"], v["declared_full_members"],
                   v["party_clause_in_charter"], v["legal_representative"],
                   encrypt(v["phone"]) if v["phone"] else "", stamp, stamp, *flags)
            writer.add(row if reserved is None else (reserved[number], *row))
        if reserved is None:
            writer.flush()  # SQLite: the ids are read back; with reserved ids the import writes every COPY_ROWS
        ids = (bulkwrite.ids_of(SocialOrganization, ("uscc",), "uscc", [code for code, _v in creates])
               if reserved is None else {code: pk for (code, _v), pk in zip(creates, reserved, strict=True)})
        run.created_org_ids.update(ids.values())
        created = run.state(OrgSheetState).created
        for code, v in creates:
            created[code] = ids[code] * 2 + (v["status"] in REGISTERED_STATUSES)
        for code, flags in flags_of.items():
            run.created_state.note_inserted(ids[code], flags)
        if reserved is None:
            self._audit(creates, ids)

    def _audit(self, creates: list[tuple[str, dict]], ids: dict[str, int]) -> None:
        audit = self.run.audit_writer()
        for code, v in creates:
            audit.add("registry.org.register", OBJECT_TYPE, ids[code], v["name"], after=_values_picture(v))

    def _update(self, updates: list) -> None:
        records = []
        now = timezone.now()
        fields = {"updated_at"}
        for org, changed, before in updates:
            org.updated_at = now
            fields.update(changed)
            if "name" in changed:
                org.name_pinyin, org.name_initials = pinyin_pair(org.name)
                fields.update({"name_pinyin", "name_initials"})
            if MEMBER_FIELDS & set(changed):
                self.run.member_count_org_ids.add(org.pk)
            if "status" in changed:
                self.run.touched_org_ids.add(org.pk)
            records.append(AuditRecord("registry.org.update", org, before=before, after=_picture(org, changed)))
        SocialOrganization.objects.bulk_update([u[0] for u in updates], sorted(fields))
        self.run.record_audit(records)

    # --- export ---------------------------------------------------------------------------------------------

    @classmethod
    def export_rows(cls, user, prefix):
        orgs = SocialOrganization.objects.all() if user is None else SocialOrganization.objects.visible_to(user)
        orgs = orgs.filter(in_subtree("authority_region__code", prefix))
        fields = ("uscc", "name", "org_type", "category", "authority_region_id", "authority_level", "supervisor",
                  "registered_on", "status", "status_changed_on", "declared_full_members",
                  "declared_probationary_members", "party_clause_in_charter", "legal_representative", "phone")
        for values in orgs.order_by("uscc").values_list(*fields).iterator(chunk_size=2000):
            row = dict(zip(fields, values, strict=True))
            yield [row["uscc"], row["name"], labels.label_of(labels.ORG_TYPE, row["org_type"]),
                   labels.label_of(labels.CATEGORY, row["category"]), row["authority_region_id"],
                   labels.label_of(labels.AUTHORITY_LEVEL, row["authority_level"]), row["supervisor"],
                   row["registered_on"], labels.label_of(labels.ORG_STATUS, row["status"]), row["status_changed_on"],
                   row["declared_full_members"], row["declared_probationary_members"],
                   labels.YES_NO[0] if row["party_clause_in_charter"] else labels.YES_NO[1],
                   row["legal_representative"], row["phone"]]


def _values_picture(values: dict) -> dict:
    """_picture(org, FIELDS) of an organization created from these parsed values."""
    picture = {field.removesuffix("_id"): values[field] for field in FIELDS if field != "phone"}
    picture["phone_set"] = bool(values["phone"])
    return picture


def _picture(org: SocialOrganization, fields) -> dict:
    """Audit picture of the named fields; the phone is never written in clear, only that it is set / changed."""
    picture = {}
    for field in fields:
        if field == "phone":
            picture["phone_set"] = bool(org.phone)
        else:
            picture[field.removesuffix("_id")] = getattr(org, field)
    return picture


# --- 「备案社区社会组织」: community social organizations filed (备案) with a street office or township ------------

FILING_STATUS = {"正常": FilingStatus.FILED, "注销": FilingStatus.CANCELLED, "撤销备案": FilingStatus.CANCELLED}
FILED_FIELDS = ("name", "filing_region_id", "filing_township", "filed_on", "status", "status_changed_on")
FILED_OBJECT_TYPE = FiledCommunityOrganization._meta.label_lower


@dataclasses.dataclass
class FiledSheetState:
    rows: dict[str, int] = dataclasses.field(default_factory=dict)  # 备案编号 → row number in this sheet


@register_sheet
class FiledCommunitySheet(SheetHandler):
    """Filed community organizations: no USCC, keyed by 备案编号; the county-level region of the filing street or
    township decides the scope. Counted apart from registered organizations (docs/domain.md)."""

    sheet_name = "备案社区社会组织"
    kind = "filed_community"
    kind_label = gettext_lazy("Filed community organizations")
    order = 15
    columns = (
        Column("备案编号", "filing_number", True, partial(parse_text, max_length=50),
               note="街道办事处（乡镇人民政府）发给的备案编号，全省唯一", example="五华备字〔2024〕第001号"),
        Column("名称", "name", True, partial(parse_text, max_length=200), example="华山街道示例社区文体队"),
        Column("备案街道乡镇", "filing_township", True, partial(parse_text, max_length=100),
               note="受理备案的街道办事处或乡镇人民政府", example="华山街道"),
        Column("所在县级行政区划代码", "filing_region", True, parse_region_code,
               note="备案街道乡镇所在县（市、区）的 6 位代码，须为现行区划代码", example="530102"),
        Column("备案日期", "filed_on", False, not_future_date, note="日期，不晚于今天", example="2024-03-01"),
        Column("备案状态", "status", False, partial(parse_choice, labels=FILING_STATUS), default=FilingStatus.FILED,
               choices=labels.choices_of(FILING_STATUS), note="默认正常", example="正常"),
        Column("状态变更日期", "status_changed_on", False, not_future_date, note="注销备案的日期（注销时必填）"),
    )

    def check_row(self, row: Row) -> None:
        values = row.values
        number = values["filing_number"]
        if not self.once(row, self.run.state(FiledSheetState).rows, number, "filing_number",
                         _("The filing number %(number)s is already used in row %(row)d of this sheet; each "
                           "organization appears once."), number=number):
            return
        code = values["filing_region"]
        region = self.run.region(code)
        if region is None or region.level != "county":
            self.fail(row, "filing_region", _("%(code)s is not a county-level region code: enter the 6-digit GB/T "
                                              "2260 code of the county or district the street or township belongs "
                                              "to, e.g. 530102.") % {"code": code})
            return
        if region.retired:
            self.fail(row, "filing_region", _("Region %(code)s (%(name)s) has been retired; enter the current code.")
                      % {"code": code, "name": region.name})
            return
        if not self.run.can(CHANGE, code):
            self.fail(row, "filing_region", _("Region %(code)s (%(name)s) lies outside the regions you may change; "
                                              "only rows of your own regions can be imported.")
                      % {"code": code, "name": region.name})
            return
        values["filing_region_id"] = code
        if values["status"] != FilingStatus.FILED and not values["status_changed_on"]:
            self.fail(row, "status_changed_on", _("The filing is cancelled (注销): enter the date in 状态变更日期."))
        filed, changed = values["filed_on"], values["status_changed_on"]
        if filed and changed and changed < filed:
            self.fail(row, "status_changed_on", _("The status change date %(changed)s is before the filing date "
                                                  "%(filed)s; it must be on or after it.")
                      % {"changed": changed.isoformat(), "filed": filed.isoformat()})

    def flush(self, rows: list[Row]) -> None:
        numbers = [row.values["filing_number"] for row in rows]
        existing = {o.filing_number: o for o in FiledCommunityOrganization.objects.filter(filing_number__in=numbers)}
        creates, updates = [], []
        for row in rows:
            values = {field: row.values[field] for field in FILED_FIELDS}
            found = existing.get(row.values["filing_number"])
            if found is None:
                creates.append(FiledCommunityOrganization(filing_number=row.values["filing_number"], **values))
                continue
            if not self.run.can(CHANGE, found.filing_region_id):
                self.fail(row, "filing_number", _("%(name)s is filed in region %(code)s, outside the regions you may "
                                                  "change; it cannot be updated by your import.")
                          % {"name": found.name, "code": found.filing_region_id})
                continue
            changed = [field for field in FILED_FIELDS if getattr(found, field) != values[field]]
            if not changed:
                self.run.count(self.kind, "unchanged")
                continue
            before = {field.removesuffix("_id"): getattr(found, field) for field in changed}
            for field in changed:
                setattr(found, field, values[field])
            updates.append((found, changed, before))
        if not self.counted(creates, updates):
            return
        created = FiledCommunityOrganization.objects.bulk_create(creates, batch_size=2000)
        records = [AuditRecord("registry.filed.create", org, after=_filed_picture(org, FILED_FIELDS))
                   for org in created]
        if updates:
            now = timezone.now()
            for org, _changed, _before in updates:
                org.updated_at = now
            fields = sorted({"updated_at"} | {field for _org, changed, _before in updates for field in changed})
            FiledCommunityOrganization.objects.bulk_update([org for org, _c, _b in updates], fields)
            records += [AuditRecord("registry.filed.update", org, before=before, after=_filed_picture(org, changed))
                        for org, changed, before in updates]
        self.run.record_audit(records)

    @classmethod
    def export_rows(cls, user, prefix):
        rows = (FiledCommunityOrganization.objects.all() if user is None
                else FiledCommunityOrganization.objects.visible_to(user))
        if prefix:
            rows = rows.filter(in_subtree("filing_region__code", prefix))
        fields = ("filing_number", "name", "filing_township", "filing_region_id", "filed_on", "status",
                  "status_changed_on")
        for number, name, township, region, filed_on, status, changed in (
                rows.order_by("filing_number").values_list(*fields).iterator(chunk_size=2000)):
            yield [number, name, township, region, filed_on, labels.label_of(FILING_STATUS, status), changed]


def _filed_picture(org: FiledCommunityOrganization, fields) -> dict:
    return {field.removesuffix("_id"): getattr(org, field) for field in fields}
