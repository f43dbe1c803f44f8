"""Every rule names the document, the article and (for a local standard) that it is local: the citation texts are
pinned here, each checked against the published text named in socorg/alerts/rules.py (issue #11)."""

import pytest

from socorg.alerts.rules import RULES

ZBTL = "《中国共产党支部工作条例（试行）》（2018）"
TERMS = ("《中国共产党章程》第三十一条（任期3年至5年）；中共中央办公厅《关于党的基层组织任期的意见》（2018）"
         "一（基层党委每届5年，总支和支部每届3年）、二（按期换届，延期或提前须经上级党委批准，一般不超过1年）；"
         "《中国共产党支部工作条例（试行）》（2018）第二十一条（支部委员会任期）")

CITATIONS = {
    "should_build_missing": ZBTL + "第四条（有正式党员3人以上的，应当成立党支部）",
    "no_work_coverage": "中共中央办公厅《关于加强社会组织党的建设工作的意见（试行）》（2015）："
                        "推进党的组织和工作有效覆盖",
    "secretary_vacant": ZBTL + "第二十一条（支部委员会委员出现空缺，应当及时补选）；“空缺超过3个月”为地方标准"
                               "（软弱涣散基层党组织认定），非全国性规定，以本地文件为准",
    "term_overdue": TERMS,
    "term_due_soon": TERMS + "；任期届满前6个月提醒为工作惯例，非党内法规规定",
    "member_assembly_shortfall": ZBTL + "第十一条（支部党员大会一般每季度召开1次）",
    "committee_meeting_shortfall": ZBTL + "第十二条（支部委员会会议一般每月召开1次）",
    "lecture_shortfall": "地方标准：党课每季度至少1次（全国性党内法规未规定次数），以本地文件为准",
    "annual_life_meeting_missing": ZBTL + "第十七条（组织生活会一般每年召开1次）",
    "group_meeting_shortfall": ZBTL + "第十三条（党小组会一般每月召开1次）",
    "themed_party_day_shortfall": "《中国共产党党员教育管理工作条例》（2019）（党支部每月相对固定1天开展主题党日）",
    "member_appraisal_missing": "《中国共产党党员教育管理工作条例》（2019）（民主评议党员一般每年开展1次）",
    "member_lapse": "《中国共产党章程》第九条（连续6个月不参加党的组织生活或不交纳党费，被认为是自行脱党）",
    "member_lapse_warning": "《中国共产党章程》第九条；提前3个月预警为工作惯例，非党内法规规定",
    "joint_branch_too_wide": ZBTL + "第五条（联合党支部覆盖单位一般不超过5个）",
    "branch_too_large": ZBTL + "第四条（党支部党员人数一般不超过50人）",
}


def test_every_rule_has_a_pinned_citation():
    assert set(RULES) == set(CITATIONS)


@pytest.mark.parametrize("code", sorted(CITATIONS))
def test_citation_text(code):
    assert RULES[code].citation == CITATIONS[code]


@pytest.mark.parametrize("code", sorted(CITATIONS))
def test_citation_names_a_document_and_an_article_or_says_it_is_local_or_practice(code):
    citation = RULES[code].citation
    assert "《" in citation or citation.startswith("地方标准")
    assert "条" in citation or "地方标准" in citation or "（20" in citation


def test_the_old_wrong_articles_are_gone():
    texts = " ".join(rule.citation for rule in RULES.values())
    assert "第六条" not in texts and "第七条" not in texts and "第十九条" not in texts and "第二十条" not in texts
    assert "选举工作条例" not in texts
