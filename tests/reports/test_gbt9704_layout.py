"""The 通报, the 验收报告 and the 述职评议结果 on the demo data, measured on the page against
GB/T 9704-2012 within ±1 mm: A4; 天头 37 mm; 订口 28 mm on the left of odd pages and the right of even
ones (mirrored for double-sided printing); type area 156 × 225 mm; body 3号 (16 pt) set 28 characters
a line (character pitch 156 / 28 mm) and 22 lines a page (line pitch 225 / 22 mm); page numbers
4号 (14 pt) ``— N —`` with the dashes 7 mm below the type area and one character in from its outer
edge; the red masthead's upper edge 35 mm below the type area and the red separator the type area's
width; on the notices the 版记 at the foot of an even page, its last rule on the type area's edge.

Positions of text and rules come from pdfplumber; a line's place on the grid from its baseline (the
character's origin): an ideographic em box reaches 0.88 em above the baseline and 0.12 em below, and
sits in the middle of its 10.227 mm line. Where the standard speaks of ink (the dash, the masthead's
upper edge) the page is rendered at 300 dpi by pdftoppm and the pixels are read. ``FIGURES`` keeps
what was measured; the README lists it.
"""

import os
import re
import subprocess
from itertools import pairwise
from unittest import mock

import pdfplumber
import pytest
from django.core.management import call_command
from PIL import Image

from branches.models import User
from campaigns.models import Campaign
from common.dates import today
from duty_reports.models import DutyRound
from inspections.models import DocumentNumber, QuarterRanking
from inspections.services import notice_issue
from reports.models import JobStatus
from reports.services import job_execute, job_request

MM = 72 / 25.4  # PDF points per millimetre
DPI = 300
TOLERANCE = 1.0
TOP, BINDING, OUTER = 37.0, 28.0, 26.0
WIDTH, HEIGHT = 156.0, 225.0
TYPE_BOTTOM = TOP + HEIGHT  # 262 mm
LINE_PITCH, CHAR_PITCH = HEIGHT / 22, WIDTH / 28
BODY = 16 / MM  # a 3号 character, 5.644 mm
ONE_CHARACTER = 14 / MM  # a 4号 character beside the page number, 4.94 mm

# An opening as a township writes it at length: two paragraphs that fill a page of running text.
LONG_OPENING = (
    "为深入贯彻落实新时代党的组织路线，推动“三会一课”、主题党日、组织生活会、谈心谈话和民主评议党员等"
    "组织生活制度在各村党组织落地落实，进一步严肃党内政治生活，增强党组织的政治功能和组织功能，镇党委"
    "按照年度工作安排，组成三个督查组，采取查阅会议记录、抽查影像资料、个别访谈党员群众和现场察看活动"
    "阵地相结合的方式，对全镇各村党组织本季度组织生活开展情况进行了督查评比，逐项核对会议次数、参会"
    "人数、学习内容和整改落实情况，并按照督查评分细则逐村打分排名。\n"
    "从督查情况看，多数村党组织能够按照要求召开支部党员大会、支委会和党小组会，按时上好党课，主题党日"
    "活动形式有所创新，党员参与热情有所提高，组织生活记录规范完整，整改措施具体可行；但也有少数村党组织"
    "存在会议记录不全、学习内容空泛、党员参会率偏低、活动照片和签到表缺失、整改不及时不彻底等问题，"
    "个别村党组织书记抓党建工作的意识还不够强，对组织生活制度的执行还停留在应付检查的层面，需要引起"
    "高度重视，认真加以整改。\n"
    "为巩固督查成果，镇党委要求各村党组织对照督查反馈的问题清单逐条建立整改台账，明确整改责任人、整改"
    "措施和完成时限，做到问题不解决不放过、整改不到位不销号；镇党建办要加强跟踪问效，对整改进度滞后的村"
    "党组织及时提醒督促，对敷衍整改、虚假整改的严肃追责问责，确保各项组织生活制度真正落到实处、取得实效，"
    "切实把基层党组织建设成为宣传党的主张、贯彻党的决定、领导基层治理、团结动员群众、推动改革发展的坚强"
    "战斗堡垒。\n"
    "下一步，镇党委将把组织生活制度落实情况纳入村党组织书记抓基层党建工作述职评议和年度考核的重要内容，"
    "与党支部标准化规范化建设、星级党支部评定、村干部绩效报酬发放挂钩，实行季度督查、半年讲评、年终总评；"
    "对连续两个季度排名后三位的村党组织，由镇党委班子成员包村蹲点指导，帮助查找问题根源、制定整改方案，"
    "对工作长期滞后、整改不力的村党组织书记，按照有关规定进行约谈或组织调整，切实以督查促落实、以落实"
    "见成效，推动全镇基层党建工作整体提升、全面过硬。现将有关情况通报如下。"
)

