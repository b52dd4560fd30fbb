from datetime import date

from crispy_forms.layout import HTML, Layout
from django import forms

from branches.forms import CrispyFormMixin
from branches.models import Member
from common.dates import today
from records.models import (
    ATTENDANCE_KINDS,
    AbsenceReason,
    DeedKind,
    DocumentKind,
    Education,
    LifeKind,
    OneShoulder,
    PledgeStatus,
    ProblemCategory,
    ThreeChains,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Optional photos (or scans): checked by content when stored, never a required number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        kwargs.setdefault("help_text", "可选，可多张；JPEG、PNG 照片或 PDF。")
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OrganisationalLifeForm(CrispyFormMixin, forms.Form):
    submit_label = "记录"
    kind = forms.ChoiceField(label="类型", choices=LifeKind.choices)
    held_on = forms.DateField(label="日期", widget=DateInput())
    topic = forms.CharField(label="主题", max_length=200)
    attendees = forms.ModelMultipleChoiceField(
        label="参加党员",
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    absence_note = forms.CharField(label="缺席补充说明（可选）", max_length=300, required=False)
    minutes = forms.CharField(
        label="会议记录（可选）", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label="照片")

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        # who has left is listed for the meetings of the year before too, then drops off the roll
        roll = branch.members.exclude(left_on__lt=date(today().year - 1, 1, 1))
        self.members = list(roll.order_by("name"))
        self.fields["attendees"].queryset = roll
        # one reason per member, asked only of those unticked (三会一课 records list who was away and why)
        for member in self.members:
            self.fields[self.reason_field(member)] = forms.ChoiceField(
                label=f"{member.name} 缺席原因",
                choices=[("", "缺席原因"), *AbsenceReason.choices],
                required=False,
            )
        self.helper.layout = Layout(
            "kind",
            "held_on",
            "topic",
            HTML('{% include "records/_attendance.html" %}'),
            "absence_note",
            "minutes",
            "photos",
        )

    @staticmethod
    def reason_field(member) -> str:
        return f"reason_{member.pk}"

    def attendance_rows(self):
        """(member, ticked, reason field) for the attendance list."""
        if self.is_bound:
            ticked = {str(pk) for pk in self.data.getlist("attendees")}
        else:
            ticked = {str(m.pk) for m in self.initial.get("attendees", [])}
        return [(member, str(member.pk) in ticked, self[self.reason_field(member)]) for member in self.members]

    def clean(self):
        data = super().clean()
        held_on = data.get("held_on")
        if held_on is not None and data.get("attendees") is not None:
            # a member who had left by the day was neither there nor away (the list ticks everyone)
            data["attendees"] = [m for m in data["attendees"] if not (m.left_on and m.left_on <= held_on)]
        present = {m.pk for m in data.get("attendees") or []}
        # a meeting every member is due at needs a reason for each one away; a talk, a disclosure
        # or a clean-up lists who took part, and a reason only where one is given
        reasons_due = data.get("kind") in ATTENDANCE_KINDS
        data["absences"] = {}
        missing = []
        for member in self.members:
            if member.pk in present:
                continue
            if held_on is not None and (member.joined_on > held_on or (member.left_on and member.left_on <= held_on)):
                continue  # not (or no longer) a member on the day: neither present nor absent
            reason = data.pop(self.reason_field(member), "")
            if reason:
                data["absences"][member] = reason
            elif reasons_due:
                missing.append(member.name)
                self.add_error(self.reason_field(member), "请选择缺席原因。")
        for member in self.members:
            data.pop(self.reason_field(member), None)
        if missing:
            raise forms.ValidationError(f"请为缺席的党员选择缺席原因：{'、'.join(missing)}。")
        return data


class DeedForm(CrispyFormMixin, forms.Form):
    submit_label = "记录"
    member = forms.ModelChoiceField(label="党员", queryset=Member.objects.none(), empty_label="请选择党员")
    kind = forms.ChoiceField(label="类型", choices=DeedKind.choices)
    done_on = forms.DateField(label="日期", widget=DateInput())
    description = forms.CharField(label="做了什么", max_length=300)
    beneficiary = forms.CharField(
        label="服务对象", max_length=60, help_text="写户或群体即可，如“三组刘姓独居老人户”，不填身份证号、电话。"
    )
    photos = PhotosField(label="照片")

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = branch.members.all()


class ProblemForm(CrispyFormMixin, forms.Form):
    submit_label = "记录"
    category = forms.ChoiceField(label="类别", choices=ProblemCategory.choices)
    title = forms.CharField(label="解决了什么问题", max_length=200)
    solved_on = forms.DateField(label="解决日期", widget=DateInput())
    description = forms.CharField(
        label="经过和成效", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label="佐证材料")


class PledgeForm(CrispyFormMixin, forms.Form):
    submit_label = "记录承诺"
    member = forms.ModelChoiceField(
        label="承诺人", queryset=Member.objects.none(), required=False, empty_label="党支部（集体承诺）"
    )
    content = forms.CharField(label="承诺事项", max_length=300)

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = branch.members.all()


class PledgeResolveForm(forms.Form):
    status = forms.ChoiceField(
        label="兑现情况", choices=[(PledgeStatus.KEPT, "已践诺"), (PledgeStatus.NOT_KEPT, "未兑现")]
    )
    note = forms.CharField(label="践诺情况或未兑现原因", max_length=300)
    resolved_on = forms.DateField(label="日期", widget=DateInput())
    photos = PhotosField(label="佐证照片")


class PledgeCommentForm(forms.Form):
    comment = forms.CharField(label="领导点评", max_length=300)


class AppraisalForm(CrispyFormMixin, forms.Form):
    submit_label = "记录"
    member = forms.ModelChoiceField(
        label="评议对象", queryset=Member.objects.none(), required=False, empty_label="党支部"
    )
    held_on = forms.DateField(label="评议日期", widget=DateInput())
    forms_issued = forms.IntegerField(label="发放测评表（份）", min_value=1, max_value=100000)
    satisfied = forms.IntegerField(label="满意", min_value=0, max_value=100000)
    basically_satisfied = forms.IntegerField(label="基本满意", min_value=0, max_value=100000)
    dissatisfied = forms.IntegerField(label="不满意", min_value=0, max_value=100000)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = branch.members.all()

    def clean(self):
        data = super().clean()
        counts = [data.get(k) for k in ("satisfied", "basically_satisfied", "dissatisfied")]
        if data.get("forms_issued") and None not in counts:
            valid = sum(counts)
            if valid > data["forms_issued"]:
                raise forms.ValidationError(
                    f"满意、基本满意、不满意票数之和（{valid}）不能超过发放的测评表份数（{data['forms_issued']}）。"
                )
            if valid == 0:
                raise forms.ValidationError("有效测评表为 0 份，无法计算满意率。")
        return data


class PointsRuleForm(forms.Form):
    points = forms.DecimalField(label="每次积分", min_value=0, max_digits=5, decimal_places=1)
    yearly_cap = forms.DecimalField(label="年度上限", min_value=0, max_digits=6, decimal_places=1)


class DocumentForm(CrispyFormMixin, forms.Form):
    submit_label = "保存材料"
    kind = forms.ChoiceField(label="材料", choices=DocumentKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="标题或说明（可不填）", max_length=200, required=False)
    photos = PhotosField(label="文件或照片（PDF、JPG、PNG）")


# ---------------------------------------------------------------- registers (发展党员, 后备干部, 党费, 年度情况)

GENDER_CHOICES = [("M", "男"), ("F", "女")]
# Django's own messages name the field in English-speaking terms; these say what to type
_AMOUNT_ERRORS = {
    "invalid": "请填写数字（元），如 12.5。",
    "min_value": "不能为负数。",
    "max_value": "不能超过 %(limit_value)s。",
    "max_digits": "数字过大。",
    "max_whole_digits": "数字过大。",
    "max_decimal_places": "最多 %(max)s 位小数。",
}


def _birth_year_field():
    return forms.IntegerField(
        label="出生年份",
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "请填写四位数的年份，如 1990。"},
    )


class RecruitForm(CrispyFormMixin, forms.Form):
    """A person who handed in an application; earlier steps' dates for the back-log, if any."""

    submit_label = "登记"
    name = forms.CharField(label="姓名", max_length=30)
    gender = forms.ChoiceField(label="性别", choices=GENDER_CHOICES, widget=forms.RadioSelect)
    birth_year = _birth_year_field()
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DateInput())
    activist_on = forms.DateField(label="确定为入党积极分子日期", widget=DateInput(), required=False)
    prospect_on = forms.DateField(label="确定为发展对象日期", widget=DateInput(), required=False)
    probationary_on = forms.DateField(label="接收为预备党员日期", widget=DateInput(), required=False)
    full_on = forms.DateField(label="转为正式党员日期", widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the back-log steps fold away: most people are added on the day they apply
        later = ("activist_on", "prospect_on", "probationary_on", "full_on")
        opened = " open" if self.is_bound and any(self.data.get(f) for f in later) else ""
        self.helper.layout = Layout(
            "name",
            "gender",
            "birth_year",
            "applied_on",
            HTML(f'<details class="mb-3"{opened}><summary class="small">补录已完成的后续步骤（可选）</summary>'),
            *later,
            HTML("</details>"),
        )


class StepDateForm(forms.Form):
    """The date of one step (the next step of a recruit, a reserve cadre's 出库)."""

    on = forms.DateField(label="日期", widget=DateInput())


class ReserveCadreForm(CrispyFormMixin, forms.Form):
    submit_label = "入库"
    name = forms.CharField(label="姓名", max_length=30)
    gender = forms.ChoiceField(label="性别", choices=GENDER_CHOICES, widget=forms.RadioSelect)
    birth_year = _birth_year_field()
    education = forms.ChoiceField(label="学历", choices=[("", "—"), *Education.choices], required=False)
    is_member = forms.BooleanField(label="是党员", required=False)
    added_on = forms.DateField(label="入库日期", widget=DateInput())
    note = forms.CharField(label="培养任务或说明（可选）", max_length=200, required=False)


class DuesMonthForm(forms.Form):
    """One month of a branch's 党费: 应交 and 实交 for each member who owes it. A member left
    blank is left out (what was saved stays); one of the two alone is an error."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            for kind, label in (("due", "应交"), ("paid", "实交")):
                self.fields[f"{kind}_{member.pk}"] = forms.DecimalField(
                    label=f"{member.name} {label}",
                    required=False,
                    min_value=0,
                    max_value=99999,
                    max_digits=7,
                    decimal_places=2,
                    error_messages=_AMOUNT_ERRORS,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )

    def rows(self):
        """(member, 应交 field, 实交 field) in the roll's order."""
        return [(m, self[f"due_{m.pk}"], self[f"paid_{m.pk}"]) for m in self.members]

    def clean(self):
        data = super().clean()
        amounts = {}
        for member in self.members:
            due, paid = data.get(f"due_{member.pk}"), data.get(f"paid_{member.pk}")
            if f"due_{member.pk}" in self.errors or f"paid_{member.pk}" in self.errors:
                continue
            if due is None and paid is None:
                continue
            if due is None or paid is None:
                self.add_error(f"due_{member.pk}" if due is None else f"paid_{member.pk}", "请同时填写应交和实交。")
                continue
            amounts[member] = (due, paid)
        data["amounts"] = amounts
        return data


def _yuan(label, help_text):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=0,
        help_text=help_text,
        error_messages={**_AMOUNT_ERRORS, "max_decimal_places": "请填写整数（元）。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class BranchYearForm(CrispyFormMixin, forms.Form):
    submit_label = "保存"
    one_shoulder = forms.ChoiceField(
        label="书记、主任“一肩挑”", choices=[("", "—"), *OneShoulder.choices], required=False
    )
    three_chains = forms.ChoiceField(label="“三链建设”", choices=[("", "—"), *ThreeChains.choices], required=False)
    cadres = forms.IntegerField(
        label="村“两委”成员人数",
        required=False,
        min_value=0,
        max_value=99,
        help_text="后备干部按两委成员 1:2 的比例储备。",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    office_funds = _yuan("村级办公经费（元）", "标准：4.1万元（41000 元）。")
    cadre_pay = _yuan("村干部报酬（元/人·年）", "标准：2.4万元（24000 元）。")
    group_cadre_pay = _yuan("村民小组干部报酬（元/人·年）", "标准：8500 元。")


class RegistersImportForm(CrispyFormMixin, forms.Form):
    submit_label = "校验并导入"
    file = forms.FileField(
        label="台账文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 .xlsx 文件。"},
    )
