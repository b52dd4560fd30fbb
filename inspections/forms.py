from django import forms

from branches.forms import CrispyFormMixin
from branches.models import Branch
from common.dates import today
from scoring.models import Framework

from .models import FindingCategory, RoundKind, Severity
from .services import deadline_error


class RoundForm(CrispyFormMixin, forms.Form):
    submit_label = "建立督查"
    kind = forms.ChoiceField(label="类型", choices=RoundKind.choices)
    title = forms.CharField(label="名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in range(1, 5)])
    month = forms.IntegerField(label="月份（月调度填写）", min_value=1, max_value=12, required=False)
    held_on = forms.DateField(label="督查日期", widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(label="督查人员", max_length=200)
    checklist = forms.ModelChoiceField(label="督查清单", queryset=Framework.objects.none())
    branches = forms.ModelMultipleChoiceField(
        label="督查的党支部", queryset=Branch.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        day = today()
        branches = Branch.objects.visible_to(user).select_related("township")
        self.fields["branches"].queryset = branches
        self.fields["branches"].initial = list(branches.values_list("pk", flat=True))
        self.fields["checklist"].queryset = (
            Framework.objects.visible_to(user).latest_versions().filter(subject="branch")
        )
        self.fields["year"].initial = day.year
        self.fields["quarter"].initial = (day.month - 1) // 3 + 1
        self.fields["held_on"].initial = day


class FindingForm(CrispyFormMixin, forms.Form):
    submit_label = "记录"
    description = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label="类别", choices=FindingCategory.choices)
    severity = forms.ChoiceField(label="程度", choices=Severity.choices)
    task = forms.CharField(
        label="整改任务（填写后列入问题台账）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(label="责任人", max_length=50, required=False)
    deadline = forms.DateField(label="整改时限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    photo = forms.FileField(
        label="现场照片（可不传）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("task", "").strip():
            if not data.get("responsible", "").strip():
                self.add_error("responsible", "列入台账的问题要写明责任人。")
            if not data.get("deadline"):
                self.add_error("deadline", "列入台账的问题要写明整改时限。")
            elif error := deadline_error(data["deadline"]):
                self.add_error("deadline", error)
        return data


class LedgerItemForm(CrispyFormMixin, forms.Form):
    submit_label = "列入台账"
    branch = forms.ModelChoiceField(label="党支部", queryset=Branch.objects.none())
    problem = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 2}))
    task = forms.CharField(label="整改任务", widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label="责任人", max_length=50)
    deadline = forms.DateField(label="整改时限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.visible_to(user).select_related("township")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if error := deadline_error(deadline):
            raise forms.ValidationError(error)
        return deadline