FIGURES: dict[str, dict] = {}  # document -> what was measured, for the README
_MADE: dict = {}  # the PDFs are made once for the module's tests (seeding the demo takes a while)


def _make(username, kind, params, directory):
    with mock.patch("reports.services._enqueue"):
        job, _how = job_request(user=User.objects.get(username=username), kind=kind, params=params)
    job_execute(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    path = directory / f"{kind}.pdf"
    path.write_bytes(job.file.read())
    return path


@pytest.fixture
def documents(db, tmp_path_factory):
    """The demo's documents, made by the document jobs: a 督查通报 issued for 关兴镇's published
    quarter (with a long opening), 关兴镇's 验收报告 with a 文号 of its own, 煤山镇's 述职评议结果."""
    if not _MADE:
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        directory = tmp_path_factory.mktemp("gbt9704")
        guanxing = User.objects.get(username="guanxing")
        notice = notice_issue(
            ranking=QuarterRanking.objects.get(township__name="关兴镇"), actor=guanxing, opening=LONG_OPENING
        )
        campaign = Campaign.objects.get(township__name="关兴镇", title__contains="标准化")
        duty_round = DutyRound.objects.get(township__name="煤山镇")
        _MADE["notice"] = _make("guanxing", "notice", {"notice": notice.pk}, directory)
        _MADE["report"] = _make(
            "guanxing", "verification_report", {"campaign": campaign.pk, "numbered": "1"}, directory
        )
        _MADE["result"] = _make("meishan", "duty_round_result", {"duty_round": duty_round.pk}, directory)
        _MADE["expected"] = [
            (r.branch.name, r.secretary_name, str(r.score), r.get_tier_display())
            for r in duty_round.reports.select_related("branch")
        ]
        numbers = DocumentNumber.objects.filter(issuer="关党发", year=today().year).order_by("serial")
        _MADE["numbers"] = [(str(n), n.purpose) for n in numbers]  # (the tests after the first see no database)
    return _MADE


DOCUMENTS = ("notice", "report", "result")


def _mm(points: float) -> float:
    return points / MM


def _rendered(path, number: int) -> Image.Image:
    stem = path.with_name(f"{path.stem}-page-{number}")
    if not stem.with_suffix(".png").exists():
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-f", str(number), "-l", str(number), "-singlefile", "-png", path, stem],
            check=True,
        )
    return Image.open(stem.with_suffix(".png")).convert("RGB")


def _ink_rows(image, *, x_mm, y_mm, is_ink) -> list[float]:
    """The rows (mm from the top) with ink in the box, ``is_ink`` deciding per pixel."""
    pixels, per_mm = image.load(), DPI / 25.4
    xs = range(int(x_mm[0] * per_mm), int(x_mm[1] * per_mm))
    return [
        y / per_mm for y in range(int(y_mm[0] * per_mm), int(y_mm[1] * per_mm)) if any(is_ink(pixels[x, y]) for x in xs)
    ]


def _dark(pixel) -> bool:
    return sum(pixel) < 300


def _red(pixel) -> bool:
    red, green, blue = pixel
    return red > 180 and green < 90 and blue < 90


def _type_area(number: int) -> tuple[float, float]:
    """The type area's left and right edges: the binding margin on the left of odd pages."""
    left = BINDING if number % 2 else OUTER
    return left, left + WIDTH


