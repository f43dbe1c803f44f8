"""`socorg add-user`, `socorg grant`, `socorg create-token`: every bad input gives a clear message, a non-zero exit
and no half-written account."""

import io
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from socorg.accounts.models import ApiToken, RoleGrant, User
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    # The console speaks the default UI language (Simplified Chinese) like the web pages.
    with translation.override("zh-hans"):
        yield

GOOD_PASSWORD = "Kunming-2024!"


def run(*args, stdin: str = "", monkeypatch=None) -> str:
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_add_user_with_password_from_stdin(monkeypatch):
    output = run("add_user", "kmstaff", "--role", "bureau_staff", "--region", "530100", "--password-stdin",
                 stdin=GOOD_PASSWORD + "\n", monkeypatch=monkeypatch)
    assert "kmstaff" in output
    assert "担任 民政部门工作人员" in output
    assert "bureau_staff" not in output  # the role's name, not its code
    user = User.objects.get(username="kmstaff")
    assert user.check_password(GOOD_PASSWORD) and user.must_change_password
    assert list(user.grants.values_list("role", "region_id")) == [("bureau_staff", "530100")]
    assert AuditEntry.objects.filter(action="accounts.user.add", object_id=str(user.pk)).exists()


def test_add_user_with_several_roles():
    run("add_user", "both", "--role", "bureau_staff", "--role", "party_staff", "--region", "530000")
    assert set(RoleGrant.objects.filter(user__username="both").values_list("role", flat=True)) == {
        "bureau_staff", "party_staff"}


def test_add_user_without_password_has_no_usable_password():
    output = run("add_user", "nopass", "--role", "viewer", "--region", "530000")
    assert "尚未设置密码" in output
    assert not User.objects.get(username="nopass").has_usable_password()


@pytest.mark.parametrize(("args", "message"), [
    (["--role", "viewer", "--region", "999999"], "未知的行政区划代码“999999”"),
    (["--role", "viewer", "--region", "110103"], "已于 2010-12-31 撤销"),
    (["--role", "superuser", "--region", "530000"], "未知的角色“superuser”"),
    (["--role", "system_admin", "--role", "audit_admin", "--region", "100000"], "三员分立"),
    (["--role", "security_admin", "--role", "system_admin", "--region", "100000"], "三员分立"),
])
def test_add_user_refuses_bad_input_and_writes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("add_user", "badinput", *args)
    assert not User.objects.filter(username="badinput").exists()
    assert not RoleGrant.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("password", "message"), [
    ("Ab1!", "密码太短：只有 4 个字符，至少需要 8 个"),
    ("password123", "这个密码太常见了"),
    ("alllowercase", "密码必须至少混合 3 类字符"),
])
def test_add_user_refuses_weak_password(password, message, monkeypatch):
    with pytest.raises(CommandError, match=message):
        run("add_user", "weak", "--role", "viewer", "--region", "530000", "--password-stdin", stdin=password + "\n",
            monkeypatch=monkeypatch)
    assert not User.objects.filter(username="weak").exists()


def test_add_user_refuses_empty_stdin(monkeypatch):
    with pytest.raises(CommandError, match="标准输入中没有提供密码"):
        run("add_user", "empty", "--role", "viewer", "--region", "530000", "--password-stdin", stdin="",
            monkeypatch=monkeypatch)
    assert not User.objects.filter(username="empty").exists()


def test_add_user_refuses_duplicate():
    make_user(("viewer", "530000"), username="taken")
    with pytest.raises(CommandError, match="已存在"):
        run("add_user", "taken", "--role", "bureau_staff", "--region", "530000")
    assert RoleGrant.objects.filter(user__username="taken").count() == 1


def test_grant_adds_a_role():
    make_user(("viewer", "530000"), username="lisi")
    output = run("grant", "lisi", "--role", "bureau_staff", "--region", "530102")
    assert "已授予 lisi 在 530102 的 bureau_staff 角色" in output
    assert RoleGrant.objects.filter(user__username="lisi", role="bureau_staff", region_id="530102").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["nobody", "--role", "viewer", "--region", "530000"], "没有名为“nobody”的账号"),
    (["admin1", "--role", "viewer", "--region", "12345"], "未知的行政区划代码“12345”"),
    (["admin1", "--role", "viewer", "--region", "110103"], "撤销"),
    (["admin1", "--role", "boss", "--region", "530000"], "未知的角色“boss”"),
    (["admin1", "--role", "audit_admin", "--region", "100000"], "已担任“系统管理员”"),
])
def test_grant_refuses_bad_input(args, message):
    make_user(("system_admin", "100000"), username="admin1")
    with pytest.raises(CommandError, match=message):
        run("grant", *args)
    assert list(RoleGrant.objects.values_list("role", flat=True)) == ["system_admin"]


def test_create_token_prints_a_working_token():
    user = make_user(("viewer", "530000"), username="apiuser")
    key = run("create_token", "apiuser").strip()
    assert ApiToken.objects.get(user=user).digest == ApiToken.digest_of(key)
    second = run("create_token", "apiuser").strip()
    assert second != key and ApiToken.objects.filter(user=user).count() == 1


def test_create_token_refuses_unknown_and_deactivated_accounts():
    with pytest.raises(CommandError, match="没有名为“ghost”的账号"):
        run("create_token", "ghost")
    user = make_user(("viewer", "530000"), username="gone")
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="已停用"):
        run("create_token", "gone")
    assert not ApiToken.objects.exists()


def test_console_command_exits_non_zero_with_one_line_message(tmp_path):
    """The real `socorg` entry point with hyphenated command names, on a throw-away SQLite database."""
    env = {"PATH": "/usr/bin:/bin", "SOCORG_VAR_DIR": str(tmp_path), "HOME": str(tmp_path), "DEBUG": "1"}
    socorg = [sys.executable, "-m", "socorg.cli"]
    migrate = subprocess.run([*socorg, "migrate", "--no-input"], env=env, capture_output=True, text=True)
    assert migrate.returncode == 0, migrate.stderr
    bad = subprocess.run([*socorg, "add-user", "x", "--role", "viewer", "--region", "999999"], env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert "未知的行政区划代码“999999”" in bad.stderr and "Traceback" not in bad.stderr
    good = subprocess.run([*socorg, "add-user", "x", "--role", "viewer", "--region", "530000", "--password-stdin"],
                          env=env, input=GOOD_PASSWORD + "\n", capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    token = subprocess.run([*socorg, "create-token", "x"], env=env, capture_output=True, text=True)
    assert token.returncode == 0 and len(token.stdout.strip()) == 40
