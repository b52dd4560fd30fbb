"""The 述职评议结果 PDF on the demo data, measured on the page against GB/T 9704-2012 (±1 mm):
A4, 天头 37 mm, 订口 28 mm (on the left of odd pages, the right of even ones), type area
156 × 225 mm, body in 3号 (16 pt), the red masthead's upper edge 35 mm below the type area,
page numbers in 4号 (14 pt) ``— N —`` with the dashes 7 mm below the type area and one
character in from its outer edge. Positions of text and rules come from pdfplumber; where
the standard speaks of ink (the dash, the masthead's upper edge) the page is rendered at
300 dpi by pdftoppm and the pixels are read."""

import os
import re
import subprocess
from unittest import mock

import pdfplumber
import pytest
from django.core.management import call_command
from PIL import Image

from branches.models import User
from duty_reports.models import DutyRound
from reports.models import JobStatus
from reports.services import job_execute, job_request

MM = 72 / 25.4  # PDF points per millimetre
DPI = 300
TOLERANCE = 1.0
TOP, BINDING, OUTER = 37.0, 28.0, 26.0
WIDTH, HEIGHT = 156.0, 225.0
TYPE_BOTTOM = TOP + HEIGHT  # 262 mm
ONE_CHARACTER = 14 / MM  # a 4号 character beside the page number, 4.94 mm


_MADE: dict = {}  # the PDF is made once for the module's tests (seeding the demo takes a while)


@pytest.fixture
def result(db, tmp_path_factory):
    """The demo's published 煤山镇 round, its PDF made by the document job, and what it should name."""
    if not _MADE:
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        duty_round = DutyRound.objects.get(township__name="煤山镇")
        with mock.patch("reports.services._enqueue"):
            job, _how = job_request(
                user=User.objects.get(username="meishan"),
                kind="duty_round_result",
                params={"duty_round": duty_round.pk},
            )
        job_execute(job.pk, worker="test")
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        path = tmp_path_factory.mktemp("gbt9704") / "result.pdf"
        path.write_bytes(job.file.read())
        _MADE["path"] = path
        _MADE["expected"] = [
            (r.branch.name, r.secretary_name, str(r.score), r.get_tier_display())
            for r in duty_round.reports.select_related("branch")
        ]
    return _MADE["path"], _MADE["expected"]


def _mm(points: float) -> float:
    return points / MM


def _rendered(path, number: int) -> Image.Image:
    stem = path.with_name(f"page-{number}")
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


def _edges_x(page) -> tuple[float, float]:
    return _mm(min(e["x0"] for e in page.edges)), _mm(max(e["x1"] for e in page.edges))


def _type_area(number: int) -> tuple[float, float]:
    """The type area's left and right edges: the binding margin on the left of odd pages."""
    left = BINDING if number % 2 else OUTER
    return left, left + WIDTH


def test_the_pages_are_a4_and_the_rules_span_the_type_area(result):
    path, _expected = result
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2
        for number, page in enumerate(pdf.pages, start=1):
            assert abs(_mm(page.width) - 210) < 0.1 and abs(_mm(page.height) - 297) < 0.1
            left, right = _type_area(number)
            body = [c for c in page.chars if _mm(c["top"]) < TYPE_BOTTOM]
            text = [c for c in body if abs(c["size"] - 16) < 0.5]
            if text:  # the body's lines start at the type area's edge and end within it
                assert abs(_mm(min(c["x0"] for c in text)) - left) <= TOLERANCE, number
                assert _mm(max(c["x1"] for c in text)) <= right + TOLERANCE, number
            assert (
                left - TOLERANCE <= _mm(min(c["x0"] for c in body))
                and _mm(max(c["x1"] for c in body)) <= right + TOLERANCE
            )
            assert _mm(max(c["bottom"] for c in body)) <= TYPE_BOTTOM + TOLERANCE, number
            if page.edges:  # the tables are the type area's width: 订口 28 mm, 版心 156 mm
                x0, x1 = _edges_x(page)
                assert abs(x0 - left) <= TOLERANCE and abs(x1 - x0 - WIDTH) <= TOLERANCE, (number, x0, x1)


