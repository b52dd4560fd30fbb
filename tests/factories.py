from datetime import date, timedelta

import factory

from branches.models import Branch, County, Member, Post, Township, User
from branches.scoping import Role
from common.dates import demo_year, today

TEST_PASSWORD = "Test@2026pass"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County

    name = factory.Sequence(lambda n: f"测试{n}县")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}村党支部")
    households = 300
    population = 1200


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "M"
    birth_year = 1970
    joined_on = date(1998, 7, 1)
    post = Post.ORDINARY
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def county_reviewer(county, **kwargs):
    return UserFactory(role=Role.COUNTY_REVIEWER, county=county, **kwargs)


def township_staff(township, **kwargs):
    return UserFactory(role=Role.TOWNSHIP_STAFF, township=township, **kwargs)


def branch_secretary(branch, **kwargs):
    return UserFactory(role=Role.BRANCH_SECRETARY, branch=branch, **kwargs)


# --- members' yearly ratings (ratings/) ---------------------------------------------------------


def approved_member_rating(member, year, *, stars, total, actor):
    """A member's rating of ``year`` as the township approved it (history, without its items)."""
    from ratings.models import BranchRating, MemberRating, RatingStatus
    from ratings.selectors import rating_framework

    rating, _ = BranchRating.objects.get_or_create(
        branch=member.branch,
        year=year,
        defaults={"framework": rating_framework(), "status": RatingStatus.APPROVED, "approved_by": actor},
    )
    return MemberRating.objects.create(
        branch_rating=rating, member=member, year=year, stars=stars, total=total, updated_by=actor
    )


# --- 述职评议 (duty_reports) ---------------------------------------------------------------------


def ballots(present, good, fair=0, average=0, poor=0, *, group_size=None):
    """One group's count for a 述职评议 vote."""
    from duty_reports.tiers import Ballots

    return Ballots(group_size or present, present, good, fair, average, poor)


def duty_round_held(township, staff, *, year=2026, meeting_on=None):
    """A township's 述职评议 round opened by its staff and its meeting held (reports frozen, votes open)."""
    from duty_reports.services import round_advance, round_open

    duty_round = round_open(township=township, year=year, actor=staff)
    return round_advance(
        duty_round=duty_round, meeting_on=meeting_on or date(year, 12, 1), meeting_place="镇会议室", actor=staff
    )


# --- 评选表彰 (awards) ---------------------------------------------------------------------------


class SelectionFactory(factory.django.DjangoModelFactory):
    """A county selection of secretaries, open for nominations for a fortnight; pass ``township=``
    (and ``county=None``) for a township's own."""

    class Meta:
        model = "awards.Selection"
        skip_postgeneration_save = True

    county = factory.SubFactory(CountyFactory)
    year = factory.LazyFunction(demo_year)
    title = factory.Sequence(lambda n: f"优秀党支部书记评选{n}")
    honour = "优秀党支部书记"
    subject = "secretary"
    quota = 3
    nomination_deadline = factory.LazyFunction(lambda: today() + timedelta(days=14))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def nominators(obj, create, extracted, **kwargs):
        """The nominating units: townships for a county selection, branches for a township's."""
        if create and extracted:
            (obj.nominating_townships if obj.county_id else obj.nominating_branches).set(extracted)
