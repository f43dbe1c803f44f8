"""The permission walk (pretix style, issue #12 item 9): every URL in the resolver is requested with GET by an
anonymous visitor and by each role, inside and outside the scope of the object the URL names, and must answer what
the table below says. A URL without a row fails the test, naming the URL, so nobody adds a page without deciding who
may open it.

Columns (ACTORS): anonymous; bureau staff, party staff, instructor and viewer of the object's county (530102); bureau
staff and viewer of another province (110000); the object's own organization account and another organization's
account; the system, security and audit administrators. Cells: an HTTP status, or "login" (a page redirects to the
login page) — the API answers anonymous callers 401. Objects are real rows in county 530102 (an organization, its party
branch, a member, an instructor, an activity, an alert, an annual report, a user); URLs of rows too costly to build
here (imports, evidence, dues, attachments) name a row that does not exist, so they check the guards' order only."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from socorg.accounts.roles import Role
from socorg.core.testing import make_user

pytestmark = pytest.mark.django_db

ACTORS = ["anon", "bureau", "party", "instr", "viewer", "bureau_out", "viewer_out", "org_own", "org_other", "sys",
          "sec", "aud"]
MISSING = 999999

# url name: (the object the URL's arguments name, the answer to each actor in ACTORS order)
TABLE: dict[str, tuple[str, str]] = {
    #                                              anon  bureau party instr viewer bureau_out viewer_out
    #                                                    org_own org_other sys sec aud
    "accounts:grant_revoke": ("user", "login 403 403 403 403 403 403 403 403 403 405 403"),
    "accounts:login": ("", "200 302 302 302 302 302 302 302 302 302 302 302"),
    "accounts:login_failures": ("", "login 403 403 403 403 403 403 403 403 403 200 403"),
    "accounts:logout": ("", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "accounts:org_accounts": ("", "login 200 403 403 403 200 403 403 403 403 403 403"),
    "accounts:password_change": ("", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "accounts:otp_status": ("", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "accounts:otp_setup": ("", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "accounts:otp_verify": ("", "login 302 302 302 302 302 302 302 302 302 302 302"),
    "accounts:otp_recovery_codes": ("", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "accounts:user_otp_reset": ("user", "login 403 403 403 403 403 403 403 403 405 405 403"),
    "accounts:user_activate": ("user", "login 403 403 403 403 403 403 403 403 405 403 403"),
    "accounts:user_create": ("", "login 403 403 403 403 403 403 403 403 200 403 403"),
    "accounts:user_deactivate": ("user", "login 403 403 403 403 403 403 403 403 405 403 403"),
    "accounts:user_detail": ("user", "login 403 403 403 403 403 403 403 403 200 200 403"),
    "accounts:user_grant": ("user", "login 403 403 403 403 403 403 403 403 403 405 403"),
    "accounts:user_list": ("", "login 403 403 403 403 403 403 403 403 200 200 403"),
    "accounts:user_password_reset": ("user", "login 403 403 403 403 403 403 403 403 405 405 403"),
    "accounts:user_unlock": ("", "login 403 403 403 403 403 403 403 403 403 405 403"),
    "activities:attachment": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "activities:attachment-delete": ("missing", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "activities:attachment-upload": ("activity", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "activities:attendance": ("activity", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "activities:create": ("", "login 200 200 200 403 200 403 200 200 403 403 403"),
    "activities:delete": ("activity", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "activities:detail": ("activity", "login 200 200 200 200 404 404 200 404 404 404 404"),
    "activities:edit": ("activity", "login 200 200 200 404 404 404 200 404 404 404 404"),
    "activities:list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "alerts:assign": ("alert", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "alerts:board": ("", "login 200 200 200 200 200 200 302 302 403 403 403"),
    "alerts:detail": ("alert", "login 200 200 200 200 404 404 200 404 404 404 404"),
    "alerts:evidence": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "alerts:list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "alerts:review": ("alert", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "alerts:rule-edit": ("rule", "login 403 403 403 403 403 403 403 403 200 403 403"),
    "alerts:rules": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "alerts:submit": ("alert", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "api-v1:activity-attachments": ("activity", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:activity-attendance": ("activity", "401 200 200 200 403 404 404 403 404 403 403 403"),
    "api-v1:activity-detail": ("activity", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:activity-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:activity-remove-attachment": ("activity", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:alert-accept": ("alert", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:alert-assign": ("alert", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:alert-detail": ("alert", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:alert-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:alert-return": ("alert", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:alert-submit": ("alert", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:credit-list-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:credit-list-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:credit-list-remove": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:penalty-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:penalty-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "credit:candidates": ("", "login 200 403 403 403 200 403 403 403 403 403 403"),
    "credit:entry-create": ("", "login 200 403 403 403 200 403 403 403 403 403 403"),
    "credit:entry-detail": ("missing", "login 404 404 404 404 404 404 404 404 403 403 403"),
    "credit:entry-remove": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "credit:fact-record": ("org", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "credit:letter-answered": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "credit:letter-record": ("org", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "credit:list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "credit:objection-answer": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "credit:objection-record": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "credit:org": ("org", "login 200 200 200 200 404 404 200 404 403 403 403"),
    "credit:penalties": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "credit:penalty-create": ("", "login 200 403 403 403 200 403 403 403 403 403 403"),
    "credit:reason-edit": ("rule", "login 404 403 403 403 404 403 403 403 404 403 403"),
    "credit:reasons": ("", "login 200 200 200 200 200 200 200 200 200 403 403"),
    "credit:statement-record": ("org", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "api-v1:annual-report-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:annual-report-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:complaint-accept": ("complaint", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:complaint-assign": ("complaint", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:complaint-conclude": ("complaint", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:complaint-detail": ("complaint", "401 200 200 403 403 404 403 403 403 403 403 403"),
    "api-v1:complaint-figures": ("", "401 200 200 403 403 200 403 403 403 403 403 403"),
    "api-v1:complaint-investigate": ("complaint", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:complaint-list": ("", "401 200 200 403 403 200 403 403 403 403 403 403"),
    "api-v1:complaint-reply": ("complaint", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:complaint-reveal": ("complaint", "401 405 405 403 403 405 403 403 403 403 403 403"),
    # socorg.projects (issue #17)
    "api-v1:match-accept": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:match-complete": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:match-decline": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:match-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:match-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:need-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:need-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:need-matches": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:offer-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:offer-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:offer-withdraw": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-application-assign": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-application-award": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-application-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:project-application-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:project-application-reject": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-application-withdraw": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-call-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:project-call-eligibility": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:project-call-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:project-complete": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-terminate": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:project-evaluations": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-expert-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:project-figures": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:project-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:project-milestone-accept": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-milestone-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:project-milestone-pay": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-milestone-report": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-milestones": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-review-conflict": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:project-review-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:project-review-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:project-review-submit": ("missing", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:coverage-figures": ("", "401 200 200 200 200 200 200 403 403 403 403 403"),
    "api-v1:coverage-orgs": ("", "401 200 200 200 200 200 200 403 403 403 403 403"),
    "api-v1:coverage-snapshots": ("", "401 200 200 200 200 200 200 403 403 403 403 403"),
    "api-v1:docs": ("", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:dues-detail": ("missing", "401 404 404 404 403 404 403 403 403 403 403 403"),
    "api-v1:dues-list": ("", "401 200 200 200 403 200 403 403 403 403 403 403"),
    "api-v1:inspection-plan-cancel": ("missing", "401 405 405 405 405 405 405 403 403 403 403 403"),
    "api-v1:inspection-plan-close": ("missing", "401 405 405 405 405 405 405 403 403 403 403 403"),
    "api-v1:inspection-plan-commit": ("missing", "401 405 405 405 405 405 405 403 403 403 403 403"),
    "api-v1:inspection-plan-conflicts": ("missing", "401 405 405 405 405 405 405 403 403 403 403 403"),
    "api-v1:inspection-plan-detail": ("missing", "401 404 404 404 404 404 404 403 403 403 403 403"),
    "api-v1:inspection-plan-draw": ("missing", "401 405 405 405 405 405 405 403 403 403 403 403"),
    "api-v1:inspection-plan-inspections": ("missing", "401 405 405 405 405 405 405 403 403 403 403 403"),
    "api-v1:inspection-plan-list": ("", "401 200 200 200 200 200 200 403 403 403 403 403"),
    "api-v1:inspection-plan-proof": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "api-v1:inspection-plan-results": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "api-v1:instructor-assignments": ("instructor", "401 200 200 200 200 404 404 404 404 403 403 403"),
    "api-v1:instructor-detail": ("instructor", "401 200 200 200 200 404 404 404 404 403 403 403"),
    "api-v1:instructor-end-assignment": ("instructor", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:instructor-leave": ("instructor", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:instructor-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:my-notice-detail": ("missing", "401 404 404 404 404 404 404 404 404 404 404 404"),
    "api-v1:my-notice-list": ("", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:my-notice-respond": ("missing", "401 405 405 405 405 405 405 405 405 405 405 405"),
    "api-v1:notice-detail": ("missing", "401 404 404 403 403 404 403 403 403 403 403 403"),
    "api-v1:notice-list": ("", "401 200 200 403 403 200 403 403 403 403 403 403"),
    "api-v1:notice-publish": ("missing", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:notice-receipts": ("missing", "401 404 404 403 403 404 403 403 403 403 403 403"),
    "api-v1:notice-remind": ("missing", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:notice-withdraw": ("missing", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:org-evaluation-eligibility": ("org", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:party-org-rating": ("rating", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:party-org-rating-approve": ("rating", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-org-rating-publish": ("rating", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-org-rating-return": ("rating", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-org-rating-review": ("rating", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-org-rating-self-assess": ("rating", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:public-credit-lists": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:public-figures": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:public-grades": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:public-inspection-plan": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "api-v1:public-inspection-plans": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:public-org": ("org", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:public-orgs": ("", "400 400 400 400 400 400 400 400 400 400 400 400"),
    "api-v1:public-project-calls": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:public-projects": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:rating-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:evaluation-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:evaluation-round-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:evaluation-round-detail": ("missing", "401 404 404 404 404 404 404 404 404 403 403 403"),
    "api-v1:org-annual-report": ("report", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:org-annual-report-return": ("report", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:org-annual-report-review": ("report", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:org-annual-report-submit": ("report", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:org-deregister": ("org", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:org-detail": ("org", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:org-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:org-revoke": ("org", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:org-suspend": ("org", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:org-resume": ("org", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:org-revoke-certificate": ("org", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-member-detail": ("member", "401 200 200 200 403 404 403 403 403 403 403 403"),
    "api-v1:party-member-leave": ("member", "401 405 405 405 403 405 403 403 403 403 403 403"),
    "api-v1:party-member-find": ("", "401 405 405 405 403 405 403 403 403 403 403 403"),
    "api-v1:instructor-find": ("", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-member-list": ("", "401 200 200 200 403 200 403 403 403 403 403 403"),
    "api-v1:party-member-reveal": ("member", "401 405 405 405 403 405 403 403 403 403 403 403"),
    "api-v1:party-org-coverages": ("branch", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:party-org-detail": ("branch", "401 200 200 200 200 404 404 200 404 403 403 403"),
    "api-v1:party-org-dissolve": ("branch", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-org-end-coverage": ("branch", "401 405 405 405 405 405 405 405 405 403 403 403"),
    "api-v1:party-org-list": ("", "401 200 200 200 200 200 200 200 200 403 403 403"),
    "api-v1:region-detail": ("region", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:region-list": ("", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:schema": ("", "401 200 200 200 200 200 200 200 200 200 200 200"),
    "captcha-audio": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "captcha-image": ("missing", "410 410 410 410 410 410 410 410 410 410 410 410"),
    "captcha-image-2x": ("missing", "410 410 410 410 410 410 410 410 410 410 410 410"),
    "captcha-refresh": ("", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "core:audit_log": ("", "login 403 403 403 403 403 403 403 403 403 403 200"),
    "core:home": ("", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "api-v1:screening-case-deregister": ("case", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:screening-case-detail": ("case", "401 200 200 403 403 404 403 403 403 403 403 403"),
    "api-v1:screening-case-figures": ("", "401 200 200 403 403 200 403 403 403 403 403 403"),
    "api-v1:screening-case-list": ("", "401 200 200 403 403 200 403 403 403 403 403 403"),
    "api-v1:screening-case-rectify": ("case", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:screening-case-revoke": ("case", "401 405 405 403 403 405 403 403 403 403 403 403"),
    "api-v1:screening-run-detail": ("missing", "401 404 404 403 403 404 403 403 403 403 403 403"),
    "api-v1:screening-run-list": ("", "401 200 200 403 403 200 403 403 403 403 403 403"),
    "complaints:accept": ("complaint", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "complaints:assign": ("complaint", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "complaints:attachment": ("missing", "login 404 404 403 403 404 403 403 403 403 403 403"),
    "complaints:conclude": ("complaint", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "complaints:create": ("", "login 200 403 403 403 200 403 403 403 403 403 403"),
    "complaints:detail": ("complaint", "login 200 200 403 403 404 403 403 403 403 403 403"),
    "complaints:figures": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "complaints:investigate": ("complaint", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "complaints:list": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "complaints:reply": ("complaint", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "complaints:reveal": ("complaint", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "coverage:dashboard": ("", "login 200 200 200 200 200 200 403 403 403 403 403"),
    "coverage:export": ("", "login 200 200 200 200 200 200 403 403 403 403 403"),
    "coverage:snapshot_take": ("", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "coverage:orgs": ("", "login 200 200 200 200 200 200 403 403 403 403 403"),
    "coverage:party_orgs": ("", "login 200 200 200 200 200 200 403 403 403 403 403"),
    "healthz": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "inspections:cancel": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "inspections:close": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "inspections:commit": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "inspections:conflict": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "inspections:create": ("", "login 200 403 403 403 200 403 403 403 403 403 403"),
    "inspections:detail": ("missing", "login 404 404 404 404 404 404 403 403 403 403 403"),
    "inspections:document": ("missing", "login 404 404 404 404 404 404 403 403 403 403 403"),
    "inspections:draw": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "inspections:inspection": ("missing", "login 404 404 404 404 404 404 403 403 403 403 403"),
    "inspections:list": ("", "login 200 200 200 200 200 200 403 403 403 403 403"),
    "inspections:published": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "inspections:published-detail": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "inspections:published-proof": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "inspections:rectified": ("missing", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "inspections:roster": ("", "login 200 200 200 200 200 200 403 403 403 403 403"),
    "javascript-catalog": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "exits:deregister": ("case", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "exits:detail": ("case", "login 200 200 403 403 404 403 403 403 403 403 403"),
    "exits:document": ("missing", "login 404 404 403 403 404 403 403 403 403 403 403"),
    "exits:list": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "exits:rectify": ("case", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "exits:revoke": ("case", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "exits:run": ("", "login 405 403 403 403 405 403 403 403 403 403 403"),
    "ledger:confirm": ("missing", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "exports:detail": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "exports:download": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "exports:start": ("export", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "exports:status": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "ledger:detail": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "ledger:export": ("", "login 200 200 200 403 200 403 403 403 403 403 403"),
    "ledger:index": ("", "login 200 200 200 403 200 403 403 403 403 403 403"),
    "ledger:report": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "ledger:status": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "ledger:template": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "notices:attachment": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "notices:detail": ("missing", "login 404 404 403 403 404 403 403 403 403 403 403"),
    "notices:edit": ("missing", "login 404 404 403 403 404 403 403 403 403 403 403"),
    "notices:inbox": ("", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "notices:inbox-detail": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "notices:list": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "notices:new": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "notices:publish": ("missing", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "notices:receipts-export": ("missing", "login 404 404 403 403 404 403 403 403 403 403 403"),
    "notices:remind": ("missing", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "notices:reply-file": ("missing", "login 404 404 404 404 404 404 404 404 404 404 404"),
    "notices:withdraw": ("missing", "login 405 405 403 403 405 403 403 403 403 403 403"),
    "party:party_org_pick": ("", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "party:assignment_add": ("instructor", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "party:assignment_end": ("instructor", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "party:instructor_create": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "party:instructor_detail": ("instructor", "login 200 200 200 200 404 404 404 404 403 403 403"),
    "party:instructor_edit": ("instructor", "login 200 200 403 403 404 403 403 403 403 403 403"),
    "party:instructor_leave": ("instructor", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "party:instructor_list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "party:member_create": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "party:member_detail": ("member", "login 200 200 200 403 404 403 403 403 403 403 403"),
    "party:member_edit": ("member", "login 200 200 403 403 404 403 403 403 403 403 403"),
    "party:member_leave": ("member", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "party:member_find": ("", "login 405 405 405 405 405 405 405 405 403 403 403"),
    "party:instructor_find": ("", "login 405 405 405 405 405 405 405 405 403 403 403"),
    "party:member_list": ("", "login 200 200 200 403 200 403 403 403 403 403 403"),
    "party:member_reveal": ("member", "login 405 405 405 403 405 403 403 403 403 403 403"),
    "party:party_coverage_add": ("branch", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "party:party_coverage_end": ("branch", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "party:party_org_create": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "party:party_org_detail": ("branch", "login 200 200 200 200 404 404 200 404 403 403 403"),
    "party:party_org_dissolve": ("branch", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "party:party_org_edit": ("branch", "login 200 200 403 403 404 403 403 403 403 403 403"),
    "party:party_org_list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "public:complaint": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:complaint-status": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:credit-lists": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:grades": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:index": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:inspection-plan": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "public:inspection-plans": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:inspection-proof": ("missing", "404 404 404 404 404 404 404 404 404 404 404 404"),
    "public:org": ("org", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:orgs": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "public:projects": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "regions:detail": ("region", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "regions:pick": ("", "login 200 200 200 200 200 200 200 200 200 200 200"),
    "regions:list": ("", "login 302 302 302 302 302 302 302 302 302 302 302"),
    "registry:create": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "registry:delete": ("org", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "registry:deregister": ("org", "login 200 200 404 404 404 404 404 404 404 404 404"),
    "registry:detail": ("org", "login 200 200 200 200 404 404 200 404 404 404 404"),
    "registry:edit": ("org", "login 200 200 404 404 404 404 404 404 404 404 404"),
    "registry:list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "registry:revoke": ("org", "login 200 200 404 404 404 404 404 404 404 404 404"),
    "registry:suspend": ("org", "login 200 200 404 404 404 404 404 404 404 404 404"),
    "registry:resume": ("org", "login 200 200 404 404 404 404 404 404 404 404 404"),
    "registry:revoke-certificate": ("org", "login 200 200 404 404 404 404 404 404 404 404 404"),
    "ratings:approve": ("rating", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "ratings:designate": ("rating", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "ratings:detail": ("rating", "login 200 200 200 200 404 404 200 404 404 404 404"),
    "ratings:eligibility": ("org", "login 200 200 200 200 404 404 200 404 404 404 404"),
    "ratings:evaluation-open": ("", "login 302 302 302 302 302 302 302 302 403 403 403"),
    "ratings:evaluation-round": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "ratings:evaluations": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "ratings:list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "ratings:model-branches": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "ratings:publish": ("rating", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "ratings:reinstate": ("rating", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "ratings:review": ("rating", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "ratings:self-assess": ("rating", "login 405 405 405 405 405 405 405 405 405 405 405"),
    # Scorecards: read by every ratings reader and the system administrator; versions made by a national grant or
    # the system configuration capability only (the sys actor passes the check and meets the missing scorecard).
    "ratings:scorecards": ("", "login 200 200 200 200 200 200 200 200 200 403 403"),
    "ratings:scorecard-new-version": ("missing", "login 403 403 403 403 403 403 403 403 404 403 403"),
    "reports:detail": ("report", "login 200 200 200 200 404 404 200 404 404 404 404"),
    "reports:edit": ("report", "login 200 403 403 403 404 404 200 404 404 404 404"),
    "reports:figure-orgs": ("", "login 302 302 302 302 302 302 302 302 403 403 403"),
    "reports:list": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "reports:open": ("", "login 302 302 302 302 302 302 302 302 403 403 403"),
    "reports:return": ("report", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "reports:review": ("report", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "reports:submit": ("report", "login 405 405 405 405 405 405 405 405 405 405 405"),
    "reports:sync": ("org", "login 200 200 200 200 404 404 200 404 404 404 404"),
    "reports:sync-overview": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "projects:application": ("missing", "login 404 404 404 404 404 404 404 404 403 403 403"),
    "projects:apply": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:assign": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:award": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:call": ("missing", "login 404 404 404 404 404 404 404 404 403 403 403"),
    "projects:call-new": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "projects:complete": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:conflict": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:evaluation-add": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:experts": ("", "login 200 200 403 403 200 403 403 403 403 403 403"),
    "projects:figures": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "projects:figures-xlsx": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "projects:index": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "projects:match": ("missing", "login 404 404 404 404 404 404 404 404 403 403 403"),
    "projects:match-decide": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:milestone-accept": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:milestone-add": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:milestone-report": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:need": ("missing", "login 404 404 404 404 404 404 404 404 403 403 403"),
    "projects:needs": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "projects:offers": ("", "login 200 200 200 200 200 200 200 200 403 403 403"),
    "projects:pay": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:project": ("missing", "login 404 404 404 404 404 404 404 404 403 403 403"),
    "projects:terminate": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:propose": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:reject": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "projects:score": ("missing", "405 405 405 405 405 405 405 405 405 405 405 405"),
    "robots": ("", "200 200 200 200 200 200 200 200 200 200 200 200"),
    "set_language": ("", "302 302 302 302 302 302 302 302 302 302 302 302"),
}


@dataclass
class World:
    org: object
    other_org: object
    branch: object
    member: object
    instructor: object
    activity: object
    alert: object
    user: object
    year: int


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern),
                             namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or "")


def url_names() -> dict[str, str]:
    """url name -> route, one route per name (the API's `.json` format suffixes share their view's name)."""
    routes: dict[str, str] = {}
    for route, name in _walk(get_resolver().url_patterns):
        if "(?P<format>" not in route:
            routes.setdefault(name or route, route)
    return routes


@pytest.fixture
def world(settings, tmp_path):
    from socorg.alerts.models import Alert
    from socorg.party.services import instructor_create, member_add
    from socorg.party.tests.factories import make_org, make_party_org, valid_id_number
    from socorg.reports.services import report_for

    settings.MEDIA_ROOT = tmp_path
    staff = make_user((Role.PARTY_STAFF, "530102"))
    org, other_org = make_org("530102", name="步行测试协会"), make_org("530102", name="邻居协会")
    branch = make_party_org(staff, orgs=[org], name="步行测试协会党支部", founded_on=datetime.date(2020, 1, 1),
                            formation="standalone")
    member = member_add(name="王党员", party_org=branch, employer=org, id_number=valid_id_number(),
                        joined_on=datetime.date(2010, 7, 1), actor=staff)
    instructor = instructor_create(name="李指导员", region="530102", actor=staff)
    from socorg.activities.models import Activity

    activity = Activity.objects.create(party_org=branch, type="member_assembly", date=datetime.date(2025, 5, 10),
                                       topic="学习党章")
    alert = Alert.objects.create(rule="member_assembly_shortfall", subject_type="party_org",
                                 subject_key=f"party_org:{branch.pk}", party_org=branch, region_id="530102",
                                 severity="amber", message="缺党员大会", opened_on=datetime.date(2025, 7, 1))
    year = datetime.date.today().year - 1
    report_for(org=org, year=year).save()
    from socorg.ratings.services import rate_cycle

    rate_cycle(cycle=year, party_org_ids=[branch.pk])
    return World(org=org, other_org=other_org, branch=branch, member=member, instructor=instructor,
                 activity=activity, alert=alert, user=staff, year=year)


def actor(name: str, world: World):
    grants = {
        "bureau": (Role.BUREAU_STAFF, "530102"), "party": (Role.PARTY_STAFF, "530102"),
        "instr": (Role.INSTRUCTOR, "530102"), "viewer": (Role.VIEWER, "530102"),
        "bureau_out": (Role.BUREAU_STAFF, "110000"), "viewer_out": (Role.VIEWER, "110000"),
        "sys": (Role.SYSTEM_ADMIN, "100000"), "sec": (Role.SECURITY_ADMIN, "100000"),
        "aud": (Role.AUDIT_ADMIN, "100000"),
    }
    client = Client()
    if name == "anon":
        return client
    if name in ("org_own", "org_other"):
        bound = world.org if name == "org_own" else world.other_org
        user = make_user((Role.ORG_ACCOUNT, "530102"), organization=bound)
    else:
        user = make_user(grants[name])
    client.force_login(user)
    return client


def _complaint(world: World):
    """A complaint about the world's organization (made once, on first use)."""
    if getattr(world, "complaint", None) is None:
        from socorg.complaints.services import complaint_receive

        clerk = make_user((Role.BUREAU_STAFF, "530102"))
        world.complaint = complaint_receive(actor=clerk, channel="phone", category="improper_fees",
                                            description="强制收费", organization_uscc=world.org.uscc, anonymous=True)
    return world.complaint


