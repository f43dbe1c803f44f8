"""A clerk lists an organization from its candidate, the entry's due day is shown; an objection is answered; once the
obligation is fulfilled the clerk removes it (zh-Hans, Chromium)."""

import datetime

import pytest
from django.utils import timezone

from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.credit.choices import FactKind
from socorg.credit.models import CreditEntry, CreditFact
from socorg.credit.rules import entry_due_on

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


def test_clerk_lists_from_a_candidate_answers_an_objection_and_sees_the_history(page, live_server, org):
    clerk = make_user(("bureau_staff", "530102"), password=PASSWORD)
    today = timezone.localdate()
    CreditFact.objects.create(organization=org, kind=FactKind.DISHONEST_DEBTOR, found_on=today - datetime.timedelta(5),
                              source_document="（2026）云0102执88号")
    login(page, live_server, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/credit/candidates/?reason=dishonest_debtor")
    row = page.locator("#candidates tbody tr", has_text=org.name)
    assert "被纳入失信被执行人名单" in row.inner_text() and "（2026）云0102执88号" in row.inner_text()
    row.locator("text=决定").click()
    page.wait_for_url("**/credit/new/**")
    assert page.input_value("input[name=uscc]") == org.uscc
    page.click("#entry-form button[type=submit]")  # no decision number, no date
    assert "请填写决定书文号" in page.content() and "请填写日期" in page.content()
    assert not CreditEntry.objects.exists()
    page.fill("input[name=decision_no]", "五民严〔2026〕9号")
    page.fill("input[name=decided_on]", today.isoformat())
    page.click("#entry-form button[type=submit]")
    page.wait_for_url("**/credit/*/")
    entry = CreditEntry.objects.get()
    assert page.locator("#entry-due").inner_text().startswith(entry_due_on(today).isoformat())
    assert "严重违法失信名单" in page.content()

    page.fill("#objection-form input[name=received_on]", today.isoformat())
    page.fill("#objection-form textarea[name=content]", "已履行法院判决")
    page.click("#objection-form button")
    page.wait_for_url(f"**/credit/{entry.pk}/")
    assert "已履行法院判决" in page.locator("#objections").inner_text()
    page.select_option("#answer-form select[name=upheld]", "0")
    page.fill("#answer-form textarea[name=answer]", "经核实仍在失信被执行人名单中")
    page.fill("#answer-form input[name=answered_on]", today.isoformat())
    page.click("#answer-form button")
    page.wait_for_url(f"**/credit/{entry.pk}/")
    assert "异议不成立" in page.locator("#objections").inner_text()

    # A serious-list entry cannot be removed on application before its 5 years.
    page.fill("#remove-form textarea[name=reason]", "已履行")
    page.fill("#remove-form input[name=decided_on]", today.isoformat())
    page.click("#remove-form button")
    page.wait_for_url(f"**/credit/{entry.pk}/")
    assert "满 5 年移出" in page.content()
    assert CreditEntry.objects.get().removed_on is None

    page.goto(f"{live_server.url}/orgs/{org.uscc}/")
    assert "严重违法失信名单" in page.locator("#credit-history").inner_text()
    page.goto(f"{live_server.url}/credit/?list=serious")
    assert org.name in page.locator("#credit-entries").inner_text()
