"""A member's 入党日期 is checked, not taken as typed: not after today, and not before the year
they turned eighteen; on the member form and in the register import (the row named)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from branches.models import Member
from common.dates import today
from tests.branches.test_register_import import _register_file


def _member_post(*, birth_year, joined_on):
    return {
        "name": "王芳",
        "gender": "F",
        "birth_year": str(birth_year),
        "joined_on": joined_on.isoformat(),
        "post": "ordinary",
        "phone": "",
    }


@pytest.mark.parametrize(
    ("birth_year", "joined_on", "message"),
    [
        (1988, date(2099, 7, 1), "入党日期不能晚于今天"),
        (1988, today() + timedelta(days=1), "入党日期不能晚于今天"),
        (1988, date(1980, 7, 1), "1988年出生，应在 2006 年（年满十八岁）以后入党"),
        (1988, date(2005, 12, 31), "1988年出生，应在 2006 年（年满十八岁）以后入党"),
    ],
    ids=["in 2099", "tomorrow", "before birth", "at seventeen"],
)
def test_it_refuses_a_joining_date_in_the_future_or_before_eighteen(client_for, cast, birth_year, joined_on, message):
    secretary = client_for(cast.users["branch_secretary"])

    response = secretary.post(
        reverse("branches:member_create", args=[cast.branch.pk]),
        _member_post(birth_year=birth_year, joined_on=joined_on),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Member.objects.filter(name="王芳").exists()


def test_it_accepts_today_and_the_eighteenth_year(client_for, cast):
    secretary = client_for(cast.users["branch_secretary"])
    url = reverse("branches:member_create", args=[cast.branch.pk])

    secretary.post(url, _member_post(birth_year=today().year - 18, joined_on=date(today().year, 1, 1)))
    secretary.post(url, {**_member_post(birth_year=1970, joined_on=today()), "name": "李红"})

    assert Member.objects.filter(name__in=["王芳", "李红"]).count() == 2


def test_editing_a_member_checks_the_date_too(client_for, cast):
    secretary = client_for(cast.users["branch_secretary"])

    response = secretary.post(
        reverse("branches:member_edit", args=[cast.member.pk]),
        {**_member_post(birth_year=1970, joined_on=date(2099, 1, 1)), "name": "张三"},
    )

    assert "入党日期不能晚于今天" in response.content.decode()
    cast.member.refresh_from_db()
    assert cast.member.joined_on == date(1998, 7, 1)


def test_the_register_import_refuses_such_rows_by_row(client_for, cast):
    staff = client_for(cast.users["township_staff"])
    members = [
        ["关兴镇", "法泥村党支部", "王国华", "男", 1968, date(1995, 7, 1), "委员", ""],
        ["关兴镇", "法泥村党支部", "李秀兰", "女", 1980, date(2099, 7, 1), "委员", ""],
        ["关兴镇", "法泥村党支部", "赵六", "男", 1980, date(1979, 7, 1), "委员", ""],
    ]

    response = staff.post(reverse("branches:import"), {"file": _register_file(staff, [], members)})

    assert response.context["errors"] == [
        f"“党员”工作表第3行“入党日期”：入党日期不能晚于今天（{today():%Y-%m-%d}）。",
        "“党员”工作表第4行“入党日期”：入党日期不对：1980年出生，应在 1998 年（年满十八岁）以后入党。",
    ]
    assert not Member.objects.filter(name__in=["王国华", "李秀兰", "赵六"]).exists()  # nothing saved
