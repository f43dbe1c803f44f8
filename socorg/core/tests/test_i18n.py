"""Simplified Chinese by default, English on request (language switch or Accept-Language)."""

import pytest
from django.test import Client

from socorg.core.testing import client_as, make_user

pytestmark = pytest.mark.django_db

PAGE = "/regions/530000/"


def test_login_page_is_chinese_by_default():
    page = Client().get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page and "社会组织党建" in page


def test_pages_are_chinese_for_a_chinese_browser():
    page = client_as(make_user(("viewer", "530000"))).get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "行政区划" in page and "退出登录" in page and "下级行政区" in page


def test_switching_to_english_and_back():
    client = client_as(make_user(("viewer", "530000")))
    response = client.post("/i18n/setlang/", {"language": "en", "next": PAGE})
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    assert '<html lang="en">' in page and "Log out" in page and "Subordinate units" in page
    assert "中文" in page  # the switch back
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": PAGE})
    assert "退出登录" in client.get(PAGE).content.decode()


def test_english_error_messages_for_an_english_browser():
    response = Client().post("/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Please enter a correct" in response.content.decode()


def test_the_language_choice_is_remembered_for_a_year(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 365 * 24 * 3600
    assert client.get("/accounts/login/").headers["Content-Language"] == "en"


def test_numbers_carry_thousands_separators_in_chinese(settings):
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("zh-hans"):
        rendered = Template("{% load humanize %}{{ n|intcomma }} {{ small|intcomma }}").render(
            Context({"n": 1234567, "small": 2847}))
    assert rendered == "1,234,567 2,847"
