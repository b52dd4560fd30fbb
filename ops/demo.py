"""The demo county, built from seed 001 (县党建示范点工作实施方案).

Its three townships and three villages carry the statistics the work plan
gives (通道型 / 资源型 / 扶贫型); the further villages, members and yearly
figures are generated from a fixed random seed, so every run produces the same
county. Running it again creates nothing twice.
"""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from branches.models import AnnualFigure, Branch, BranchKind, County, Gender, Member, Post, SiteType, Township, User
from branches.scoping import Role
from branches.services import annual_figure_record
from common.dates import demo_year
from scoring.builtin import load_builtin_frameworks

DEMO_PASSWORD = "Demo@2026"
COUNTY_NAME = "青山县"

# name, site type, then the seed's figures for the township and for its demonstration village
TOWNSHIPS = [
    {
        "name": "关兴镇",
        "site_type": SiteType.CORRIDOR,
        "distance_to_county_km": 21,
        "area_km2": Decimal("205.3"),
        "farmland_mu": 38000,
        "village_groups": 246,
        "households": 11153,
        "population": 48603,
        "income_per_head": 1436,
        "grain_per_head_kg": 450,
        "village": {
            "name": "法泥村党支部",
            "village_groups": 5,
            "households": 213,
            "population": 817,
            "farmland_mu": 482,
            "grain_per_head_kg": 320,
            "income_per_head": 1310,
            "distance_to_county_km": 5,
            "members": 21,
        },
        "others": ["新寨村", "坡脚村", "大田村", "河边村", "龙井村", "石板村", "营盘村", "水井村", "关兴社区"],
        "login": "guanxing",
        "secretary_login": "fani",
    },
    {
        "name": "煤山镇",
        "site_type": SiteType.RESOURCE,
        "distance_to_county_km": 22,
        "area_km2": None,
        "farmland_mu": 24601,
        "village_groups": 185,
        "households": 6921,
        "population": 33586,
        "income_per_head": 1504,
        "grain_per_head_kg": 375,
        "village": {
            "name": "那姑村党支部",
            "village_groups": 11,
            "households": 575,
            "population": 2704,
            "farmland_mu": 1265,
            "grain_per_head_kg": 350,
            "income_per_head": 1280,
            "distance_to_county_km": None,
            "members": 31,
        },
        "others": [
            "煤田村",
            "白岩村",
            "松林村",
            "中寨村",
            "小河村",
            "红旗村",
            "岩脚村",
            "新华村",
            "煤山社区",
            "沙坝村",
        ],
        "login": "meishan",
        "secretary_login": "nagu",
    },
    {
        "name": "高寨乡",
        "site_type": SiteType.POVERTY_RELIEF,
        "distance_to_county_km": 56,
        "area_km2": None,
        "farmland_mu": None,
        "village_groups": 118,
        "households": 5253,
        "population": 23572,
        "income_per_head": 1210,
        "grain_per_head_kg": 310,
        "village": {
            "name": "高坡村党支部",
            "village_groups": 8,
            "households": 354,
            "population": 1521,
            "farmland_mu": 5563,
            "grain_per_head_kg": 320,
            "income_per_head": 1253,
            "distance_to_county_km": None,
            "members": 12,
        },
        "others": ["青杠村", "马场村", "岩头村", "团结村", "长田村", "落水村", "高峰村", "坪上村"],
        "login": "gaozhai",
        "secretary_login": "gaopo",
    },
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林罗龙杨田"
GIVEN = "国华明强文军平建英秀兰芳勇德忠成玉珍林海云红春光永福荣志"


@dataclass
class DemoLogin:
    username: str
    role: str
    unit: str


def _member_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _members_for(branch: Branch, count: int, rng: random.Random, year: int) -> list[Member]:
    posts = [Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.COMMITTEE_MEMBER, Post.COMMITTEE_MEMBER]
    members, seen = [], set()
    while len(members) < count:
        name, birth_year = _member_name(rng), rng.randint(1950, 2000)
        if (name, birth_year) in seen:
            continue
        seen.add((name, birth_year))
        index = len(members)
        post = posts[index] if index < len(posts) else (Post.PROBATIONARY if index == count - 1 else Post.ORDINARY)
        joined_year = min(birth_year + rng.randint(20, 40), year - 1)  # members before the demo year
        joined_on = date(joined_year, rng.randint(1, 12), rng.randint(1, 28))
        if post == Post.PROBATIONARY:
            # a probationary member was admitted in the demo year (before any demo date: 1 June)
            joined_on = date(year, joined_on.month % 5 + 1, joined_on.day)
        members.append(
            Member(
                branch=branch,
                name=name,
                birth_year=birth_year,
                gender=Gender.FEMALE if rng.random() < 0.3 else Gender.MALE,
                joined_on=joined_on,
                post=post,
                # A few members have no phone on record, as in any real register.
                phone="" if rng.random() < 0.1 else f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            )
        )
    return members


def _ensure_members(branch: Branch, count: int, rng: random.Random, year: int) -> int:
    existing = set(branch.members.values_list("name", "birth_year"))
    new = [m for m in _members_for(branch, count, rng, year) if (m.name, m.birth_year) not in existing]
    Member.objects.bulk_create(new)
    return len(new)


def _ensure_user(username, *, full_name, role, **unit) -> bool:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "role": role, **unit}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return created


