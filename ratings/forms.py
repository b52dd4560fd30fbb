"""Forms of the rating pages. The per-member item values are read by ``typed_values`` (one input
per member and item, too many for a form class); the meeting and the township's return are forms."""

import re

from django import forms

from branches.forms import CrispyFormMixin

MAX_ATTENDANCE = 100000  # a branch has far fewer members; larger numbers would overflow the column


class DecisionForm(CrispyFormMixin, forms.Form):
    submit_label = "记录大会决定并报镇党委审批"
    # rendered inside the rating form (its revision and every member's values go with it), not a form of its own

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []

    meeting_on = forms.DateField(
        label="支部党员大会日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )
    meeting_attendance = forms.IntegerField(
        label="到会党员人数",
        min_value=0,
        max_value=MAX_ATTENDANCE,
        required=False,
        error_messages={"max_value": "到会党员人数不能多于本支部参加评定的党员人数。", "invalid": "请填写整数。"},
    )
    meeting_result = forms.CharField(
        label="大会决定",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：表决通过，同意 20 票、不同意 0 票、弃权 1 票"}),
        error_messages={"max_length": "不能超过 300 字。"},
    )


class ReturnForm(CrispyFormMixin, forms.Form):
    submit_label = "退回党支部"
    reason = forms.CharField(
        label="退回理由",
        max_length=300,
        error_messages={"required": "请写明退回理由。", "max_length": "不能超过 300 字。"},
    )


VALUE_KEY = re.compile(r"^v-(\d{1,12})-(\d{1,3}(?:\.\d{1,3}){0,2})$")


def typed_values(post) -> dict:
    """What the page sent for each member and item: (member id, code) → (value, reason); value None
    where it was left as pre-filled when the page was drawn (``p-`` holds that), so it follows the
    records should they change before the save. Every member sent is read (the service refuses those
    who may not be rated here)."""
    typed = {}
    for key in post:
        match = VALUE_KEY.match(key)
        if not match:
            continue
        suffix = f"{match[1]}-{match[2]}"
        # whole, never cut: the rules refuse what is too long, and say so
        value = post.get(key, "")
        reason = post.get(f"r-{suffix}", "")
        left_as_drawn = value == post.get(f"p-{suffix}") and not reason.strip()
        typed[(int(match[1]), match[2])] = (None if left_as_drawn else value, reason)
    return typed