def _screening_case(world: World):
    """A zombie-screening case about the world's organization (made once, on first use)."""
    if getattr(world, "screening_case", None) is None:
        from socorg.core.audit import SYSTEM
        from socorg.exits.services import screening_run
        from socorg.regions.models import Region

        run = screening_run(region=Region.objects.get(code="530102"), actor=SYSTEM)
        world.screening_case = run.cases.get(organization=world.org)
    return world.screening_case


def concrete(route: str, target: str, world: World) -> str:
    """The route with its arguments filled for the row's target object."""
    from socorg.alerts.rules import RULES

    values = {
        "org": {"uscc": world.org.uscc}, "branch": {"pk": world.branch.pk}, "member": {"pk": world.member.pk},
        "instructor": {"pk": world.instructor.pk}, "activity": {"pk": world.activity.pk},
        "alert": {"pk": world.alert.pk}, "user": {"pk": world.user.pk}, "region": {"code": "530102"},
        "rule": {"code": sorted(RULES)[0]}, "report": {"uscc": world.org.uscc, "year": world.year},
        "rating": {"party_org": world.branch.pk, "cycle": world.year},
        "missing": {"pk": MISSING}, "export": {"list_name": "orgs"}, "": {},
        "complaint": {"pk": _complaint(world).pk} if target == "complaint" else {},
        "case": {"pk": _screening_case(world).pk} if target == "case" else {},
    }[target]
    import re

    def fill(match):
        name = match.group("name")
        return str(values.get(name, MISSING))

    path = re.sub(r"\(\?P<(?P<name>\w+)>(?:\[[^\]]*\]|[^)])*\)", fill, route)  # router regexes
    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, path)  # path converters
    return "/" + path.replace("^", "").replace("$", "")


