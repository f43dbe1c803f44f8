"""The registration authorities of a demo scope, read from the Region table, with the weights that spread
organizations over them and the names organizations are called by."""

import random
from dataclasses import dataclass, field

from socorg.regions.models import Region

from .codes import birth_places, is_valid_birth_place

NATIONAL_CODE = "100000"
# Share of registrations by the level of the registering authority (national data: mostly county bureaus).
LEVEL_SHARES = {"county": 0.55, "prefecture": 0.30, "province": 0.13, "national": 0.02}
# Province-level bodies are 厅, not 局, and some are named differently.
PROVINCE_AGENCIES = {
    "教育体育局": "教育厅", "卫生健康局": "卫生健康委员会", "民政局": "民政厅", "司法局": "司法厅", "财政局": "财政厅",
    "人力资源和社会保障局": "人力资源和社会保障厅", "文化和旅游局": "文化和旅游厅", "农业农村局": "农业农村厅",
    "生态环境局": "生态环境厅", "林业和草原局": "林业和草原局", "民族宗教事务局": "民族宗教事务委员会",
}
NATIONAL_AGENCIES = {
    "教育体育局": "教育部", "卫生健康局": "国家卫生健康委员会", "民政局": "民政部", "司法局": "司法部",
    "财政局": "财政部", "人力资源和社会保障局": "人力资源和社会保障部", "文化和旅游局": "文化和旅游部",
    "体育局": "国家体育总局", "农业农村局": "农业农村部", "生态环境局": "生态环境部",
    "市场监督管理局": "国家市场监督管理总局", "退役军人事务局": "退役军人事务部", "林业和草原局": "国家林业和草原局",
    "民族宗教事务局": "国家民族事务委员会", "科学技术协会": "中国科学技术协会",
    "文学艺术界联合会": "中国文学艺术界联合会", "社会科学界联合会": "中国社会科学院",
    "残疾人联合会": "中国残疾人联合会",
    "妇女联合会": "中华全国妇女联合会", "共青团委员会": "共青团中央",
}


@dataclass
class Authority:
    """A registration authority (a civil-affairs bureau) identified by its region."""

    code: str
    name: str
    level: str
    parent: "Authority | None"
    weight: float = 1.0
    children: list["Authority"] = field(default_factory=list)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000" if self.level != "national" else NATIONAL_CODE

    @property
    def long_name(self) -> str:
        """The name with its prefecture (or province for provincial-direct counties): unique in the country."""
        if self.level == "county" and self.parent is not None:
            return self.parent.name + self.name
        return self.name

    def name_prefix(self, rng: random.Random) -> str:
        """How an organization registered here starts its name ("五华区", "昆明市五华区", "云南省", "中国")."""
        if self.level == "national":
            return rng.choice(("中国", "中国", "中华", "全国"))
        if self.level == "county" and self.parent is not None and rng.random() < 0.4:
            return self.long_name
        return self.name

    def agency(self, agency: str) -> str:
        """The supervising unit of this level for an agency named at county level ("教育体育局")."""
        if self.level == "national":
            return NATIONAL_AGENCIES.get(agency, "民政部")
        if self.level == "province":
            return self.name + PROVINCE_AGENCIES.get(agency, agency)
        return self.name + agency


class Catalog:
    """The authorities under a scope root, by level, with weights roughly like real registration counts."""

    def __init__(self, root_code: str, rng: random.Random):
        self.root_code = root_code
        self.by_code: dict[str, Authority] = {}
        self._load(root_code)
        self._weigh(rng)

    def _load(self, root_code: str) -> None:
        regions = Region.objects.current().order_by("code")
        if root_code != NATIONAL_CODE:
            regions = regions.within(Region.prefix_for(root_code, self._level_of(root_code)))
        rows = list(regions.values_list("code", "name", "level", "parent_id"))
        if root_code == NATIONAL_CODE:
            # Provinces without county-level units in the table (Taiwan, Hong Kong, Macao) register no demo orgs.
            with_counties = {code[:2] for code, _name, level, _parent in rows if level == "county"}
            rows = [r for r in rows if r[2] == "national" or r[0][:2] in with_counties]
        for code, name, level, parent_code in rows:
            parent = self.by_code.get(parent_code)
            authority = Authority(code, name, level, parent)
            self.by_code[code] = authority
            if parent is not None:
                parent.children.append(authority)
        self._attach_root_parent(root_code)

    def _attach_root_parent(self, root_code: str) -> None:
        """A prefecture or county scope still names organizations with its parent ("昆明市五华区…"), so the root
        gets its parent as a name-only authority that registers nothing."""
        root = self.by_code[root_code]
        parent = Region.objects.filter(code=root_code).values_list("parent__code", "parent__name", "parent__level")
        code, name, level = parent.get()
        if code and code != NATIONAL_CODE:
            root.parent = Authority(code, name, level, None)

    @staticmethod
    def _level_of(code: str) -> str:
        return Region.objects.values_list("level", flat=True).get(code=code)

    def _weigh(self, rng: random.Random) -> None:
        """Counties get a random size (urban districts larger); a prefecture or province weighs what its counties
        weigh, and a prefecture without counties (东莞, 中山) weighs like several counties."""
        totals: dict[str, float] = {}
        for county in self.level("county"):
            county.weight = rng.lognormvariate(0, 0.6) * (1.5 if county.name.endswith("区") else 1.0)
            for prefix in (county.code[:2], county.code[:4]):
                totals[prefix] = totals.get(prefix, 0.0) + county.weight
        for authority in self.level("prefecture") + self.level("province"):
            prefix = authority.code[:2] if authority.level == "province" else authority.code[:4]
            authority.weight = totals.get(prefix, 6.0)

    def level(self, level: str) -> list[Authority]:
        return [a for a in self.by_code.values() if a.level == level]

    def level_shares(self) -> dict[str, float]:
        """LEVEL_SHARES restricted to the levels present in the scope, renormalised."""
        present = {level: share for level, share in LEVEL_SHARES.items() if self.level(level)}
        total = sum(present.values())
        return {level: share / total for level, share in present.items()}

    @staticmethod
    def birth_place(rng: random.Random, authority: Authority, year: int) -> str:
        """Where a member of an organization registered here was born: often the county itself, mostly the same
        province, always a code python-stdnum accepts for that birth year."""
        if authority.level == "county" and rng.random() < 0.6 and is_valid_birth_place(authority.code, year):
            return authority.code
        prefix = authority.code[:2] if authority.level != "national" and rng.random() < 0.9 else ""
        return rng.choice(birth_places(prefix, year) or birth_places("", year))
