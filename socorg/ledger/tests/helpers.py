"""Workbook builders for the ledger tests."""

from openpyxl import Workbook

from socorg.registry.uscc import make_uscc

ORG_HEADERS = ["统一社会信用代码", "名称", "类型", "登记管理机关行政区划代码", "正式党员人数", "联系电话",
               "成立登记日期"]
PARTY_HEADERS = ["党组织名称", "党组织类别", "组建方式", "覆盖社会组织", "上级党组织", "书记"]
INSTRUCTOR_HEADERS = ["姓名", "联系电话", "指导社会组织", "状态"]


def uscc(serial: int, region: str = "530102", org_type: str = "social_group") -> str:
    return make_uscc(region, org_type, f"{serial:08d}")


def org_row(serial: int, *, region: str = "530102", name: str | None = None, members=3, phone="13800000000",
            registered="2020-01-05"):
    return [uscc(serial, region), name or f"测试协会{serial}", "社会团体", region, members, phone, registered]


def workbook(path, sheets: dict[str, list[list]]):
    """sheets: {name: [header row, data rows…]}; returns the path."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def standard(path, orgs: int = 3):
    """A valid workbook: `orgs` organizations in 530102, one joint branch covering the first two, a committee
    above it, and one instructor for the third."""
    return workbook(path, {
        "社会组织": [ORG_HEADERS] + [org_row(i) for i in range(1, orgs + 1)],
        "党组织": [PARTY_HEADERS + ["所属行政区划代码"],
                  ["五华区测试联合支部", "党支部", "联合组建", f"{uscc(1)}；{uscc(2)}", "五华区社会组织综合党委",
                   "李四", ""],
                  ["五华区社会组织综合党委", "党委", "区域联建", "", "", "赵六", "530102"]],
        "党建工作指导员": [INSTRUCTOR_HEADERS, ["王五", "139 0000 0000", uscc(3), "在岗"]],
    })
