"""Error pages (400, 403, 404, 500) in the site's layout, Chinese by default, English on request; the API says 未找到
without class names, in the caller's language; logging prints each line once and a 403 without a traceback."""

import io
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, make_user

pytestmark = pytest.mark.django_db
MISSING_ORG = "/orgs/51530102MJ00000185/"


def in_layout(html: str) -> bool:
    return 'class="navbar' in html and "社会组织党建" in html or "Social organization party building" in html


def test_404_page_uses_the_site_layout_in_chinese():
    response = client_as(make_user((Role.VIEWER, "530000"))).get(MISSING_ORG)
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in html and in_layout(html) and "页面不存在" in html
    assert 'data-status="404"' in html and "Not Found" not in html and "SocialOrganization" not in html
    assert "退出登录" in html  # the navigation of the logged-in user


def test_404_page_in_english_for_an_english_browser():
    html = client_as(make_user((Role.VIEWER, "530000"))).get(MISSING_ORG, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html and "Page not found" in html


def test_403_page_uses_the_site_layout_in_chinese():
    response = client_as(make_user((Role.VIEWER, "530000"))).get("/ledger/")
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="zh-hans">' in html and in_layout(html) and "无权访问" in html and "403 Forbidden" not in html


def test_a_translated_refusal_reason_is_shown_on_the_403_page():
    request = RequestFactory().get("/x/")
    request.user = make_user()
    with translation.override("zh-hans"):
        html = defaults.permission_denied(request, PermissionDenied("您不能处理该地区的预警。")).content.decode()
    assert "无权访问" in html and "您不能处理该地区的预警。" in html


@pytest.mark.parametrize("view, status, text", [(defaults.server_error, 500, "服务器出错"),
                                                (defaults.bad_request, 400, "请求有误")])
def test_500_and_400_pages_use_the_site_layout_in_chinese(view, status, text):
    request = RequestFactory().get("/x/")
    with translation.override("zh-hans"):
        response = view(request) if status == 500 else view(request, Exception("bad"))
    html = response.content.decode()
    assert response.status_code == status and in_layout(html) and text in html and f'data-status="{status}"' in html


@pytest.mark.parametrize("language, expected", [("zh-CN,zh;q=0.9", "未找到。"), ("en", "Not found.")])
@pytest.mark.parametrize("url", ["/api/v1/orgs/51530102MJ00000185/", "/api/v1/party-orgs/999999/"])
def test_api_404_says_not_found_in_the_callers_language_without_class_names(url, language, expected):
    response = api_as(make_user((Role.BUREAU_STAFF, "530000"))).get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404 and response.json() == {"detail": expected}


def test_api_404_is_chinese_without_accept_language():
    response = api_as(make_user((Role.BUREAU_STAFF, "530000"))).get("/api/v1/orgs/51530102MJ00000185/")
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("language, expected", [("zh-CN", "身份认证信息未提供。"),
                                                ("en", "Authentication credentials were not provided.")])
def test_drf_default_messages_follow_the_callers_language(language, expected):
    response = api_as(None).get("/api/v1/orgs/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 401 and response.json() == {"detail": expected}


@pytest.fixture
def console():
    """What the configured console handlers print for django.request records (pytest's own handlers left out)."""
    handlers, logger = [], logging.getLogger("django.request")
    while logger:
        handlers += [h for h in logger.handlers if isinstance(h, logging.StreamHandler)
                     and not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    output = io.StringIO()
    previous = [handler.setStream(output) for handler in handlers]
    yield output
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


def test_a_403_is_logged_once_without_a_traceback_and_django_lines_are_printed_once(settings, console):
    settings.DEBUG = True  # Django's own console handler prints only with DEBUG on: the case that doubled lines
    client_as(make_user((Role.VIEWER, "530000"))).get("/ledger/")
    logging.getLogger("django.request").warning("a line from django")
    printed = console.getvalue()
    assert printed.count("Forbidden (Permission denied): /ledger/") == 1
    assert "Traceback" not in printed
    assert printed.count("a line from django") == 1
