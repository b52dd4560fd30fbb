"""Issue 15 (branch stars over the years): the branch's page lists its result in each campaign, the
decided sheet's (county's, else township's, else its own) total, grade and stars, and the move
against the same kind of campaign the year before (升星 / 降星, or 上升 / 下降 / 持平 without stars)."""

from decimal import Decimal as D

from campaigns.services import campaign_create
from campaigns.workflow import transition
from scoring.builtin import load_builtin_frameworks
from scoring.models import Framework, Stage
from scoring.services import score_sheet_create
from tests.campaigns.helpers import open_phase


def _result(cast, year, *, stars, total, verified=None):
    """A 标准化 campaign of ``year`` in which 法泥村's self-assessment (and, if given, the township's
    sheet) stored these totals and stars."""
    from campaigns.models import PhaseKind

    staff = cast.users["township_staff"]
    campaign = campaign_create(
        kind="standardization",
        year=year,
        title=f"{year}年标准化创建",
        framework=Framework.objects.get(code="standardization"),
        branches=[cast.branch],
        actor=staff,
    )
    open_phase(campaign, PhaseKind.SELF_ASSESSMENT)
    participant = campaign.participants.get()
    transition(participant, "start", actor=staff)
    participant.refresh_from_db()
    participant.self_sheet.__class__.objects.filter(pk=participant.self_sheet_id).update(stars=stars, total=total)
    if verified is not None:
        sheet = score_sheet_create(
            framework=campaign.framework,
            branch=cast.branch,
            stage=Stage.VERIFICATION,
            year=year,
            actor=staff,
            basis=participant.self_sheet,
        )
        sheet.__class__.objects.filter(pk=sheet.pk).update(stars=verified[0], total=verified[1])
        participant.verification_sheet = sheet
        participant.save(update_fields=["verification_sheet"])
    return participant


def test_the_branch_page_shows_each_years_result_and_its_trend(cast, client_for, db):
    load_builtin_frameworks()
    _result(cast, 2024, stars=3, total=D("78"))
    _result(cast, 2025, stars=4, total=D("85"))  # 3 → 4 stars: 升星
    # 2026: the secretary claimed 5 stars, the township's sheet decided 3: 降星 against 2025's 4
    _result(cast, 2026, stars=5, total=D("95"), verified=(3, D("76")))
    page = client_for(cast.users["township_staff"]).get(f"/branches/{cast.branch.pk}/").content.decode()
    table = page[page.index('data-testid="branch-results"') : page.index("</table>", page.index("branch-results"))]
    rows = table.split("<tr>")[2:5]
    assert "2026" in rows[0] and "76" in rows[0] and "镇党委验收" in rows[0] and "降星" in rows[0]
    assert rows[0].count("★") == 3
    assert "2025" in rows[1] and "升星" in rows[1] and rows[1].count("★") == 4
    assert "2024" in rows[2] and "badge" not in rows[2]  # no year before it


def test_the_township_sees_this_year_against_last_with_the_laggards_first(cast, client_for, db):
    load_builtin_frameworks()
    _result(cast, 2025, stars=4, total=D("85"))
    _result(cast, 2026, stars=5, total=D("95"), verified=(3, D("76")))
    url = "/campaigns/stars/?kind=standardization&year=2026"
    page = client_for(cast.users["township_staff"]).get(url).content.decode()
    row = page[page.index(cast.branch.name) : page.index("</tr>", page.index(cast.branch.name))]
    assert "4星" in row and "3星" in row and "降星" in row
    assert client_for(cast.users["branch_secretary"]).get(url).status_code == 403
    other = client_for(cast.users["other_township_staff"]).get(url).content.decode()
    assert cast.branch.name not in other  # another township's staff do not see 法泥村
