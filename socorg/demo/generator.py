"""Deterministic demo data: social organizations, party organizations, coverages, members, instructors.

One `random.Random(seed)` drives every draw, and regions are walked in code order, so a seed reproduces the same
data set (ciphertexts aside: encryption is randomised). Rows go to the database as tuples through bulk writers
(PostgreSQL COPY, SQLite executemany), region by region, so memory stays bounded at national scale.

The derived state on SocialOrganization (effective member counts and coverage flags) is computed here while
generating, from the same plan that produces the party organizations and assignments; the command then runs the
set-based refreshes of socorg.coverage.state over everything, and the tests prove both agree."""

import functools
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from socorg.core.bulk import TableWriter, reset_sequences
from socorg.core.crypto import blind_index, encrypt
from socorg.party.choices import Formation, InstructorKind, InstructorStatus, Membership, PartyOrgKind, PartyOrgStatus
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from socorg.registry.choices import OrgStatus, OrgType
from socorg.registry.models import SocialOrganization
from socorg.registry.uscc import make_uscc

from . import vocabulary as words
from .codes import resident_id
from .people import mobile, person_name, pinyin_of, pinyin_of_parts, random_day
from .places import NATIONAL_CODE, Authority, Catalog


@dataclass(frozen=True)
class Scale:
    name: str
    level: str
    default_region: str
    orgs: int


SCALES = {
    "national": Scale("national", "national", NATIONAL_CODE, 1_000_000),
    "province": Scale("province", "province", "530000", 30_000),
    "city": Scale("city", "prefecture", "530100", 4_000),
    "county": Scale("county", "county", "530102", 500),
}
# Per 1,000,000 organizations: 250,000 party organizations and 3,000,000 members at every scale.
TYPE_SHARES = {OrgType.SOCIAL_GROUP: 0.45, OrgType.PRIVATE_NON_ENTERPRISE: 0.54, OrgType.FOUNDATION: 0.01}
STATUS_SHARES = {OrgStatus.ACTIVE: 0.93, OrgStatus.DEREGISTERED: 0.05, OrgStatus.REVOKED: 0.02}
# What happens to an active organization's party building (the rest has no party organization).
PLAN_SHARES = {"standalone": 0.16, "joint": 0.09, "functional": 0.04, "attached": 0.01}
# Yunnan set up functional party organizations widely (seeds/000): more functional, fewer standalone.
PLAN_SHARES_BY_PROVINCE = {"530000": {"standalone": 0.12, "joint": 0.08, "functional": 0.09, "attached": 0.01}}
COVERED_PLANS = ("standalone", "joint", "functional", "attached")
STANDALONE_MEMBERS_MU = 2.4  # log-normal location of full members beyond the 3 that oblige a branch
JOINT_GROUP_SIZES = (2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6)  # a 6 exceeds the limit of 5 and gets flagged
INSTRUCTED_SHARE = 0.35  # uncovered active organizations with an instructor or liaison assigned
FIRST_YEAR = 1990


@dataclass
class Options:
    scale: str = "county"
    seed: int = 2025
    region: str | None = None
    orgs: int | None = None
    as_of: date | None = None

    @property
    def root_code(self) -> str:
        return self.region or SCALES[self.scale].default_region

    @property
    def org_count(self) -> int:
        return self.orgs or SCALES[self.scale].orgs


@dataclass
class OrgPlan:
    """What the party-building pass needs to know of one organization."""

    id: int
    name: str
    registered: date
    plan: str
    pinyin: str = ""
    initials: str = ""
    n_full: int = 0
    n_prob: int = 0
    has_records: bool = False
    ended: date | None = None


@dataclass
class RegionBatch:
    authority: Authority
    plans: list[OrgPlan] = field(default_factory=list)
    instructed: list[OrgPlan] = field(default_factory=list)


ProgressFactory = Callable[[str, int], Callable[[int], None]]

