"""The demo's history of members' ratings: the year before the demo year, decided by each demo
village's branch meeting and approved by its township, so a member's page has a year to compare
with the demo year the secretary prepares. Idempotent: a branch-year already rated is left alone."""

import random
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from branches.models import Branch, User
from branches.scoping import Role
from common.dates import demo_year
from scoring.selectors import framework_spec

from . import rules
from .models import BranchRating, MemberRating, RatingStatus, RatingStep
from .selectors import eligible_members, rating_framework

SOURCE = "{year}年度评定（演示历史数据）：由党支部逐人评定"
# how far members of the demo fell short of the standard the year before, per item: (chance, values)
SHORTFALLS = {
    "1.1": (0.35, ("8", "6")),
    "1.2": (0.3, ("3", "4")),
    "2.1": (0.4, ("11", "8", "13")),
    "2.3": (0.05, ("3",)),
    "3.1": (0.35, ("11", "7")),
    "3.2": (0.25, ("3",)),
    "4.1": (0.5, ("4", "6", "3")),
    "4.2": (0.45, ("6", "0")),
    "4.3": (0.2, ("4", "3")),
    "5.1": (0.05, ("1",)),
}


@transaction.atomic
def seed_demo_ratings() -> int:
    """The year before's approved ratings of the demo villages (those with a secretary's login)."""
    framework = rating_framework()
    if framework is None:
        return 0
    year = demo_year() - 1
    spec = framework_spec(framework)
    created = 0
    for secretary in User.objects.filter(role=Role.BRANCH_SECRETARY, branch__isnull=False).order_by("pk"):
        branch = Branch.objects.get(pk=secretary.branch_id)
        if BranchRating.objects.filter(branch=branch, year=year).exists():
            continue
        staff = User.objects.filter(role=Role.TOWNSHIP_STAFF, township=branch.township_id).first()
        created += _seed_branch(branch, year, framework, spec, secretary, staff)
    return created


def _seed_branch(branch, year, framework, spec, secretary, staff) -> int:
    members = list(eligible_members(branch, year))
    meeting_on = date(year, 12, 26)
    decided_at = timezone.make_aware(datetime.combine(meeting_on, time(16)))
    approved_at = timezone.make_aware(datetime.combine(date(year, 12, 30), time(10)))
    rating = BranchRating.objects.create(
        branch=branch,
        year=year,
        framework=framework,
        status=RatingStatus.APPROVED,
        revision=1,
        prepared_by=secretary,
        prepared_at=decided_at,
        meeting_on=meeting_on,
        meeting_attendance=max(1, len(members) * 9 // 10),
        meeting_result="表决通过（演示）",
        decided_by=secretary,
        decided_at=decided_at,
        approved_by=staff,
        approved_at=approved_at,
    )
    rows = [_member_row(rating, spec, member, secretary) for member in members]
    MemberRating.objects.bulk_create(rows)
    RatingStep.objects.bulk_create(
        [
            RatingStep(
                branch_rating=rating, action="decide", from_status="draft", to_status="decided", actor=secretary
            ),
            RatingStep(
                branch_rating=rating, action="approve", from_status="decided", to_status="approved", actor=staff
            ),
        ]
    )
    return len(rows)


def _member_row(rating, spec, member, actor) -> MemberRating:
    rng = random.Random(f"rating{rating.year}{member.branch_id}{member.name}{member.birth_year}")
    values = {item.code: rules.standard_value(item) for item in spec.items()}
    for code, (chance, shortfalls) in SHORTFALLS.items():
        if rng.random() < chance:
            values[code] = rng.choice(shortfalls)
    result = rules.member_result(spec, values)
    items = {
        item.code: {
            "value": values[item.code],
            "points": f"{result.items[item.code].points.normalize():f}",
            "prefill": values[item.code],
            "source": SOURCE.format(year=rating.year),
            "origin": rules.STANDARD,
            "reason": "",
        }
        for item in spec.items()
    }
    return MemberRating(
        branch_rating=rating,
        member=member,
        year=rating.year,
        items=items,
        total=result.total,
        stars=result.stars.value,
        grade=result.grade.value,
        stars_rule=result.stars.rule,
        updated_by=actor,
    )
