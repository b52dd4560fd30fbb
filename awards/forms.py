from datetime import timedelta

from django import forms

from branches.forms import CrispyFormMixin
from campaigns.forms import PublicObjectionForm
from common.dates import demo_year, today
from common.numbers import plain_int

from .models import Nomination, Subject
from .rules import Vote
from .services import candidates_for, nominating_units_for

NUMBER_ERRORS = {
    "invalid": "请填写整数。",
    "min_value": "不能小于 %(limit_value)s。",
    "max_value": "不能大于 %(limit_value)s。",
    "required": "请填写。",
}


class PlainIntegerField(forms.IntegerField):
    """A whole number in ASCII digits: Django's field reads "٣" as 3, which nobody typing a count means."""

    def to_python(self, value):
        if value not in self.empty_values and plain_int(value, max_digits=18) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def _count(label, *, low=0, high=999, required=True, **kwargs):
    return PlainIntegerField(
        label=label, min_value=low, max_value=high, required=required, error_messages=NUMBER_ERRORS, **kwargs
    )


def _date(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写有效的日期。", "required": "请填写日期。"},
        **kwargs,
    )


class SelectionForm(CrispyFormMixin, forms.Form):
    submit_label = "发起评选"
    year = forms.TypedChoiceField(label="年度", coerce=int)
    subject = forms.ChoiceField(label="评选对象", choices=Subject.choices)
    honour = forms.CharField(label="荣誉称号", max_length=40, help_text="如：优秀党支部书记")
    title = forms.CharField(label="评选名称", max_length=100, help_text="如：2026年度优秀党支部书记评选")
    quota = _count("名额", low=1)
    per_nominator_quota = _count("每个推荐单位限报（选填）", low=1, required=False)
    nomination_deadline = _date("推荐截止日期")
    publicity_days = _count("公示天数", low=5, high=30, initial=5, help_text="5—30 天")
    objection_contact = forms.CharField(
        label="异议受理方式", max_length=200, required=False, help_text="公示页显示，如：县委组织部 电话 0000-1234567"
    )
    nominating_units = forms.ModelMultipleChoiceField(
        label="推荐单位",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个推荐单位。", "invalid_choice": "所选推荐单位不在本单位范围内。"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        year = demo_year()
        self.fields["year"].choices = [(y, f"{y}年") for y in (year - 1, year, year + 1)]
        self.fields["year"].initial = year
        units = nominating_units_for(user)
        self.fields["nominating_units"].queryset = units
        self.fields["nominating_units"].initial = list(units)
        self.fields["nomination_deadline"].initial = today() + timedelta(days=14)

    def clean_nomination_deadline(self):
        deadline = self.cleaned_data["nomination_deadline"]
        if deadline < today():
            raise forms.ValidationError("推荐截止日期不能早于今天。")
        return deadline


class NominationForm(CrispyFormMixin, forms.Form):
    submit_label = "提交推荐"
    candidate = forms.ModelChoiceField(
        label="推荐对象",
        queryset=None,
        empty_label="请选择",
        error_messages={"invalid_choice": "所选对象不在本单位范围内，不能推荐。", "required": "请选择推荐对象。"},
    )
    reason = forms.CharField(
        label="推荐理由",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text="写明主要事迹（10—1000 字）。",
        error_messages={
            "min_length": "推荐理由不少于 10 字。",
            "max_length": "推荐理由不能超过 1000 字（现有 %(show_value)d 字）。",
            "required": "请填写推荐理由。",
        },
    )

    def __init__(self, *args, selection, nominator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates_for(selection, nominator)
        if selection.subject == Subject.BRANCH:
            self.fields["candidate"].label_from_instance = lambda b: b.name
        else:
            # name, post and branch: enough to tell two namesakes apart, no phone or birth date
            self.fields["candidate"].label_from_instance = lambda m: (
                f"{m.name}（{m.branch.name}{m.get_post_display()}）"
            )


class DecisionForm(forms.Form):
    """The committee's meeting and one row of votes per candidate (fields ``for_<id>`` …)."""

    met_on = _date("评审会议日期")
    committee_size = _count("应到人数", low=1)
    present = _count("实到人数")

    def __init__(self, *args, nominations, **kwargs):
        super().__init__(*args, **kwargs)
        self.nominations = list(nominations)
        self.fields["met_on"].initial = today()
        for n in self.nominations:
            self.fields[f"for_{n.pk}"] = _count("赞成")
            self.fields[f"against_{n.pk}"] = _count("反对")
            self.fields[f"abstain_{n.pk}"] = _count("弃权")
            self.fields[f"chosen_{n.pk}"] = forms.BooleanField(label="拟表彰", required=False)
            self.fields[f"reason_{n.pk}"] = forms.CharField(
                label="当选理由",
                max_length=500,
                required=False,
                error_messages={"max_length": "当选理由不能超过 500 字。"},
            )

    def rows(self):
        """Per candidate: the nomination and its bound fields, for the table."""
        return [
            (n, [self[f"{name}_{n.pk}"] for name in ("for", "against", "abstain", "chosen", "reason")])
            for n in self.nominations
        ]

    def votes(self) -> dict[int, Vote]:
        data = self.cleaned_data
        return {
            n.pk: Vote(
                name=n.candidate_label,
                votes_for=data[f"for_{n.pk}"],
                against=data[f"against_{n.pk}"],
                abstain=data[f"abstain_{n.pk}"],
                chosen=data[f"chosen_{n.pk}"],
                reason=data[f"reason_{n.pk}"],
            )
            for n in self.nominations
        }


class PublicAwardObjectionForm(forms.Form):
    """The public notice's objection form: the campaigns' own fields (10—1000 字, an optional
    contact only the organiser sees), about one candidate on the list."""

    nomination = forms.ModelChoiceField(
        label="反映对象",
        queryset=Nomination.objects.none(),
        empty_label="请选择",
        error_messages={"invalid_choice": "所选对象不在本次公示名单中。", "required": "请选择反映对象。"},
    )
    content = PublicObjectionForm.base_fields["content"]
    contact = PublicObjectionForm.base_fields["contact"]

    def __init__(self, *args, listed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = listed
        self.fields["nomination"].label_from_instance = lambda n: n.candidate_label


class ObjectionResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="处理结果", choices=[("0", "不成立"), ("1", "成立（取消其表彰资格）")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(
        label="处理说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写处理说明。", "max_length": "处理说明不能超过 500 字。"},
    )


class ObjectionRecordForm(PublicAwardObjectionForm):
    """An objection received by letter, telephone or in person (来信来电), registered by the organiser."""

    received_on = _date("收到日期")
    field_order = ["nomination", "received_on", "content", "contact"]

    def __init__(self, *args, listed, **kwargs):
        super().__init__(*args, listed=listed, **kwargs)
        self.fields["received_on"].initial = today()