ORG_FIELDS = [
    "id", "uscc", "name", "short_name", "name_pinyin", "name_initials", "org_type", "category", "authority_region",
    "authority_level", "supervisor", "registered_on", "status", "status_changed_on", "status_reason",
    "declared_full_members", "declared_probationary_members", "full_members", "probationary_members",
    "basis_full_members", "party_clause_in_charter", "legal_representative", "phone", "org_covered",
    "org_covered_formal", "work_covered", "standalone", "created_at", "updated_at",
]
PARTY_ORG_FIELDS = [
    "id", "name", "name_pinyin", "name_initials", "kind", "formation", "is_functional", "parent", "region",
    "founded_on", "secretary_name", "secretary_vacant_since", "term_started_on", "term_years", "status",
    "status_changed_on", "created_at", "updated_at",
]
COVERAGE_FIELDS = ["party_org", "organization", "start_on", "end_on"]
MEMBER_FIELDS = [
    "name", "gender", "birth_date", "id_number", "id_number_index", "phone", "membership", "joined_on",
    "probation_ends_on", "party_org", "employer", "is_active", "left_on", "created_at", "updated_at",
]
INSTRUCTOR_FIELDS = [
    "id", "kind", "name", "name_pinyin", "name_initials", "unit_and_post", "phone", "phone_index", "region",
    "appointed_on", "status", "left_on", "created_at", "updated_at",
]
ASSIGNMENT_FIELDS = ["instructor", "organization", "start_on", "end_on"]


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@functools.cache
def registration_years(last: int, national: bool) -> tuple[list[int], list[float]]:
    """Years FIRST_YEAR..last and cumulative weights growing 8% a year (flat for national bodies)."""
    growth = 1.0 if national else 1.08
    years = list(range(FIRST_YEAR, last + 1))
    return years, list(itertools.accumulate(growth ** (y - FIRST_YEAR) for y in years))


def name_pinyin(name: str) -> tuple[str, str]:
    """Pinyin of a generated name, character by character through the cache (what pinyin_full gives, except
    for polyphones read differently inside a phrase)."""
    return pinyin_of_parts(tuple(name))


def pick(rng: random.Random, shares: dict):
    return rng.choices(list(shares), weights=list(shares.values()))[0]


