"""The demo's selection (seed 004, 创先争优: each year the 3 best village Party secretaries): 关兴镇's
own, open for its branches' nominations until a fortnight from today."""

from datetime import timedelta

from branches.models import Branch, BranchKind, Township, User
from common.dates import demo_year, today

from .models import Selection, Subject
from .services import selection_create


def title(year: int | None = None) -> str:
    return f"{year or demo_year()}年度关兴镇优秀村党支部书记评选（演示）"


def seed_demo_selection() -> bool:
    """Create the selection once (idempotent: found by its township and title); True if created."""
    township = Township.objects.get(name="关兴镇")
    if Selection.objects.filter(township=township, title=title()).exists():
        return False
    villages = Branch.objects.filter(township=township, kind=BranchKind.VILLAGE).values_list("pk", flat=True)
    selection_create(
        year=demo_year(),
        title=title(),
        honour="优秀村党支部书记",
        subject=Subject.SECRETARY,
        quota=3,
        per_nominator_quota=1,
        nomination_deadline=today() + timedelta(days=14),
        publicity_days=5,
        objection_contact="关兴镇党委组织办 电话 0000-1234567",
        nominating_unit_ids=list(villages),
        actor=User.objects.get(username="guanxing"),
    )
    return True
