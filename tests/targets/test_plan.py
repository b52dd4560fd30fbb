"""The county's plan of targets: made on first need from the seed or last year's plan, edited by
the county reviewer only, bad values refused in Chinese with nothing saved, every edit audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from targets.models import ERROR_SHARE_RANGE, Target, TargetPlan
from targets.services import default_targets, target_plan_ensure

from .conftest import YEAR


def _post_data(plan, **changes):
    """The plan page's formset as the browser posts it, with ``changes`` ({position: {field: value}})."""
    targets = list(plan.targets.all())
    data = {
        "form-TOTAL_FORMS": str(len(targets)),
        "form-INITIAL_FORMS": str(len(targets)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, target in enumerate(targets):
        row = {
            "id": target.pk,
            "position": target.position,
            "name": target.name,
            "fact": target.fact,
            "comparison": target.comparison,
            "threshold": str(target.threshold),
            "share_comparison": target.share_comparison,
            "share": str(target.share),
            "note": target.note,
        } | changes.get(str(target.position), {})
        if target.villages_only:
            row["villages_only"] = "on"
        data |= {f"form-{i}-{name}": value for name, value in row.items() if value is not None}
    return data


def test_it_starts_a_year_from_the_seeds_targets_once(cast):
    plan = target_plan_ensure(county=cast.county, year=YEAR)
    again = target_plan_ensure(county=cast.county, year=YEAR)
    assert again.pk == plan.pk and TargetPlan.objects.count() == 1
    assert [(t.fact, t.share) for t in plan.targets.all()] == [(row["fact"], row["share"]) for row in default_targets()]
    income = plan.targets.get(fact="collective_income")
    assert (income.threshold, income.share_comparison, income.share, income.villages_only) == (
        Decimal(50000),
        "gt",
        Decimal(45),
        True,
    )


def test_it_lets_the_county_edit_and_copies_the_edit_into_the_next_year(client_for, cast):
    county = client_for(cast.users["county_reviewer"])
    county.get(reverse("targets:plan"), {"year": YEAR})
    plan = TargetPlan.objects.get(county=cast.county, year=YEAR)
    before = AuditEntry.objects.count()
    response = county.post(f"{reverse('targets:plan')}?year={YEAR}", _post_data(plan, **{"2": {"share": "50"}}))
    assert response.status_code == 302
    assert plan.targets.get(position=2).share == Decimal(50)
    assert AuditEntry.objects.count() > before  # the edit is on the audit trail
    plan.refresh_from_db()
    assert plan.updated_by == cast.users["county_reviewer"]
    # the next year starts from this year's edited plan: 45 → 50 stays
    following = target_plan_ensure(county=cast.county, year=YEAR + 1)
    assert following.targets.get(fact="collective_income").share == Decimal(50)
    # and a year further on copies the latest earlier plan, not the seed
    assert target_plan_ensure(county=cast.county, year=YEAR + 3).targets.get(fact="collective_income").share == 50


@pytest.mark.parametrize("who", ["township_staff", "branch_secretary"])
def test_township_staff_and_secretaries_read_the_plan_but_may_not_change_it(client_for, cast, who):
    plan = target_plan_ensure(county=cast.county, year=YEAR)
    client = client_for(cast.users[who])
    page = client.get(reverse("targets:plan"), {"year": YEAR})
    assert page.status_code == 200 and "集体经济收入5万元以上的村" in page.content.decode()
    assert 'name="form-0-share"' not in page.content.decode()
    response = client.post(f"{reverse('targets:plan')}?year={YEAR}", _post_data(plan, **{"2": {"share": "50"}}))
    assert response.status_code == 403
    assert plan.targets.get(position=2).share == Decimal(45)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"share": "120"}, ERROR_SHARE_RANGE),
        ({"share": "-5"}, ERROR_SHARE_RANGE),
        ({"threshold": "五万"}, "标准值应为数字。"),
        ({"share": "abc"}, "比例应为 0 至 100 之间的数字。"),
    ],
)
def test_a_bad_value_is_refused_in_chinese_and_nothing_is_saved(client_for, cast, change, message):
    county = client_for(cast.users["county_reviewer"])
    plan = target_plan_ensure(county=cast.county, year=YEAR)
    # a good change on another row in the same post: saved only if every row is good
    data = _post_data(plan, **{"1": {"share": "80"}, "2": change})
    response = county.post(f"{reverse('targets:plan')}?year={YEAR}", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert [(t.share, t.threshold) for t in plan.targets.order_by("position")[:2]] == [
        (Decimal(90), Decimal(1)),
        (Decimal(45), Decimal(50000)),
    ]


def test_the_county_adds_and_removes_targets_on_the_one_page(client_for, cast):
    county = client_for(cast.users["county_reviewer"])
    plan = target_plan_ensure(county=cast.county, year=YEAR)
    data = _post_data(plan, **{"10": {"DELETE": "on"}})
    n = int(data["form-TOTAL_FORMS"])
    data |= {
        "form-TOTAL_FORMS": str(n + 1),
        f"form-{n}-position": "11",
        f"form-{n}-name": "发展对象2名以上的党支部",
        f"form-{n}-fact": "prospects",
        f"form-{n}-comparison": "gte",
        f"form-{n}-threshold": "2",
        f"form-{n}-share_comparison": "gte",
        f"form-{n}-share": "60",
    }
    assert county.post(f"{reverse('targets:plan')}?year={YEAR}", data).status_code == 302
    facts = list(plan.targets.values_list("fact", flat=True))
    assert "members_dues_short" not in facts and facts[-1] == "prospects" and len(facts) == 10
    assert Target.objects.filter(plan=plan, fact="prospects").get().share == Decimal(60)


def test_a_tampered_or_stale_plan_form_saves_nothing(client_for, cast):
    """A negative INITIAL_FORMS (Django would save the last rows again as new targets), a row twice,
    and a form sent for a year the page did not show: refused in Chinese, the plan unchanged."""
    from targets.forms import ERROR_FORMSET_TAMPERED
    from targets.models import TargetPlan

    county = client_for(cast.users["county_reviewer"])
    county.get(reverse("targets:plan"), {"year": YEAR})
    plan = TargetPlan.objects.get(county=cast.county, year=YEAR)
    before = list(plan.targets.order_by("pk").values_list("pk", "share"))
    url = f"{reverse('targets:plan')}?year={YEAR}"
    negative = _post_data(plan) | {"form-INITIAL_FORMS": "-5"}
    response = county.post(url, negative)
    assert response.status_code == 400 and ERROR_FORMSET_TAMPERED in response.content.decode()
    twice = _post_data(plan, **{"1": {"share": "50"}})
    twice["form-1-id"] = twice["form-0-id"]
    assert county.post(url, twice).status_code == 400
    stale = county.post(f"{reverse('targets:plan')}?year=1999", _post_data(plan, **{"2": {"share": "50"}}))
    assert stale.status_code == 400 and "未保存：没有看到页面所示的年度" in stale.content.decode()
    assert list(plan.targets.order_by("pk").values_list("pk", "share")) == before