class DemoGenerator:
    def __init__(self, options: Options, progress: ProgressFactory | None = None):
        self.options = options
        self.rng = random.Random(options.seed)
        self.as_of = options.as_of or timezone.localdate()
        self.stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        self.progress = progress
        self.org_names: set[str] = set()
        self.party_names: set[str] = set()
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()
        self.serials: dict[tuple[str, str], int] = {}
        self.committee_ids: dict[str, int] = {}
        self.joint_numbers: dict[str, int] = {}
        self.writers: dict[str, TableWriter] = {}

    # ----- orchestration -------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        """Generate and insert everything; returns the row count of each table."""
        self.catalog = Catalog(self.options.root_code, self.rng)
        self._tune_connection()
        self._open_writers()
        self._next_ids()
        self._write_committees()
        for authority, org_types in self._registrations():
            batch = RegionBatch(authority)
            for org_type in org_types:
                self._write_org(batch, org_type)
            self._write_party_building(batch)
            self._write_instructors(batch)
        for writer in self.writers.values():
            writer.flush()
        reset_sequences([SocialOrganization, PartyOrganization, PartyCoverage, PartyMember, Instructor,
                         InstructorAssignment])
        return {name: writer.count for name, writer in self.writers.items()}

    @staticmethod
    def _tune_connection() -> None:
        """SQLite's default page cache (2 MB) thrashes on a dozen indexes growing at once; give this load 256 MB."""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")

    def _open_writers(self) -> None:
        n = self.options.org_count
        tables = {
            "organizations": (SocialOrganization, ORG_FIELDS, n),
            "party_organizations": (PartyOrganization, PARTY_ORG_FIELDS, n // 4),
            "coverages": (PartyCoverage, COVERAGE_FIELDS, n * 3 // 10),
            "members": (PartyMember, MEMBER_FIELDS, n * 3),
            "instructors": (Instructor, INSTRUCTOR_FIELDS, n // 60),
            "assignments": (InstructorAssignment, ASSIGNMENT_FIELDS, n // 4),
        }
        for name, (model, fields, estimate) in tables.items():
            advance = self.progress(name, estimate) if self.progress else None
            self.writers[name] = TableWriter(model, fields, on_flush=(lambda w, k, a=advance: a(k)) if advance
                                             else None)

    def _next_ids(self) -> None:
        def after(model) -> int:
            return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

        self.next_org_id = after(SocialOrganization)
        self.next_party_id = after(PartyOrganization)
        self.next_instructor_id = after(Instructor)

    def _registrations(self):
        """(authority, [org types]) in region-code order: levels drawn by LEVEL_SHARES, authorities by weight."""
        shares = self.catalog.level_shares()
        levels = self.rng.choices(list(shares), weights=list(shares.values()), k=self.options.org_count)
        by_code: dict[str, list[str]] = {}
        for level in shares:
            authorities = self.catalog.level(level)
            count = levels.count(level)
            chosen = self.rng.choices(authorities, weights=[a.weight for a in authorities], k=count)
            for authority in chosen:
                org_type = pick(self.rng, TYPE_SHARES)
                by_code.setdefault(self._registering(authority, org_type).code, []).append(org_type)
        for code in sorted(by_code):
            yield self.catalog.by_code[code], by_code[code]

    def _registering(self, authority: Authority, org_type: str) -> Authority:
        """Foundations register with a prefecture or higher bureau."""
        if org_type == OrgType.FOUNDATION and authority.level == "county" and authority.code in self.catalog.by_code:
            parent = authority.parent
            if parent is not None and parent.code in self.catalog.by_code:
                return parent
        return authority

    # ----- social organizations ------------------------------------------------------------------------------

    def _write_org(self, batch: RegionBatch, org_type: str) -> None:
        rng, authority = self.rng, batch.authority
        org_id = self.next_org_id
        self.next_org_id += 1
        name, short_name, parts, category, supervisor = self._identity(authority, org_type)
        registered = self._registered_on(authority)
        status, changed_on, reason = self._status(registered)
        plan = self._plan(authority, status)
        pinyin, initials = pinyin_of_parts(parts)
        org_plan = OrgPlan(org_id, name, registered, plan, pinyin, initials, ended=changed_on)
        declared, effective = self._members(org_plan)
        instructed = plan in ("none", "gap", "lapsed") and rng.random() < INSTRUCTED_SHARE
        if plan in COVERED_PLANS or plan in ("lapsed", "dissolved"):
            batch.plans.append(org_plan)
        if instructed:
            batch.instructed.append(org_plan)
        covered = plan in COVERED_PLANS
        phone = mobile(rng) if rng.random() < 0.92 else ""
        self.writers["organizations"].add((
            org_id, self._uscc(authority, org_type), name, short_name, pinyin[:600], initials[:200], org_type,
            category, authority.code, authority.level, supervisor, iso(registered), status, iso(changed_on), reason,
            declared[0], declared[1], effective[0], effective[1], effective[0], self._party_clause(status, covered),
            person_name(rng, rng.random() < 0.62), encrypt(phone) if phone else "", covered,
            covered and plan != "functional", covered or instructed, plan == "standalone", self.stamp, self.stamp,
        ))

    def _uscc(self, authority: Authority, org_type: str) -> str:
        key = (authority.code, org_type)
        serial = self.serials.get(key) or self.rng.randint(1, 20_000)
        self.serials[key] = serial + self.rng.randint(1, 7)
        # Civil-affairs organization codes issued since 2015 begin with "MJ".
        return make_uscc(authority.code, org_type, f"MJ{serial:06d}")

    def _identity(self, authority: Authority, org_type: str):
        """(name, short name, name fragments, category, supervising unit) — the name unique in the data set."""
        for attempt in range(12):
            prefix = authority.name_prefix(self.rng)
            parts, category, agency = self._name_parts(prefix, org_type, numbered=attempt >= 6)
            name = "".join(parts)
            if name not in self.org_names:
                self.org_names.add(name)
                short_name = name.removeprefix(authority.parent.name) if prefix == authority.long_name and \
                    authority.parent is not None else ""
                supervisor = authority.agency(agency) if agency else ""
                return name, short_name, parts, category, supervisor
        raise RuntimeError(f"no unique organization name left in {authority.name}")

    def _name_parts(self, prefix: str, org_type: str, numbered: bool) -> tuple[tuple[str, ...], str, str]:
        rng = self.rng
        number = (f"第{rng.randint(2, 99)}",) if numbered else ()
        if org_type == OrgType.FOUNDATION:
            purpose = rng.choice(words.FOUNDATION_PURPOSES)
            return (prefix, *number, purpose, "基金会"), "charity" if rng.random() < 0.9 else "other", ""
        if org_type == OrgType.SOCIAL_GROUP:
            sector, category, agency = rng.choice(words.SOCIAL_GROUP_SECTORS)
            suffix = rng.choice(words.SOCIAL_GROUP_SUFFIXES[category])
            brand = (rng.choice(words.BRAND_WORDS),) if rng.random() < 0.05 else ()
            return (prefix, *number, *brand, sector, suffix), category, agency
        service, category, agency = rng.choice(words.PRIVATE_UNIT_SERVICES)
        return (prefix, *number, rng.choice(words.BRAND_WORDS), service), category, agency

    def _registered_on(self, authority: Authority) -> date:
        """Registrations grow about 8% a year; national bodies are older."""
        years, cumulative = registration_years(self.as_of.year, authority.level == "national")
        year = self.rng.choices(years, cum_weights=cumulative)[0]
        return random_day(self.rng, date(year, 1, 1), min(date(year, 12, 31), self.as_of - timedelta(days=1)))

    def _status(self, registered: date) -> tuple[str, date | None, str]:
        status = pick(self.rng, STATUS_SHARES)
        if status == OrgStatus.ACTIVE:
            return status, None, ""
        changed = random_day(self.rng, min(registered + timedelta(days=365), self.as_of - timedelta(days=1)),
                             self.as_of - timedelta(days=1))
        reasons = words.DEREGISTRATION_REASONS if status == OrgStatus.DEREGISTERED else words.REVOCATION_REASONS
        return status, changed, self.rng.choice(reasons)

    def _plan(self, authority: Authority, status: str) -> str:
        """The organization's party-building situation: one of COVERED_PLANS, or 'gap' (should build, has
        not), 'lapsed' (a gap whose branch was dissolved), 'none', 'dissolved' / 'inactive' for ended orgs."""
        rng = self.rng
        if status != OrgStatus.ACTIVE:
            return "dissolved" if rng.random() < 0.3 else "inactive"
        shares = PLAN_SHARES_BY_PROVINCE.get(authority.province_code, PLAN_SHARES)
        draw = rng.random()
        for plan, share in shares.items():
            if draw < share:
                return plan
            draw -= share
        if rng.random() < 0.07:
            return "lapsed" if rng.random() < 0.1 else "gap"
        return "none"

    def _members(self, plan: OrgPlan) -> tuple[tuple[int, int], tuple[int, int]]:
        """(declared counts, effective counts); fills in the plan's member numbers. Most covered organizations
        keep member records, which then give the effective counts; the others fall back to the declared ones."""
        rng = self.rng
        n_full, n_prob = self._member_numbers(plan.plan)
        has_records = plan.plan in COVERED_PLANS and n_full + n_prob > 0 and rng.random() < 0.9
        declared = (n_full, n_prob)
        if has_records and rng.random() < 0.3:
            declared = (max(0, n_full + rng.randint(-2, 2)), n_prob)
        plan.n_full, plan.n_prob, plan.has_records = n_full, n_prob, has_records
        return declared, (n_full, n_prob) if has_records else declared

    def _member_numbers(self, plan: str) -> tuple[int, int]:
        rng = self.rng
        if plan == "standalone":
            full = 3 + min(int(rng.lognormvariate(STANDALONE_MEMBERS_MU, 1.0)), 900)
            return full, int(full * rng.uniform(0, 0.12) + rng.random())
        if plan in ("joint", "attached"):
            return rng.choice((0, 1, 1, 2, 2)), int(rng.random() < 0.15)
        if plan == "functional":
            return rng.choice((0, 0, 1, 2)), 0
        if plan in ("gap", "lapsed"):
            return 3 + int(rng.lognormvariate(1.0, 0.8)), int(rng.random() < 0.3)
        if plan == "none":
            return (rng.choice((1, 1, 2)) if rng.random() < 0.25 else 0), int(rng.random() < 0.03)
        return 0, 0

    def _party_clause(self, status: str, covered: bool) -> bool:
        if covered:
            return self.rng.random() < 0.95
        return self.rng.random() < (0.65 if status == OrgStatus.ACTIVE else 0.4)

    # ----- party organizations, coverages and members --------------------------------------------------------

    def _write_committees(self) -> None:
        """A 社会组织综合党委 for every authority in scope, parent of the branches registered there; each
        committee's parent is the committee one level up."""
        for authority in sorted(self.catalog.by_code.values(), key=lambda a: (len(a.code.rstrip("0")), a.code)):
            committee_id = self._new_party_id()
            self.committee_ids[authority.code] = committee_id
            parent = self.committee_ids.get(authority.parent.code) if authority.parent else None
            if authority.level != "national" and parent is None:
                parent = self.committee_ids.get(NATIONAL_CODE)
            name = f"{authority.long_name}社会组织综合党委"
            if authority.level == "national":
                name = "全国性社会组织综合党委"
            founded = random_day(self.rng, date(2000, 1, 1), date(2018, 12, 31))
            self._add_party_org(committee_id, name, name_pinyin(name), PartyOrgKind.COMMITTEE, Formation.AREA,
                                False, parent, authority, founded)

    def _new_party_id(self) -> int:
        party_id = self.next_party_id
        self.next_party_id += 1
        return party_id

    def _write_party_building(self, batch: RegionBatch) -> None:
        joint: list[OrgPlan] = []
        for plan in batch.plans:
            if plan.plan == "joint":
                joint.append(plan)
            elif plan.plan == "standalone":
                self._standalone(batch.authority, plan)
            elif plan.plan in ("functional", "attached"):
                self._single(batch.authority, plan)
            else:
                self._dissolved(batch.authority, plan)
        self._joint_branches(batch.authority, joint)

    def _standalone(self, authority: Authority, plan: OrgPlan) -> None:
        """A branch of its own; a general branch from 50 members; a committee with branches from 100."""
        total = plan.n_full + plan.n_prob
        kind = PartyOrgKind.BRANCH if total < 50 else PartyOrgKind.GENERAL_BRANCH if total < 100 \
            else PartyOrgKind.COMMITTEE
        suffix = {PartyOrgKind.BRANCH: "党支部", PartyOrgKind.GENERAL_BRANCH: "党总支", PartyOrgKind.COMMITTEE: "党委"}
        founded = self._founded(plan.registered)
        party_id = self._covering_org(authority, plan, suffix[kind], kind, Formation.STANDALONE, False, founded)
        branches = [party_id]
        if kind == PartyOrgKind.COMMITTEE:
            branches = [self._covering_org(authority, plan, f"第{i + 1}党支部", PartyOrgKind.BRANCH,
                                           Formation.STANDALONE, False, founded, parent=party_id)
                        for i in range(math.ceil(total / 45))]
        self._write_members(authority, plan, branches)

    def _single(self, authority: Authority, plan: OrgPlan) -> None:
        functional = plan.plan == "functional"
        suffix = "功能型党支部" if functional else "挂靠党支部"
        formation = Formation.STANDALONE if functional else Formation.ATTACHED
        party_id = self._covering_org(authority, plan, suffix, PartyOrgKind.BRANCH, formation, functional,
                                      self._founded(plan.registered))
        self._write_members(authority, plan, [party_id])

    def _dissolved(self, authority: Authority, plan: OrgPlan) -> None:
        """A branch that existed and was dissolved: with its organization's end, or (a 'lapsed' gap) before."""
        founded = self._founded(plan.registered, until=plan.ended)
        end = plan.ended or random_day(self.rng, founded, self.as_of - timedelta(days=1))
        self._covering_org(authority, plan, "党支部", PartyOrgKind.BRANCH, Formation.STANDALONE, False, founded,
                           dissolved_on=end)

    def _joint_branches(self, authority: Authority, plans: list[OrgPlan]) -> None:
        """Joint branches of 2–6 neighbouring organizations; a last single one is attached to a neighbour's."""
        start = 0
        while start < len(plans):
            size = self.rng.choice(JOINT_GROUP_SIZES)
            group = plans[start:start + size]
            start += size
            if len(group) == 1:
                group[0].plan = "attached"
                self._single(authority, group[0])
                continue
            self._joint_branch(authority, group)

    def _joint_branch(self, authority: Authority, group: list[OrgPlan]) -> None:
        formation = self.rng.choice((Formation.JOINT,) * 8 + (Formation.INDUSTRY, Formation.AREA))
        label = {Formation.JOINT: "联合", Formation.INDUSTRY: "行业联建", Formation.AREA: "区域联建"}[formation]
        party_id = self._new_party_id()
        founded = self._founded(max(p.registered for p in group))
        number = self.joint_numbers[authority.code] = self.joint_numbers.get(authority.code, 0) + 1
        name = self._unique_party_name(f"{authority.long_name}社会组织第{number}{label}党支部")
        self._add_party_org(party_id, name, name_pinyin(name), PartyOrgKind.BRANCH, formation, False,
                            self.committee_ids.get(authority.code), authority, founded)
        for plan in group:
            start = max(founded, plan.registered)
            self.writers["coverages"].add((party_id, plan.id, iso(start), None))
            self._write_members(authority, plan, [party_id])

    def _covering_org(self, authority, plan: OrgPlan, suffix, kind, formation, functional, founded, parent=None,
                      dissolved_on=None) -> int:
        """A party organization named after the one organization it covers (plus its coverage row)."""
        party_id = self._new_party_id()
        name = self._unique_party_name(plan.name + suffix)
        suffix_pinyin = pinyin_of(suffix)
        pinyin = (plan.pinyin + suffix_pinyin[0], plan.initials + suffix_pinyin[1])
        self._add_party_org(party_id, name, pinyin, kind, formation, functional,
                            parent or self.committee_ids.get(authority.code), authority, founded, dissolved_on)
        self.writers["coverages"].add((party_id, plan.id, iso(founded), iso(dissolved_on)))
        return party_id

    def _founded(self, registered: date, until: date | None = None) -> date:
        """A founding day after registration (and after 2000), before `until` (default: yesterday)."""
        until = until or self.as_of - timedelta(days=1)
        return random_day(self.rng, min(max(registered, date(2000, 1, 1)), until), until)

    def _unique_party_name(self, name: str) -> str:
        base, number = name, 1
        while name in self.party_names:
            number += 1
            name = f"{base}（{number}）"
        self.party_names.add(name)
        return name

    def _add_party_org(self, party_id, name, pinyin, kind, formation, functional, parent, authority, founded,
                       dissolved_on=None) -> None:
        rng = self.rng
        term_years = 5 if kind == PartyOrgKind.COMMITTEE or rng.random() < 0.15 else 3
        # Terms started up to 1.3 terms ago: about a quarter are overdue for election.
        term_start = max(founded, self.as_of - timedelta(days=int(rng.uniform(0, 1.3) * term_years * 365)))
        vacant = rng.random() < 0.07
        vacant_since = random_day(rng, term_start, self.as_of - timedelta(days=1)) if vacant else None
        secretary = "" if vacant else person_name(rng, rng.random() < 0.6)
        status = PartyOrgStatus.DISSOLVED if dissolved_on else PartyOrgStatus.ACTIVE
        self.writers["party_organizations"].add((
            party_id, name, pinyin[0][:600], pinyin[1][:200], kind, formation, functional, parent, authority.code,
            iso(founded), secretary, iso(vacant_since), iso(term_start), term_years, status, iso(dissolved_on),
            self.stamp, self.stamp,
        ))

    def _write_members(self, authority: Authority, plan: OrgPlan, branches: list[int]) -> None:
        """The member records of an organization (only where it keeps records), spread over its branches."""
        if not plan.has_records:
            return
        kinds = [Membership.FULL] * plan.n_full + [Membership.PROBATIONARY] * plan.n_prob
        for i, membership in enumerate(kinds):
            self._member(authority, plan.id, branches[i % len(branches)], membership, active=True)
        if self.rng.random() < 0.1:
            self._member(authority, plan.id, branches[0], Membership.FULL, active=False)

    def _member(self, authority: Authority, employer_id: int, party_id: int, membership: str, active: bool):
        rng = self.rng
        male = rng.random() < 0.55
        full = membership == Membership.FULL
        born = random_day(rng, date(1945, 1, 1) if full else date(1980, 1, 1), self.as_of.replace(year=2004, day=1))
        id_number = self._id_number(authority, born, male)
        joined = self._joined_on(born, full)
        probation_ends = joined + timedelta(days=365) if not full else None
        left_on = None if active else random_day(rng, joined, self.as_of - timedelta(days=1))
        phone = mobile(rng) if rng.random() < 0.85 else ""
        self.writers["members"].add((
            person_name(rng, male), "male" if male else "female", iso(born), encrypt(id_number),
            blind_index(id_number), encrypt(phone) if phone else "", membership, iso(joined), iso(probation_ends),
            party_id, employer_id, active, iso(left_on), self.stamp, self.stamp,
        ))

    def _id_number(self, authority: Authority, born: date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if male else 0)
            number = resident_id(self.catalog.birth_place(self.rng, authority, born.year), born, sequence)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def _joined_on(self, born: date, full: bool) -> date:
        if not full:
            return random_day(self.rng, self.as_of - timedelta(days=360), self.as_of - timedelta(days=1))
        adult = born.replace(year=born.year + 18, day=1)
        return random_day(self.rng, adult, self.as_of - timedelta(days=366))

    # ----- instructors ---------------------------------------------------------------------------------------

    def _write_instructors(self, batch: RegionBatch) -> None:
        """About one instructor per 20 uncovered organizations, each assigned 3–12 of them; now and then a
        predecessor who left, whose assignment ended (it no longer counts toward work coverage)."""
        orgs, start = batch.instructed, 0
        while start < len(orgs):
            size = self.rng.randint(3, 12)
            group = orgs[start:start + size]
            start += size
            self._instructor(batch.authority, group, InstructorStatus.ON_DUTY)
            if self.rng.random() < 0.05:
                self._instructor(batch.authority, group[:2], InstructorStatus.LEFT)

    def _instructor(self, authority: Authority, group: list[OrgPlan], status: str) -> None:
        rng = self.rng
        instructor_id = self.next_instructor_id
        self.next_instructor_id += 1
        name = person_name(rng, rng.random() < 0.6)
        phone = self._unique_phone()
        kind = InstructorKind.LIAISON if rng.random() < 0.2 else InstructorKind.INSTRUCTOR
        unit = f"{authority.name}{rng.choice(words.INSTRUCTOR_UNITS)} {rng.choice(words.INSTRUCTOR_POSTS)}"
        appointed = random_day(rng, self.as_of - timedelta(days=6 * 365), self.as_of - timedelta(days=30))
        left_on = random_day(rng, appointed, self.as_of - timedelta(days=1)) if status == InstructorStatus.LEFT \
            else None
        self.writers["instructors"].add((
            instructor_id, kind, name, *name_pinyin(name), unit, encrypt(phone), blind_index(phone), authority.code,
            iso(appointed), status, iso(left_on), self.stamp, self.stamp,
        ))
        for plan in group:
            start = max(appointed, plan.registered)
            end = left_on and max(start, left_on)
            self.writers["assignments"].add((instructor_id, plan.id, iso(start), iso(end)))

    def _unique_phone(self) -> str:
        while True:
            phone = mobile(self.rng)
            if phone not in self.phones:
                self.phones.add(phone)
                return phone
