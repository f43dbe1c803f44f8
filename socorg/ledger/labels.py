"""The ledger's enumerated values: the Chinese words of the workbook format mapped to stored values.

These are file-format tokens (the format is Chinese whatever the UI language), so they are not translated. The
first label of each value is the one the export and the template write; later ones are accepted synonyms.
"""

from socorg.party.choices import Formation, InstructorStatus, PartyOrgKind, PartyOrgStatus
from socorg.regions.choices import Level
from socorg.registry.choices import AuthorityLevel, Category, OrgStatus, OrgType

# 民办非企业单位 is shown with its new name (社会服务机构) in brackets; either name alone is accepted too. Cells are
# NFKC-normalised before the look-up, so the full-width brackets arrive as half-width ones.
ORG_TYPE = {"社会团体": OrgType.SOCIAL_GROUP, "民办非企业单位（社会服务机构）": OrgType.PRIVATE_NON_ENTERPRISE,
            "民办非企业单位(社会服务机构)": OrgType.PRIVATE_NON_ENTERPRISE,
            "民办非企业单位": OrgType.PRIVATE_NON_ENTERPRISE, "社会服务机构": OrgType.PRIVATE_NON_ENTERPRISE,
            "基金会": OrgType.FOUNDATION}
CATEGORY = {"行业协会商会": Category.INDUSTRY_ASSOCIATION, "科技类": Category.SCIENCE_TECHNOLOGY,
            "公益慈善类": Category.CHARITY, "城乡社区服务类": Category.COMMUNITY_SERVICE, "其他": Category.OTHER}
AUTHORITY_LEVEL = {"国家级": AuthorityLevel.NATIONAL, "省级": AuthorityLevel.PROVINCE,
                   "市级": AuthorityLevel.PREFECTURE, "县级": AuthorityLevel.COUNTY}
ORG_STATUS = {"正常": OrgStatus.ACTIVE, "注销": OrgStatus.DEREGISTERED, "撤销": OrgStatus.REVOKED,
              "吊销登记证书": OrgStatus.CERTIFICATE_REVOKED, "限期停止活动": OrgStatus.SUSPENDED}
PARTY_KIND = {"党委": PartyOrgKind.COMMITTEE, "党总支": PartyOrgKind.GENERAL_BRANCH, "党支部": PartyOrgKind.BRANCH}
FORMATION = {"单独组建": Formation.STANDALONE, "联合组建": Formation.JOINT, "挂靠组建": Formation.ATTACHED,
             "行业联建": Formation.INDUSTRY, "区域联建": Formation.AREA}
PARTY_STATUS = {"正常": PartyOrgStatus.ACTIVE, "撤销": PartyOrgStatus.DISSOLVED}
# The same words as the UI (party/choices.py InstructorStatus): 在岗 / 离任.
INSTRUCTOR_STATUS = {"在岗": InstructorStatus.ON_DUTY, "离任": InstructorStatus.LEFT}
YES_NO = ("是", "否")
TERM_YEARS = ("3", "5")

# The registration level that follows from the authority region's level.
LEVEL_OF_REGION = {Level.NATIONAL: AuthorityLevel.NATIONAL, Level.PROVINCE: AuthorityLevel.PROVINCE,
                   Level.PREFECTURE: AuthorityLevel.PREFECTURE, Level.COUNTY: AuthorityLevel.COUNTY}


def label_of(labels: dict[str, str], value: str) -> str:
    """The label the export writes for a stored value (the first one listed)."""
    for label, stored in labels.items():
        if stored == value:
            return label
    return value


def choices_of(labels: dict[str, str]) -> tuple[str, ...]:
    """Drop-down values for the template: one label per stored value."""
    seen, result = set(), []
    for label, stored in labels.items():
        if stored not in seen:
            seen.add(stored)
            result.append(label)
    return tuple(result)
