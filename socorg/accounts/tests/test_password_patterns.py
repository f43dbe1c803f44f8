"""Keyboard-pattern passwords are refused (issue #10 item 17); generated passwords never contain one; the demo
accounts respect the three-administrator separation."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from socorg.accounts import services
from socorg.accounts.models import User
from socorg.accounts.roles import ADMIN_ROLES
from socorg.accounts.validators import keyboard_run
from socorg.core.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Qwerty123!", "Asdf@2024x", "Zxcv-9876k", "P@ss-Abcd-7", "Mn-7654-Lk",
                                      "Pa-)(*&-9x"])
def test_keyboard_runs_are_refused_with_the_run_named(password):
    user = make_user()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.password_set(user=user, password=password)
    message = " ".join(caught.value.message_dict["password"])
    assert "相邻按键" in message and keyboard_run(password) in message


@pytest.mark.parametrize("password", ["Yunnan-2024!", "Kunming-New-22", "Fresh-Start-7y"])
def test_ordinary_strong_passwords_pass(password):
    services.password_set(user=make_user(), password=password)


def test_generated_one_time_passwords_meet_the_whole_policy():
    from django.contrib.auth.password_validation import validate_password

    for _ in range(200):
        password = services.one_time_password()
        validate_password(password)
        assert password[0].isalpha()


def test_demo_accounts_keep_administrators_apart_from_business_roles(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("bootstrap")
    for user in User.objects.all():
        roles = user.roles()
        assert not (roles & ADMIN_ROLES and roles - ADMIN_ROLES), user.username
    assert (tmp_path / "demo-accounts.txt").read_text().count("\n") == 4