def test_a_table_continued_on_the_next_page_starts_37mm_down_and_fills_to_262mm(result):
    """天头 37 mm: the repeated header row's upper rule on page 2; 版心 225 mm: page 1's table runs
    to within one row of the type area's bottom edge (37 + 225 = 262 mm) and not past it."""
    path, _expected = result
    with pdfplumber.open(path) as pdf:
        first, second = pdf.pages[0], pdf.pages[1]
        assert abs(_mm(min(e["top"] for e in second.edges)) - TOP) <= TOLERANCE
        header = second.extract_text().splitlines()[0]
        assert "序号" in header and "等次" in header  # the header row is repeated
        lowest = _mm(max(e["bottom"] for e in first.edges))
        assert TYPE_BOTTOM - 12 < lowest <= TYPE_BOTTOM + TOLERANCE, lowest


def test_the_body_is_set_in_16pt(result):
    path, _expected = result
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        addressee = [c for c in page.chars if c["text"] in "各村（社区）党组织："][:5]
        line = next(line for line in page.extract_text_lines() if line["text"].startswith("各村"))
        sizes = {round(c["size"], 1) for c in line["chars"]}
        assert addressee and sizes == {16.0}, sizes
        paragraph = [c for c in page.chars if abs(c["size"] - 16) < 0.5]
        assert len(paragraph) > 100  # the opening paragraph, not a stray line


def test_the_page_numbers_are_14pt_7mm_below_the_type_area_one_character_in(result):
    path, _expected = result
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if _mm(c["top"]) > TYPE_BOTTOM]
            assert "".join(c["text"] for c in chars).replace(" ", "") == f"—{number}—", number
            assert {round(c["size"], 1) for c in chars} == {14.0}
            left, right = _type_area(number)
            if number % 2:  # odd pages at the right, one character in
                assert abs(_mm(max(c["x1"] for c in chars)) - (right - ONE_CHARACTER)) <= TOLERANCE
            else:
                assert abs(_mm(min(c["x0"] for c in chars)) - (left + ONE_CHARACTER)) <= TOLERANCE
            dash = chars[0]
            rows = _ink_rows(
                _rendered(path, number),
                x_mm=(_mm(dash["x0"]), _mm(dash["x1"])),
                y_mm=(TYPE_BOTTOM, 297),
                is_ink=_dark,
            )
            # 一字线上距版心下边缘 7 mm
            assert rows and abs(rows[0] - (TYPE_BOTTOM + 7)) <= TOLERANCE, (number, rows[:1])


def test_the_red_masthead_is_centred_35mm_below_the_type_area(result):
    path, _expected = result
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        red = [
            c for c in page.chars if c["non_stroking_color"] and _red([v * 255 for v in c["non_stroking_color"][:3]])
        ]
        assert "".join(c["text"] for c in red) == "中共煤山镇委员会"
        centre = (_mm(min(c["x0"] for c in red)) + _mm(max(c["x1"] for c in red))) / 2
        assert abs(centre - (BINDING + WIDTH / 2)) <= TOLERANCE, centre
        x0 = _mm(min(c["x0"] for c in red))
        x1 = _mm(max(c["x1"] for c in red))
        masthead_bottom = _mm(max(c["bottom"] for c in red))
    rows = _ink_rows(_rendered(path, 1), x_mm=(x0, x1), y_mm=(TOP, masthead_bottom + 2), is_ink=_red)
    assert rows and abs(rows[0] - (TOP + 35)) <= TOLERANCE, rows[:1]
    # the red separator below it, the type area's width
    with pdfplumber.open(path) as pdf:
        rules = [r for r in pdf.pages[0].rects if r["non_stroking_color"] and r["non_stroking_color"][0] > 0.8]
    assert any(abs(_mm(r["x1"] - r["x0"]) - WIDTH) <= TOLERANCE for r in rules)


def test_the_pdf_names_each_secretarys_tier(result):
    path, expected = result
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    lines = [re.sub(r"\s+", " ", line) for line in text.splitlines()]
    assert len(expected) == 11
    for branch, secretary, score, tier in expected:
        assert any(f"{branch} {secretary} {score} {tier}" in line for line in lines), (branch, secretary, score, tier)
    assert "差1名" in text.replace(" ", "") and "待约谈" in text and "已约谈" in text