def _baseline(char) -> float:
    """The character's baseline, mm from the top of the page (its origin in the text matrix)."""
    return 297 - _mm(char["matrix"][5])


def _body_lines(page) -> list[list[dict]]:
    """The page's lines of 3号 body text inside the type area, top to bottom, each its characters."""
    lines: dict[float, list] = {}
    for char in page.chars:
        if abs(char["size"] - 16) < 0.5 and _mm(char["top"]) < TYPE_BOTTOM and not char["text"].isspace():
            lines.setdefault(round(_baseline(char), 1), []).append(char)
    return [sorted(chars, key=lambda c: c["x0"]) for _y, chars in sorted(lines.items())]


def _grid_top(line) -> float:
    """The top of the grid line holding this line: its em box is centred in the 10.227 mm line."""
    return _baseline(line[0]) - 0.88 * BODY - (LINE_PITCH - BODY) / 2


def _full_width(text: str) -> bool:
    return all(not ch.isascii() for ch in text)


def _measure(path) -> dict:
    figures = {"pages": 0, "top": [], "left": [], "right": [], "bottom": [], "line_pitch": [], "char_pitch": []}
    figures |= {"full_lines": [], "full_width": [], "lines_per_full_page": [], "page_number_gap": []}
    figures["page_number_in"], figures["full_page_bottom"] = [], []
    figures["page_number_size"] = set()
    with pdfplumber.open(path) as pdf:
        figures["pages"] = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            assert abs(_mm(page.width) - 210) < 0.1 and abs(_mm(page.height) - 297) < 0.1
            left, right = _type_area(number)
            lines = _body_lines(page)
            inside = [c for c in page.chars if _mm(c["top"]) < TYPE_BOTTOM]
            if inside:
                figures["left"].append(_mm(min(c["x0"] for c in inside)) - left)
                figures["right"].append(right - _mm(max(c["x1"] for c in inside)))
            edges = [e for e in page.edges if e["orientation"] == "h"]
            if lines and (not edges or _baseline(lines[0][0]) < _mm(min(e["top"] for e in edges))):
                if number > 1:  # page 1 starts with the masthead
                    figures["top"].append(_grid_top(lines[0]))
            elif edges and number > 1 and _mm(min(e["top"] for e in edges)) < TOP + LINE_PITCH:
                figures["top"].append(_mm(min(e["top"] for e in edges)))  # a table carried over: its upper rule
            for upper, lower in pairwise(lines):
                gap = _baseline(lower[0]) - _baseline(upper[0])
                if gap < LINE_PITCH * 1.5:  # consecutive lines of running text
                    figures["line_pitch"].append(gap)
            running = [line for line in lines if abs(_mm(line[0]["x0"]) - left) <= TOLERANCE]
            for line in running:  # a full line: no room left for one more character
                if _mm(line[-1]["x1"]) < right - CHAR_PITCH + 0.5:
                    continue
                figures["full_width"].append(_mm(line[-1]["x0"] - line[0]["x0"]) + CHAR_PITCH)
                figures["char_pitch"] += [
                    _mm(b["x0"] - a["x0"]) for a, b in pairwise(line) if _full_width(a["text"] + b["text"])
                ]
                if _full_width("".join(c["text"] for c in line)):
                    figures["full_lines"].append(len(line))
            indented = [line for line in lines if abs(_mm(line[0]["x0"]) - left - 2 * CHAR_PITCH) <= TOLERANCE]
            only_text = not edges and len(running) + len(indented) == len(lines)
            last_full = lines and _mm(lines[-1][-1]["x1"]) >= right - CHAR_PITCH + 0.5
            if only_text and last_full and 1 < number < len(pdf.pages):  # running text goes on overleaf
                figures["lines_per_full_page"].append(len(lines))  # a page of running text only
                figures["full_page_bottom"].append(_grid_top(lines[-1]) + LINE_PITCH)
            if lines:
                figures["bottom"].append(TYPE_BOTTOM - (_baseline(lines[-1][-1]) + 0.12 * BODY))
            numbers = [c for c in page.chars if _mm(c["top"]) > TYPE_BOTTOM]
            assert "".join(c["text"] for c in numbers).replace(" ", "") == f"—{number}—", number
            figures["page_number_size"] |= {round(c["size"], 1) for c in numbers}
            if number % 2:  # odd pages at the right, one character in
                figures["page_number_in"].append(right - _mm(max(c["x1"] for c in numbers)))
            else:
                figures["page_number_in"].append(_mm(min(c["x0"] for c in numbers)) - left)
            dash = numbers[0]
            rows = _ink_rows(
                _rendered(path, number),
                x_mm=(_mm(dash["x0"]), _mm(dash["x1"])),
                y_mm=(TYPE_BOTTOM, 297),
                is_ink=_dark,
            )
            figures["page_number_gap"].append(rows[0] - TYPE_BOTTOM)
    return figures


