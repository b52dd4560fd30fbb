"""Headers, the production check and the public notice's limits."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, State
from campaigns.services import campaign_create
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework
from tests import clock
from tests.factories import MemberFactory
from tests.reports.test_jobs import _worker_env

ROOT = Path(__file__).resolve().parents[2]


def test_the_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEMO_MODE": "false",
        "ALLOWED_HOSTS": "dangjian.example.gov.cn",
        "CACHE_URL": "rediscache://127.0.0.1:6379/2",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own thread
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_every_page_sends_the_security_headers(client_for, cast):
    response = client_for(cast.users["township_staff"]).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script and "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


@pytest.fixture
def public_campaign(cast):
    load_builtin_frameworks()
    campaign = campaign_create(
        kind="wuhao",
        year=2026,
        title="五好党支部创建",
        framework=Framework.objects.get(code="wuhao"),
        branches=[cast.branch, cast.sibling_branch],
        actor=cast.users["township_staff"],
        objection_contact="关兴镇党建办 电话 0000-1234567",
    )
    campaign.participants.filter(branch=cast.branch).update(state=State.PUBLICIZED)
    Campaign.objects.filter(pk=campaign.pk).update(publicity_starts_on="2026-12-11", publicity_ends_on="2026-12-16")
    return campaign


def test_the_public_notice_shows_no_phone_or_id_number(client, cast, public_campaign):
    MemberFactory(branch=cast.branch, name="王五", phone="13900001111")
    cast.branch.division_code = "522301100201"
    cast.branch.save()
    html = client.get(reverse("publicity", args=[public_campaign.public_token])).content.decode()
    assert "法泥村党支部" in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", text), "an 11-digit (mobile) number on the public page"
    assert not re.search(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])", text), "an 18-digit ID number on the public page"
    assert "王五" not in html and "张三" not in html  # no member data


def test_the_public_notice_is_rate_limited_per_address(client, cast, public_campaign, settings):
    cache.clear()
    settings.PUBLIC_RATE = "3/m"
    url = reverse("publicity", args=[public_campaign.public_token])
    codes = [client.get(url, REMOTE_ADDR="10.1.1.1").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get(url, REMOTE_ADDR="10.1.1.1")
    assert "访问过于频繁" in refused.content.decode()
    assert client.get(url, REMOTE_ADDR="10.1.1.2").status_code == 200  # another address is not affected


def test_the_recorded_address_cannot_be_spoofed_and_comes_from_nginx_behind_a_proxy(cast, settings):
    from django.test import Client

    from audit.models import AuditEntry

    staff = cast.users["township_staff"]
    staff.set_password("Qingshan#2026")
    staff.save()
    Client().post(
        reverse("login"),
        {"username": "staff", "password": "Qingshan#2026"},
        REMOTE_ADDR="10.5.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        HTTP_X_REAL_IP="7.7.7.7",
    )
    assert AuditEntry.objects.filter(event="login").latest("pk").remote_addr == "10.5.0.1"
    settings.BEHIND_PROXY = True
    Client().post(
        reverse("login"),
        {"username": "staff", "password": "Qingshan#2026"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="10.5.0.2",
    )
    assert AuditEntry.objects.filter(event="login").latest("pk").remote_addr == "10.5.0.2"


@pytest.fixture
def running(public_campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=public_campaign.pk).update(
        publicity_starts_on=today - timedelta(days=1), publicity_ends_on=today + timedelta(days=4)
    )
    cache.clear()
    return public_campaign


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_anyone_may_object_on_the_public_notice_and_only_the_county_sees_who(cast, running, client_for):
    from django.test import Client

    from campaigns.models import Objection

    visitor = Client(enforce_csrf_checks=True)
    url = reverse("publicity", args=[running.public_token])
    page = visitor.get(url).content.decode()
    participant = running.participants.get(branch=cast.branch)
    objection = {
        "participant": participant.pk,
        "content": "该村今年三季度主题党日未开展，照片系往年。",
        "contact": "13800001111",
    }

    assert visitor.post(url, objection).status_code == 403  # no CSRF token: refused
    assert not Objection.objects.exists()

    response = visitor.post(url, {**objection, "csrfmiddlewaretoken": _token(page)})
    assert response.status_code == 302 and response["Location"].endswith("?received=1#objection")
    saved = Objection.objects.get()
    assert (saved.participant, saved.channel, saved.recorded_by, saved.contact) == (
        participant,
        Objection.Channel.ONLINE,
        None,
        "13800001111",
    )
    assert "已收到您反映的情况" in visitor.get(response["Location"]).content.decode()
    # the public page shows neither the objection nor the contact; the county's page shows both
    assert "13800001111" not in visitor.get(url).content.decode()
    county = client_for(cast.users["county_reviewer"]).get(reverse("campaigns:participant", args=[participant.pk]))
    assert "13800001111" in county.content.decode() and "公示页面网上反映" in county.content.decode()


def test_the_objection_form_refuses_oversize_and_unlisted_input_and_saves_nothing(cast, running, client, settings):
    from campaigns.models import Objection

    url = reverse("publicity", args=[running.public_token])
    listed = running.participants.get(branch=cast.branch)
    unlisted = running.participants.get(branch=cast.sibling_branch)
    too_long = client.post(url, {"participant": listed.pk, "content": "长" * 1001})
    assert too_long.status_code == 400 and "不能超过 1000 字（现有 1001 字）" in too_long.content.decode()
    not_listed = client.post(url, {"participant": unlisted.pk, "content": "这是一段足够长的反映内容。"})
    assert not_listed.status_code == 400 and "选择一个有效的选项" in not_listed.content.decode()
    huge = client.post(url, {"participant": listed.pk, "content": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert huge.status_code == 400
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_address(cast, running, client, settings):
    from campaigns.models import Objection

    settings.PUBLIC_OBJECTION_RATE = "2/h"
    url = reverse("publicity", args=[running.public_token])
    data = {"participant": running.participants.get(branch=cast.branch).pk, "content": "反映的问题写在这里，共十多字。"}
    codes = [client.post(url, data, REMOTE_ADDR="10.9.9.9").status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Objection.objects.count() == 2
    assert client.get(url, REMOTE_ADDR="10.9.9.9").status_code == 200  # reading the notice is still allowed


SHARED_COUNT = """
import django
django.setup()
from django.test import Client
client = Client(SERVER_NAME="localhost")
print([client.get({url!r}, REMOTE_ADDR="10.1.1.9").status_code for _ in range(3)])
"""


def test_the_rate_limit_counts_across_processes_in_the_embedded_default(
    transactional_db, public_campaign, settings, tmp_path
):
    """The start script runs 3 web processes: a limit counted in each process's memory let 12 of 12
    objections through against 10 an hour. Three requests in another process and one here make four."""
    cache.clear()
    settings.PUBLIC_RATE = "3/d"  # a day's window: the two processes' requests fall in the same one
    url = reverse("publicity", args=[public_campaign.public_token])
    (tmp_path / "shared_count.py").write_text(SHARED_COUNT.format(url=url), encoding="utf-8")
    # DEBUG: the page's static files unhashed, as here (no collectstatic)
    env = {**_worker_env(), "PUBLIC_RATE": "3/d", "ALLOWED_HOSTS": "localhost", "DEBUG": "true"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    other = subprocess.run(  # on this session's clock (tests/clock.py)
        clock.python_m("shared_count"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert other.stdout.strip().splitlines()[-1:] == ["[200, 200, 200]"], other.stderr
    refused = Client().get(url, REMOTE_ADDR="10.1.1.9")
    assert refused.status_code == 429 and "访问过于频繁" in refused.content.decode()