def observed(response) -> str:
    if response.status_code == 302 and "/accounts/login/" in response.get("Location", ""):
        return "login"
    return str(response.status_code)


def test_every_url_has_a_row():
    missing = [f"{route} (name {name!r})" for name, route in sorted(url_names().items()) if name not in TABLE]
    assert not missing, ("These URLs have no row in the permission table of socorg/core/tests/"
                         "test_permission_walk.py; add one saying who may open them: " + "; ".join(missing))
    stale = sorted(set(TABLE) - set(url_names()))
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_every_url_answers_each_actor_as_the_table_says(world):
    clients = {name: actor(name, world) for name in ACTORS}
    routes = url_names()
    wrong = []
    for name, (target, cells) in sorted(TABLE.items()):
        if name not in routes:
            continue
        path = concrete(routes[name], target, world)
        for who, expected in zip(ACTORS, cells.split(), strict=True):
            got = observed(clients[who].get(path))
            if got != expected:
                wrong.append(f"{path} as {who}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


# API views that serve no model rows, so no ScopedViewSet: the schema and its docs, and figures (the coverage
# figures and trend of one region, scoped by coverage.access.figures_scope / visible_region: another region → 404;
# the projects' figures, summed over Project / Need .objects.visible_to(user, "view")).
NOT_ROW_VIEWS = {"api-v1:schema", "api-v1:docs", "api-v1:coverage-figures", "api-v1:coverage-snapshots",
                 "api-v1:project-figures"}


def _api_views(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns,
                                  namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif namespace.startswith("api-v1:"):
            yield namespace + (pattern.name or str(pattern.pattern)), pattern.callback


def test_every_api_view_is_a_scoped_viewset():
    """Issue #12 item 7: every API view over rows derives from core.api.viewsets.ScopedViewSet, so visible_to
    applies to every action of it (a new viewset that does not fails here, naming itself)."""
    from rest_framework.permissions import AllowAny

    from socorg.core.api.viewsets import ScopedViewSet

    def public(cls) -> bool:
        # A public view (AllowAny: what is published to everyone, e.g. a random inspection's draw) has no user scope.
        classes = getattr(cls, "permission_classes", None) or []
        return bool(classes) and all(c is AllowAny for c in classes)

    unscoped = sorted({f"{name} ({getattr(view, 'cls', view).__module__}.{getattr(view, 'cls', view).__name__})"
                       for name, view in _api_views(get_resolver().url_patterns)
                       if name not in NOT_ROW_VIEWS and not public(getattr(view, "cls", None))
                       and not issubclass(getattr(view, "cls", object), ScopedViewSet)})
    assert not unscoped, ("These API views do not derive from core.api.viewsets.ScopedViewSet (see "
                          "docs/architecture.md, 'The API of an app'): " + "; ".join(unscoped))