@pytest.fixture
def measured(documents):
    for name in DOCUMENTS:
        if name not in FIGURES:
            FIGURES[name] = _measure(documents[name])
    return FIGURES


@pytest.mark.parametrize("name", DOCUMENTS)
def test_margins_and_type_area(measured, name):
    """天头 37 mm, 订口 28 mm (mirrored), nothing past the 156 × 225 mm type area."""
    figures = measured[name]
    assert figures["top"], "no page but the first to measure the 天头 on"
    assert all(abs(top - TOP) <= TOLERANCE for top in figures["top"]), figures["top"]
    assert all(-TOLERANCE <= gap for gap in figures["left"] + figures["right"]), (figures["left"], figures["right"])
    assert min(figures["left"]) <= TOLERANCE  # the text starts at the 订口's edge (odd) or the outer one
    assert all(gap >= -TOLERANCE for gap in figures["bottom"]), figures["bottom"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_28_characters_a_line_and_22_lines_a_page(measured, name):
    figures = measured[name]
    assert figures["line_pitch"] and all(abs(p - LINE_PITCH) <= 0.05 for p in figures["line_pitch"])
    assert round(HEIGHT / (sum(figures["line_pitch"]) / len(figures["line_pitch"]))) == 22
    assert figures["char_pitch"] and all(abs(p - CHAR_PITCH) <= 0.05 for p in figures["char_pitch"])
    # every full line ends in the type area's last character cell: a line of characters only
    # fills it exactly, one with half-width numerals stops short by less than a character
    assert figures["full_width"] and all(WIDTH - CHAR_PITCH < w <= WIDTH + TOLERANCE for w in figures["full_width"])
    if name == "notice":  # a line of characters only holds exactly 28
        assert figures["full_lines"] and set(figures["full_lines"]) == {28}, figures["full_lines"]


def test_a_page_of_running_text_holds_22_lines(measured):
    """The notice's long opening fills page 2 with running text: 22 lines, the last on the type
    area's lower edge."""
    assert measured["notice"]["lines_per_full_page"] and set(measured["notice"]["lines_per_full_page"]) == {22}
    assert all(abs(bottom - TYPE_BOTTOM) <= TOLERANCE for bottom in measured["notice"]["full_page_bottom"])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_page_numbers_4hao_7mm_below_one_character_in(measured, name):
    figures = measured[name]
    assert figures["page_number_size"] == {14.0}
    assert all(abs(gap - 7) <= TOLERANCE for gap in figures["page_number_gap"]), figures["page_number_gap"]
    assert all(abs(inset - ONE_CHARACTER) <= TOLERANCE for inset in figures["page_number_in"])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_red_masthead_is_centred_35mm_below_the_type_area(documents, name):
    path = documents[name]
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        red = [
            c for c in page.chars if c["non_stroking_color"] and _red([v * 255 for v in c["non_stroking_color"][:3]])
        ]
        masthead = "".join(c["text"] for c in red)
        assert masthead in ("中共关兴镇委员会", "中共煤山镇委员会")
        centre = (_mm(min(c["x0"] for c in red)) + _mm(max(c["x1"] for c in red))) / 2
        assert abs(centre - (BINDING + WIDTH / 2)) <= TOLERANCE, centre
        x0, x1 = _mm(min(c["x0"] for c in red)), _mm(max(c["x1"] for c in red))
        masthead_bottom = _mm(max(c["bottom"] for c in red))
        rules = [r for r in page.rects if r["non_stroking_color"] and r["non_stroking_color"][0] > 0.8]
    rows = _ink_rows(_rendered(path, 1), x_mm=(x0, x1), y_mm=(TOP, masthead_bottom + 2), is_ink=_red)
    assert rows and abs(rows[0] - (TOP + 35)) <= TOLERANCE, rows[:1]
    assert any(abs(_mm(r["x1"] - r["x0"]) - WIDTH) <= TOLERANCE for r in rules)  # the red separator


@pytest.mark.parametrize("name", ("notice", "result"))
def test_notices_end_with_the_banji_on_an_even_page(documents, name):
    """版记: 抄送 and 印发机关/印发日期 between a 0.35 mm rule, a 0.25 mm one and a 0.35 mm one the type
    area's width, the last on the type area's lower edge, on the last page, which is even."""
    with pdfplumber.open(documents[name]) as pdf:
        assert len(pdf.pages) % 2 == 0
        number = len(pdf.pages)
        text = pdf.pages[-1].extract_text()
    assert "抄送：青山县委组织部。" in text
    assert re.search(r"中共(关兴|煤山)镇委员会党政办公室 \d{4}年\d{1,2}月\d{1,2}日印发", text), text
    left, right = _type_area(number)
    image, per_mm = _rendered(documents[name], number), DPI / 25.4
    pixels, xs = image.load(), range(int((left + 1) * per_mm), int((right - 1) * per_mm), 7)
    across = [
        y / per_mm
        for y in range(int(150 * per_mm), int((TYPE_BOTTOM + 3) * per_mm))
        if all(_dark(pixels[x, y]) for x in xs)
    ]
    rules: list[list[float]] = []  # runs of rows inked across the whole type area
    for row in across:
        if rules and row - rules[-1][-1] < 2 / per_mm:
            rules[-1].append(row)
        else:
            rules.append([row])
    heights = [len(rows) / per_mm for rows in rules]
    assert len(rules) == 3 and [round(h, 1) for h in heights] in ([0.3, 0.2, 0.3], [0.3, 0.3, 0.3], [0.4, 0.3, 0.4]), (
        heights
    )
    assert heights[1] < heights[0] and heights[1] < heights[2]  # thin between two thick
    assert abs(rules[-1][-1] - TYPE_BOTTOM) <= TOLERANCE


def test_titles_break_between_words_in_balanced_lines(documents):
    """The report's title breaks between words, outside the bracket of “（演示）”, in two lines of
    which the upper is not the longer (梯形); the notice carries its own 文号, the report the
    township's next one."""
    with pdfplumber.open(documents["report"]) as pdf:
        page = pdf.pages[0]
        title = [line["text"] for line in page.extract_text_lines() if abs(line["chars"][0]["size"] - 22) < 0.5]
        text = page.extract_text()
    assert title == ["关于2026年关兴镇党支部建设标准化", "对标创建（演示）考核验收情况的报告"]
    *_earlier, (notice_number, _purpose), (report_number, purpose) = documents["numbers"]
    assert report_number in text and purpose.endswith("验收报告")  # the township's next number ...
    assert (
        int(report_number.split("〕")[1][:-1]) == int(notice_number.split("〕")[1][:-1]) + 1
    )  # ... after the notice's


def test_the_pdf_names_each_secretarys_tier(documents):
    path, expected = documents["result"], documents["expected"]
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    lines = [re.sub(r"\s+", " ", line) for line in text.splitlines()]
    assert len(expected) == 11
    for branch, secretary, score, tier in expected:
        assert any(f"{branch} {secretary} {score} {tier}" in line for line in lines), (branch, secretary, score, tier)
    assert "差1名" in text.replace(" ", "") and "待约谈" in text and "已约谈" in text