TOWNSHIP_FIELDS = (
    "site_type",
    "distance_to_county_km",
    "area_km2",
    "farmland_mu",
    "village_groups",
    "households",
    "population",
    "income_per_head",
    "grain_per_head_kg",
)
COUNTY_ADMINISTRATORS = (
    ("sysadmin", "周系统", Role.SYSTEM_ADMIN),
    ("secadmin", "吴安全", Role.SECURITY_ADMIN),
    ("auditor", "郑审计", Role.AUDIT_ADMIN),
)
STAFF_NAMES = {"关兴镇": "赵党建", "煤山镇": "钱组织", "高寨乡": "孙宣传"}


@transaction.atomic
def seed_demo() -> dict:
    """Create the demo county; returns what was created and the demo logins."""
    created = {"townships": 0, "branches": 0, "members": 0, "figures": 0, "users": 0}
    county, _ = County.objects.get_or_create(name=COUNTY_NAME)
    logins = [DemoLogin("county", Role.COUNTY_REVIEWER.label, COUNTY_NAME)]
    created["users"] += _ensure_county_users(county)
    for spec in TOWNSHIPS:
        township, was_created = Township.objects.get_or_create(
            county=county, name=spec["name"], defaults={k: spec[k] for k in TOWNSHIP_FIELDS}
        )
        created["townships"] += was_created
        branch_specs, member_counts = _branch_specs(spec, random.Random(spec["name"]))
        _seed_branches(township, branch_specs, member_counts, created)
        logins += _ensure_township_users(spec, township, village_name=branch_specs[0][0], created=created)
    logins += [DemoLogin(username, role.label, COUNTY_NAME) for username, _name, role in COUNTY_ADMINISTRATORS]
    logins.append(DemoLogin("admin", "超级用户（仅用于安装）", "全部"))
    _seed_the_work(county, created)
    return {"created": created, "logins": logins}


def _ensure_county_users(county) -> int:
    """The installation's superuser, the county reviewer and the three administrators (三员分立)."""
    made = 0
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DEMO_PASSWORD, full_name="系统管理员")
        made += 1
    made += _ensure_user("county", full_name="李审核", role=Role.COUNTY_REVIEWER, county=county)
    for username, full_name, role in COUNTY_ADMINISTRATORS:
        made += _ensure_user(username, full_name=full_name, role=role, county=county)
    return made


