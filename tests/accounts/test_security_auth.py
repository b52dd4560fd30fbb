"""Identification and authentication as a 等保 2.0 level-2/3 assessment checks them."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ops.startup import refuse_insecure_start
from tests.factories import township_staff

GOOD = "Qingshan#2026"


def _errors(password, user=None):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return " ".join(refused.value.messages), {e.code for e in refused.value.error_list}


@pytest.fixture
def staff(cast):
    user = cast.users["township_staff"]
    user.full_name = "赵党建"
    user.set_password(GOOD)
    user.save()
    return user


def test_passwords_need_length_three_kinds_and_nothing_common_or_like_the_name(staff):
    text, codes = _errors("abc12", staff)
    assert "password_too_short" in codes and "至少" in text
    text, codes = _errors("onlylowercase", staff)
    assert "password_too_simple" in codes and "至少 3 种" in text
    assert "password_too_common" in _errors("Password123", staff)[1]
    assert "password_too_similar" in _errors("Staffs1!", staff)[1]  # the user name is "staff"
    validate_password("Lvshui#Qingshan9", staff)


def test_none_of_the_last_five_passwords_again(staff):
    history = [f"Qingshan#{n}x" for n in range(1, 7)]
    for password in history:
        staff.set_password(password)
        staff.save()
    # the last five (2 … 6, the current one among them) are refused; the sixth back is allowed again
    for password in history[1:]:
        assert "password_reused" in _errors(password, staff)[1]
    assert "最近 5 次" in _errors(history[-1], staff)[0]
    validate_password(history[0], staff)


def test_an_account_set_up_by_an_administrator_changes_its_password_at_first_login(staff):
    staff.must_change_password = True
    staff.save()
    client = Client()
    client.post(reverse("login"), {"username": "staff", "password": GOOD})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("password_change")
    assert "首次登录或密码已到期" in client.get(reverse("password_change")).content.decode()
    changed = client.post(
        reverse("password_change"),
        {"old_password": GOOD, "new_password1": "Lvshui#Qingshan9", "new_password2": "Lvshui#Qingshan9"},
    )
    assert changed.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    staff.refresh_from_db()
    assert not staff.must_change_password and staff.password_changed_at is not None


def test_a_password_older_than_the_policy_must_change(staff, settings):
    staff.password_changed_at = timezone.now() - timedelta(days=91)
    staff.save(update_fields=["password_changed_at"])
    client = Client()
    client.force_login(staff)
    settings.PASSWORD_MAX_AGE_DAYS = 90
    assert client.get(reverse("home")).url == reverse("password_change")
    settings.PASSWORD_MAX_AGE_DAYS = 0  # demo mode: no rotation
    assert client.get(reverse("home")).status_code == 200


def _fail(client, username, times, **extra):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-Pass1"}, **extra)


def test_five_failures_lock_the_account_for_thirty_minutes_and_an_administrator_can_unlock(staff, cast):
    client = Client()
    _fail(client, "staff", 4)
    # the fifth failure locks; from then on even the right password is refused
    _fail(client, "staff", 1)
    locked = client.post(reverse("login"), {"username": "staff", "password": GOOD})
    assert locked.status_code == 429 and "已暂停登录" in locked.content.decode()
    # the account, from another address as well
    elsewhere = Client().post(reverse("login"), {"username": "staff", "password": GOOD}, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 429
    call_command("axes_reset_username", "staff", verbosity=0)
    # the account is free; the address the five failures came from keeps its own lock
    assert (
        Client().post(reverse("login"), {"username": "staff", "password": GOOD}, REMOTE_ADDR="10.0.0.9").status_code
        == 302
    )
    assert Client().post(reverse("login"), {"username": "staff", "password": GOOD}).status_code == 429


def test_an_address_is_locked_separately_from_the_accounts(staff, cast):
    other = township_staff(cast.township, username="clerk2")
    other.set_password(GOOD)
    other.save()
    client = Client()
    for username in ("nobody1", "nobody2", "nobody3", "nobody4", "nobody5"):
        _fail(client, username, 1, REMOTE_ADDR="10.0.0.7")
    refused = client.post(reverse("login"), {"username": "clerk2", "password": GOOD}, REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 429
    # the same account from another address of the township is not locked
    assert (
        Client().post(reverse("login"), {"username": "clerk2", "password": GOOD}, REMOTE_ADDR="10.0.0.8").status_code
        == 302
    )


def test_sessions_end_when_idle_on_browser_close_at_logout_and_on_a_password_change(staff, settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"  # a Redis outage logs nobody out
    client = Client()
    client.get(reverse("login"))
    anonymous = client.session  # a session that exists before the login (e.g. planted by an attacker)
    anonymous["probe"] = 1
    anonymous.save()
    before = client.cookies["sessionid"].value
    assert before == anonymous.session_key
    response = client.post(reverse("login"), {"username": "staff", "password": GOOD})
    cookie = response.cookies["sessionid"]
    assert cookie.value and cookie.value != before  # a new session key at login
    fixated = Client()
    fixated.cookies["sessionid"] = before
    assert fixated.get(reverse("home")).status_code == 302  # the pre-login key opens nothing
    assert cookie["max-age"] == "" and cookie["httponly"]  # ends when the browser closes
    assert client.session.get_expiry_age() == 30 * 60
    page = client.get(reverse("home"))
    assert page["Cache-Control"] == "no-store"

    # idle past the limit: the session has expired
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=cookie.value).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("home")).status_code == 302

    # logout: the old cookie opens nothing
    client.post(reverse("login"), {"username": "staff", "password": GOOD})
    old = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    stale = Client()
    stale.cookies["sessionid"] = old
    assert stale.get(reverse("home")).status_code == 302

    # a password change ends the user's other sessions, not this one
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(reverse("login"), {"username": "staff", "password": GOOD})
    laptop.post(
        reverse("password_change"),
        {"old_password": GOOD, "new_password1": "Lvshui#Qingshan9", "new_password2": "Lvshui#Qingshan9"},
    )
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302


def test_production_refuses_the_demo_key_and_demo_passwords(db, settings):
    settings.DEMO_MODE = False
    settings.SECRET_KEY = "demo-only-insecure-key-9c1f0e3a7b5d4e2f8a6c1b3d5e7f9a0b2c4d6e8f"
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        refuse_insecure_start()
    settings.SECRET_KEY = "a-county-own-secret-key-0123456789-abcdefghijklmnop"
    refuse_insecure_start()
    call_command("seed_demo", verbosity=0)
    with pytest.raises(ImproperlyConfigured, match="演示密码"):
        refuse_insecure_start()
    settings.TESTING = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("seed_demo", verbosity=0)


def test_a_county_behind_shared_addresses_can_raise_the_address_limit(staff, cast, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    other = township_staff(cast.township, username="clerk3")
    other.set_password(GOOD)
    other.save()
    client = Client()
    for n in range(6):  # six typos by six people of one township, all behind 10.0.0.7
        _fail(client, f"someone{n}", 1, REMOTE_ADDR="10.0.0.7")
    assert (
        client.post(reverse("login"), {"username": "clerk3", "password": GOOD}, REMOTE_ADDR="10.0.0.7").status_code
        == 302
    )
    _fail(Client(), "staff", 5, REMOTE_ADDR="10.0.0.7")  # the account itself still locks at 5
    assert (
        Client().post(reverse("login"), {"username": "staff", "password": GOOD}, REMOTE_ADDR="10.0.0.8").status_code
        == 429
    )


def test_ones_own_login_does_not_clear_the_count_against_another_account(staff, cast, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    other = township_staff(cast.township, username="clerk4")
    other.set_password(GOOD)
    other.save()
    attacker = Client()
    _fail(attacker, "staff", 4, REMOTE_ADDR="10.0.0.9")
    assert (
        attacker.post(reverse("login"), {"username": "clerk4", "password": GOOD}, REMOTE_ADDR="10.0.0.9").status_code
        == 302
    )
    _fail(Client(), "staff", 1, REMOTE_ADDR="10.0.0.9")
    assert (
        Client().post(reverse("login"), {"username": "staff", "password": GOOD}, REMOTE_ADDR="10.0.0.10").status_code
        == 429
    )


def _failed_at(username, *minutes_ago, address="10.0.0.50"):
    from axes.models import AccessFailureLog

    now = timezone.now()
    for minutes in minutes_ago:
        failure = AccessFailureLog.objects.create(
            username=username, ip_address=address, user_agent="test", http_accept="*/*", path_info="/accounts/login/"
        )
        # attempt_time is auto_now_add: set the past time afterwards
        AccessFailureLog.objects.filter(pk=failure.pk).update(attempt_time=now - timedelta(minutes=minutes))


def _login(username, password=GOOD, address="10.0.0.60"):
    return Client().post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_only_five_failures_within_fifteen_minutes_lock(staff, cast):
    # four earlier failures 19, 17, 12 and 6 minutes ago, and one now: never five within 15 minutes
    _failed_at("staff", 19, 17, 12, 6)
    assert _login("staff", "wrong-Pass1").status_code == 200
    assert _login("staff").status_code == 302
    # one more now makes 12, 6, now, now … and with one more, five within 15 minutes
    _login("staff", "wrong-Pass1")
    _login("staff", "wrong-Pass1")
    assert _login("staff").status_code == 429


def test_a_lock_lasts_thirty_minutes_from_the_failure_that_caused_it(staff, cast):
    _failed_at("staff", 33, 32, 31, 30, 29)  # the fifth, 29 minutes ago: locked one more minute
    assert _login("staff").status_code == 429
    _failed_at("staff2", 36, 35, 34, 33, 32)  # the fifth, 32 minutes ago: the lock is over
    other = township_staff(cast.township, username="staff2")
    other.set_password(GOOD)
    other.save()
    assert _login("staff2").status_code == 302
    # a try during the lock is refused and does not prolong it
    from axes.models import AccessFailureLog

    before = AccessFailureLog.objects.filter(username="staff").count()
    _login("staff", "wrong-Pass1")
    assert AccessFailureLog.objects.filter(username="staff").count() == before


def test_the_security_page_lists_what_is_locked_and_unlocking_forgets_the_failures(staff, cast, client_for):
    from axes.models import AccessFailureLog

    from accounts import lockout

    _failed_at("staff", 10, 8, 6, 4, 2, address="10.0.0.77")
    assert [name for name, _end in lockout.locked("username")] == ["staff"]
    assert [address for address, _end in lockout.locked("ip_address")] == ["10.0.0.77"]
    call_command("axes_reset_username", "staff", verbosity=0)
    assert not AccessFailureLog.objects.filter(username="staff").exists()
    assert _login("staff").status_code == 302


def test_the_failure_log_keeps_what_the_window_needs_and_the_trail_keeps_everything(staff, cast):
    from axes.models import AccessFailureLog

    from audit.models import AuditEntry, AuditEvent

    _failed_at("someone", 200, 120)  # long past any window
    _failed_at("staff", 10)
    _login("staff", "wrong-Pass1")
    assert sorted(AccessFailureLog.objects.values_list("username", flat=True)) == ["staff", "staff"]
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN_FAILED, object_repr="staff").exists()


def test_a_name_longer_than_any_account_fails_like_any_wrong_login(db):
    """A 5,000-character name (the no-500 sweep's, on PostgreSQL) is refused as a wrong login and
    counted towards its own lock, never a server error: axes keeps at most 255 characters of it."""
    from axes.models import AccessFailureLog

    client = Client()
    answer = client.post(reverse("login"), {"username": "x" * 5000, "password": "y" * 5000})
    assert answer.status_code == 200 and "请输入正确的" in answer.content.decode()
    assert AccessFailureLog.objects.get().username == "x" * 255
