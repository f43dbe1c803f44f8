"""The example under the USCC input is itself a valid code (a clerk copies its pattern)."""

import re

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.registry.choices import OrgType
from socorg.registry.uscc import validate_uscc

pytestmark = pytest.mark.django_db


def test_the_example_in_the_uscc_hint_of_the_new_organization_form_passes_the_validator():
    page = client_as(make_user((Role.BUREAU_STAFF, "530000"))).get("/orgs/new/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    hint = re.search(r'id="id_uscc".*?<div class="form-text[^"]*">([^<]*)<', page.content.decode(), re.S)
    assert hint, "the USCC field has no hint"
    examples = re.findall(r"[0-9A-Z]{18}", hint.group(1))
    assert examples and "例如" in hint.group(1)
    for example in examples:
        assert validate_uscc(example, org_type=OrgType.SOCIAL_GROUP) == example