def _branch_specs(spec, rng: random.Random) -> tuple[list[tuple[str, dict]], dict[str, int]]:
    """The township's branches: the seed plan's village first, then its other villages and
    communities with plausible statistics, then the township office; and their member counts."""
    village = dict(spec["village"])
    member_counts = {village["name"]: village.pop("members")}
    branch_specs = [(village.pop("name"), {"site_type": spec["site_type"], **village})]
    for other in spec["others"]:
        community = other.endswith("社区")
        branch_specs.append(
            (
                f"{other}党支部",
                {
                    "kind": BranchKind.COMMUNITY if community else BranchKind.VILLAGE,
                    "village_groups": rng.randint(3, 14),
                    "households": rng.randint(150, 900),
                    "population": rng.randint(600, 3800),
                    "farmland_mu": rng.randint(300, 4000),
                    "income_per_head": rng.randint(1100, 1700),
                    "grain_per_head_kg": rng.randint(280, 460),
                    "distance_to_county_km": rng.randint(3, 70),
                },
            )
        )
        member_counts[f"{other}党支部"] = rng.randint(8, 35)
    branch_specs.append((f"{spec['name']}机关党支部", {"kind": BranchKind.TOWNSHIP_OFFICE}))
    member_counts[f"{spec['name']}机关党支部"] = 15
    return branch_specs, member_counts


def _seed_branches(township, branch_specs, member_counts, created) -> None:
    """Branches, their members and two years of collective income (the demo year's missing for every fourth)."""
    demo = demo_year()
    for position, (name, fields) in enumerate(branch_specs):
        branch, was_created = Branch.objects.get_or_create(township=township, name=name, defaults=fields)
        created["branches"] += was_created
        created["members"] += _ensure_members(branch, member_counts[name], random.Random(name), demo)
        for year in (demo - 1, demo):
            # Every fourth branch has not yet reported the demo year's income: a task on the home pages.
            if year == demo and position % 4 == 3:
                continue
            # drawn as for the first demo year (2026): the same figures whatever year the demo is built in
            income = Decimal(random.Random(f"{name}{2026 + year - demo}").randrange(20000, 160000, 500))
            if not AnnualFigure.objects.filter(branch=branch, year=year).exists():
                created["figures"] += (
                    annual_figure_record(
                        branch=branch, year=year, collective_income=income, actor=None, note="演示数据"
                    )
                    is not None
                )


def _ensure_township_users(spec, township, *, village_name: str, created) -> list[DemoLogin]:
    """The township's staff login and the demo village's secretary (a member holding that post)."""
    created["users"] += _ensure_user(
        spec["login"], full_name=STAFF_NAMES[spec["name"]], role=Role.TOWNSHIP_STAFF, township=township
    )
    demo_village = Branch.objects.get(township=township, name=village_name)
    secretary = demo_village.members.filter(post=Post.SECRETARY).first()
    created["users"] += _ensure_user(
        spec["secretary_login"],
        full_name=secretary.name if secretary else "",
        role=Role.BRANCH_SECRETARY,
        branch=demo_village,
    )
    return [
        DemoLogin(spec["login"], Role.TOWNSHIP_STAFF.label, township.name),
        DemoLogin(spec["secretary_login"], Role.BRANCH_SECRETARY.label, f"{township.name} {demo_village.name}"),
    ]


def _seed_the_work(county, created) -> None:
    """A year of records, the built-in frameworks, the demo campaigns and a quarter of inspections."""
    from awards.demo import seed_demo_selection
    from campaigns.demo import seed_demo_campaign, seed_demo_standardization
    from duty_reports.demo import seed_demo_duty_reports
    from inspections.demo import seed_demo_inspections
    from ratings.demo import seed_demo_ratings
    from records.demo import seed_demo_records
    from records.demo_registers import seed_demo_registers

    created["records"] = sum(seed_demo_records(t) for t in Township.objects.filter(county=county).order_by("pk"))
    created["registers"] = sum(seed_demo_registers(t) for t in Township.objects.filter(county=county).order_by("pk"))
    created["frameworks"] = sum(new for _name, _version, new in load_builtin_frameworks())
    created["campaigns"] = int(seed_demo_campaign()) + int(seed_demo_standardization())
    created["inspections"] = int(seed_demo_inspections())
    created["member_ratings"] = seed_demo_ratings()
    created["duty_reports"] = int(seed_demo_duty_reports())
    created["selections"] = int(seed_demo_selection())
