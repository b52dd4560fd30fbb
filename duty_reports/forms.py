from django import forms

from branches.forms import CrispyFormMixin
from common.dates import demo_year, today

from .models import VoteGroup
from .tiers import MAX_PEOPLE, Ballots

NUMBER_ERRORS = {
    "invalid": "请填写整数。",
    "required": "请填写。",
    "min_value": "不能小于 %(limit_value)s。",
    "max_value": "不能大于 %(limit_value)s。",
}
DECIMAL_ERRORS = {
    **NUMBER_ERRORS,
    "invalid": "请填写数字。",
    "max_digits": "最多 5 位数字。",
    "max_decimal_places": "最多两位小数。",
}


def _percent(label, initial):
    return forms.IntegerField(label=label, min_value=0, max_value=100, initial=initial, error_messages=NUMBER_ERRORS)


def _points(label, initial):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=initial,
        error_messages=DECIMAL_ERRORS,
    )


class RoundForm(CrispyFormMixin, forms.Form):
    submit_label = "开启述职评议"
    year = forms.IntegerField(label="年度", error_messages=NUMBER_ERRORS)
    weight_members = _percent("党员代表权重（%）", 40)
    weight_masses = _percent("群众代表权重（%）", 30)
    weight_committee = _percent("镇党委权重（%）", 30)
    threshold_good = _points("“好”最低加权得分", 90)
    threshold_fair = _points("“较好”最低加权得分", 80)
    threshold_average = _points("“一般”最低加权得分", 60)
    poor_share = _points("“差”票加权占比超过（%）即评为差", "33.33")
    report_deadline = forms.DateField(
        label="述职报告提交截止日期",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "请填写有效的日期。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this = today().year
        self.fields["year"].initial = demo_year()
        self.fields["year"].min_value = 2000
        self.fields["year"].max_value = this + 1
        self.fields["year"].validators = []
        self.fields["year"].error_messages["min_value"] = self.fields["year"].error_messages["max_value"] = (
            f"年度应为 2000 年至 {this + 1} 年之间的年份。"
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= today().year + 1:
            raise forms.ValidationError(f"年度应为 2000 年至 {today().year + 1} 年之间的年份。")
        return year


class ReportForm(forms.Form):
    text = forms.CharField(
        label="述职报告",
        widget=forms.Textarea(attrs={"rows": 22}),
        # the length is the service's to check, once the browser's CRLF line breaks count as one character
        error_messages={"required": "请填写述职报告。"},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


class MeetingForm(CrispyFormMixin, forms.Form):
    submit_label = "记录评议会已召开（述职报告随即锁定）"
    meeting_on = forms.DateField(
        label="评议会日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "请填写有效的日期。", "required": "请填写评议会日期。"},
    )
    meeting_place = forms.CharField(
        label="评议会地点", max_length=100, error_messages={"required": "请填写评议会地点。"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_on"].initial = today()


BALLOT_FIELDS = [
    ("group_size", "应到"),
    ("present", "实到"),
    ("good", "好"),
    ("fair", "较好"),
    ("average", "一般"),
    ("poor", "差"),
]


class VotesForm(forms.Form):
    """The three groups' counts for one report, 18 whole numbers; each group's arithmetic is checked
    (好 + 较好 + 一般 + 差 ≤ 实到 ≤ 应到) beside its row."""

    def __init__(self, *args, groups, initial_votes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        for group in groups:
            for name, label in BALLOT_FIELDS:
                vote = (initial_votes or {}).get(group)
                self.fields[f"{group}_{name}"] = forms.IntegerField(
                    label=f"{VoteGroup(group).label}·{label}",
                    min_value=0,
                    max_value=MAX_PEOPLE,
                    initial=getattr(vote, name, None),
                    error_messages=NUMBER_ERRORS,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}),
                )

    def rows(self):
        return [
            (VoteGroup(group).label, [self[f"{group}_{name}"] for name, _label in BALLOT_FIELDS])
            for group in self.groups
        ]

    def ballots(self) -> dict[str, Ballots]:
        data = self.cleaned_data
        return {
            group: Ballots(**{name: data[f"{group}_{name}"] for name, _l in BALLOT_FIELDS}) for group in self.groups
        }

    def clean(self):
        from .tiers import ballots_errors

        cleaned = super().clean()
        if self.errors:
            return cleaned
        for group, ballots in self.ballots().items():
            for name, message in ballots_errors(ballots).items():
                self.add_error(f"{group}_{name}", message)
        return cleaned


class InterviewForm(CrispyFormMixin, forms.Form):
    submit_label = "记录约谈"
    held_on = forms.DateField(
        label="约谈日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "请填写有效的日期。", "required": "请填写约谈日期。"},
    )
    interviewers = forms.CharField(label="约谈人", max_length=100, error_messages={"required": "请填写约谈人。"})
    points_raised = forms.CharField(
        label="指出的问题",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写指出的问题。"},
    )
    outcome = forms.CharField(
        label="约谈结果",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写约谈结果。"},
    )
    commitment = forms.CharField(
        label="书记整改承诺",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写书记整改承诺。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = today()

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > today():
            raise forms.ValidationError("约谈日期不能晚于今天。")
        return held_on
