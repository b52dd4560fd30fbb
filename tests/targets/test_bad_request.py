"""A document asked for with a year out of range answers 400 in Chinese with the product's reason
(Django's own 400 page is English: 'Bad Request (400)')."""

from django.urls import reverse


def test_a_bad_year_on_the_boards_export_answers_in_chinese(client_for, cast):
    response = client_for(cast.users["county_reviewer"]).post(
        reverse("reports:job_new"), {"kind": "target_board_xlsx", "year": "99999"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and "年度应为" in page and "Bad Request" not in page
