import datetime

from socorg.notices import rules

TODAY = datetime.date(2026, 11, 28)
GOOD = {"title": "通知", "body": "<p>正文</p>", "expires_on": None, "response_kind": "none",
        "response_due_on": None, "remind_after_days": 3, "today": TODAY}


def test_the_body_keeps_formatting_and_drops_scripts_styles_and_handlers():
    html = ('<p onclick="steal()">正文<strong>加粗</strong><script>alert(1)</script></p>'
            '<a href="javascript:alert(1)">坏链接</a><a href="https://mca.gov.cn/">民政部</a>'
            '<img src="https://evil.example/x.png"><style>body{}</style><iframe src="x"></iframe>')
    safe = rules.safe_body(html)
    assert "<strong>加粗</strong>" in safe
    assert "script" not in safe and "onclick" not in safe and "javascript:" not in safe
    assert "<img" not in safe and "<style" not in safe and "<iframe" not in safe
    assert 'href="https://mca.gov.cn/"' in safe and "noopener" in safe


def test_plain_text_keeps_its_paragraphs_and_is_escaped():
    safe = rules.safe_body("第一段\n第二行\n\n第二段 1 < 2 & 3")
    assert safe.count("<p>") == 2 and "<br>" in safe and "1 &lt; 2 &amp; 3" in safe


def test_a_good_notice_has_no_problem():
    assert rules.notice_problems(**GOOD) == {}


def test_every_problem_is_named_at_once():
    problems = rules.notice_problems(**(GOOD | {"title": " ", "body": "<script>x</script>",
                                                "expires_on": TODAY - datetime.timedelta(days=1),
                                                "response_kind": "reply", "response_due_on": None,
                                                "remind_after_days": 91}))
    assert set(problems) == {"title", "body", "expires_on", "response_due_on", "remind_after_days"}


def test_a_deadline_must_lie_between_today_and_the_expiry():
    late = rules.notice_problems(**(GOOD | {"response_kind": "upload", "expires_on": TODAY,
                                            "response_due_on": TODAY + datetime.timedelta(days=1)}))
    assert "response_due_on" in late
    past = rules.notice_problems(**(GOOD | {"response_kind": "upload",
                                            "response_due_on": TODAY - datetime.timedelta(days=1)}))
    assert "response_due_on" in past
    stray = rules.notice_problems(**(GOOD | {"response_due_on": TODAY}))
    assert "response_due_on" in stray


def test_a_reminder_is_due_after_the_interval_and_again_after_as_many_days():
    start = datetime.datetime(2026, 11, 1, 9, 0)
    due = rules.reminder_due
    assert not due(delivered_at=start, reminded_at=None, every_days=3, now=start + datetime.timedelta(days=2))
    assert due(delivered_at=start, reminded_at=None, every_days=3, now=start + datetime.timedelta(days=3))
    reminded = start + datetime.timedelta(days=3)
    assert not due(delivered_at=start, reminded_at=reminded, every_days=3, now=reminded + datetime.timedelta(days=1))
    assert due(delivered_at=start, reminded_at=reminded, every_days=3, now=reminded + datetime.timedelta(days=3))
    assert not due(delivered_at=start, reminded_at=None, every_days=0, now=start + datetime.timedelta(days=99))
