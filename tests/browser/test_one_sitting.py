"""Issue 14's ways, counted: a secretary submits her 五好 self-assessment in one phone sitting;
the township verifies it changing three items, the county reviews it the same way. Every
click, tap, typed field and chosen file is an interaction; each test prints its count."""

import re

import pytest

from tests.browser.screens import shot

pytestmark = pytest.mark.browser

WUHAO = "“五好党支部”创建（演示）"
SECRETARY_LIMIT, VERIFIER_LIMIT = 15, 10


class Counter:
    """Drives the page and counts what a person does."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        locator.click()
        self.count += 1

    def type(self, locator, text):
        locator.fill(text)
        self.count += 1

    def choose(self, locator, path):
        locator.set_input_files(path)
        self.count += 1


def _photo(tmp_path):
    from PIL import Image

    photo = tmp_path / "主题党日照片.png"
    Image.new("RGB", (64, 48), (180, 20, 20)).save(photo)
    return str(photo)


def test_a_secretary_submits_her_wuhao_self_assessment_in_one_sitting(login, tmp_path):
    page = login("fani", mobile=True)
    you = Counter(page)
    card = page.get_by_test_id("campaign-tasks").locator("li", has_text=WUHAO)
    assert re.search(r"\d+月\d+日截止 · 剩 \d+ 天", card.get_by_test_id("task-deadline").inner_text())
    you.tap(card.get_by_test_id("task-start"))
    page.wait_for_url(re.compile(r"/scoring/sheets/\d+/$"))
    sheet_url = page.url
    assert "截止 · 剩" in page.get_by_test_id("sheet-deadline").inner_text()
    # filled from the records before she types anything, e.g. 1.1 (the register), 2.1 (income), 5.5 (satisfaction)
    assert page.locator("#v-2\\.1-no").is_checked()
    assert "满意率" in page.get_by_test_id("fact-5.5").inner_text()
    assert "党员名册" in page.get_by_test_id("fact-1.1").inner_text()

    # one tap per aspect: "本部分无扣分情形", her statement for the items nobody filled
    while page.locator("[data-testid^=affirm-]").count():
        you.tap(page.locator("[data-testid^=affirm-]").first)
        page.wait_for_load_state()
    assert page.get_by_test_id("affirmed-1.2").is_visible()
    assert page.locator("input[name='1.6-value']").input_value() == "0"  # no deduction stated
    assert page.get_by_test_id("affirmed-1.1").count() == 0  # 1.1 came from the member register
    assert page.locator("#v-2\\.1-no").is_checked()  # the record's verdict is not overwritten

    # a photo for 1.2: sent as soon as it is chosen, nothing reloaded
    you.choose(page.locator("input[name='file-1.2']"), _photo(tmp_path))
    page.get_by_test_id("evidence-1.2").locator("img.evidence-thumb").wait_for()
    assert page.url.split("#")[0] == sheet_url
    assert "尚有" not in page.get_by_test_id("sheet-total").inner_text()  # nothing left unfilled

    you.tap(page.get_by_test_id("sheet-next"))  # 申报…
    page.wait_for_url(re.compile(r"/steps/self_assessment/(#.*)?$"))
    assert "项均已填写，附佐证材料 1 份" in page.content()
    assert "整体锁定" in page.content()
    shot(page, "one_sitting_confirm", full_page=False)
    you.tap(page.get_by_test_id("step-confirm"))
    page.wait_for_url(re.compile(r"/campaigns/participants/\d+/(#.*)?$"))
    assert page.get_by_test_id("state").inner_text() == "已申报"

    print(f"\n五好自评从工作台到申报（含 1 张照片）：{you.count} 次操作")
    assert you.count <= SECRETARY_LIMIT


def _changes(you, page, changes) -> dict[str, str]:
    """Change each item to a value other than the one carried over, with the reason."""
    typed = {}
    for code, reason in changes:
        box = page.locator(f"input[name='{code}-value']")
        typed[code] = "0" if box.input_value() not in ("0", "0.0") else "1"
        you.type(box, typed[code])
        you.type(page.locator(f"input[name='{code}-reason']"), reason)
    return typed


def _prepare_review(participant_pk):
    """Outside the counted way: the township recommends, the county's review phase opens and
    the sample includes this participant."""
    from campaigns.models import Participant, PhaseKind
    from campaigns.workflow import transition
    from tests.campaigns.helpers import open_phase

    participant = Participant.objects.get(pk=participant_pk)
    staff = participant.verification_sheet.created_by
    transition(participant, "recommend", actor=staff)
    open_phase(participant.campaign, PhaseKind.REVIEW)
    Participant.objects.filter(pk=participant_pk).update(sampled=True)


def test_the_township_verifies_and_the_county_reviews_by_changing_only_what_differs(login, demo_site):
    from campaigns.models import Participant, State

    page = login("guanxing")
    you = Counter(page)
    card = page.get_by_test_id("campaign-tasks").locator("li", has_text=WUHAO)
    first = card.locator("[data-testid^=task-open-]").first
    participant_pk = int(first.get_attribute("data-testid").rsplit("-", 1)[1])
    you.tap(first)  # 验收: opens the verification sheet, filled with the self-assessment
    page.wait_for_url(re.compile(r"/scoring/sheets/\d+/$"))
    assert page.get_by_test_id("carried-1.2").inner_text() == "沿用自评"
    township = _changes(you, page, [("1.2", "支委会记录不全"), ("1.3", "未组建突击队"), ("3.4", "改厕闲置")])
    you.tap(page.get_by_test_id("sheet-next"))  # 作出验收结论…
    page.wait_for_url(re.compile(r"/steps/verification/$"))
    table = page.get_by_test_id("step-differences").inner_text()
    assert "支委会记录不全" in table and "未组建突击队" in table and "改厕闲置" in table
    shot(page, "verification_confirm", full_page=False)
    you.tap(page.get_by_test_id("step-confirm"))  # 验收通过 (查阅资料 ticked already)
    page.wait_for_url(re.compile(r"/campaigns/participants/\d+/(#.*)?$"))
    assert Participant.objects.get(pk=participant_pk).state == State.VERIFIED
    levels = page.get_by_test_id("level-comparison").inner_text()
    assert "理由：支委会记录不全" in levels and "理由：改厕闲置" in levels
    print(f"\n镇党委验收（改 3 项并写明理由）：{you.count} 次操作")
    assert you.count <= VERIFIER_LIMIT

    _prepare_review(participant_pk)
    page = login("county")
    you = Counter(page)
    you.tap(page.get_by_test_id(f"task-open-{participant_pk}"))  # 复核
    page.wait_for_url(re.compile(r"/scoring/sheets/\d+/$"))
    assert page.get_by_test_id("carried-1.1").inner_text() == "沿用镇验收"
    assert page.locator("input[name='1.2-value']").input_value() == township["1.2"]  # the township's points
    _changes(you, page, [("1.4", "带富成效一般"), ("2.2", "规划未经讨论"), ("4.1", "服务记录不全")])
    you.tap(page.get_by_test_id("sheet-next"))  # 作出复核结论…
    page.wait_for_url(re.compile(r"/steps/review/$"))
    assert "带富成效一般" in page.locator("#review-comment").input_value()  # drafted from the reasons
    you.tap(page.get_by_test_id("step-confirm"))  # 按复核评分调整
    page.wait_for_url(re.compile(r"/campaigns/participants/\d+/(#.*)?$"))
    assert Participant.objects.get(pk=participant_pk).state == State.REVIEWED
    levels = page.get_by_test_id("level-comparison").inner_text()
    assert "理由：带富成效一般" in levels and "理由：支委会记录不全" in levels
    shot(page, "level_comparison", full_page=True)
    print(f"\n县委复核（改 3 项并写明理由）：{you.count} 次操作")
    assert you.count <= VERIFIER_LIMIT
