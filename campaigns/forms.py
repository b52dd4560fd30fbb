from django import forms

from branches.forms import CrispyFormMixin
from branches.models import Branch
from branches.scoping import Role
from common.dates import today
from ratings.models import BUILTIN_FRAMEWORK as MEMBER_RATING_FRAMEWORK
from scoring.models import Framework
from scoring.spec import KINDS

from .models import Objection, Participant, Phase
from .services import PHASE_TEMPLATES


class CampaignForm(CrispyFormMixin, forms.Form):
    submit_label = "创建活动"
    kind = forms.ChoiceField(label="类别", choices=[(k, v) for k, v in KINDS.items() if k in PHASE_TEMPLATES])
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="活动名称", max_length=100)
    framework = forms.ModelChoiceField(label="考核标准（版本）", queryset=Framework.objects.none())
    branches = forms.ModelMultipleChoiceField(
        label="参加的党支部",
        queryset=Branch.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="默认本单位全部党支部。",
    )
    county_review = forms.BooleanField(
        label="报县委组织部抽查复核",
        required=False,
        initial=True,
        help_text="不勾选：本乡镇验收通过后由乡镇党委直接公示、命名，不设县委复核阶段。",
    )
    publicity_days = forms.IntegerField(label="公示天数", min_value=1, max_value=30, initial=5)
    sample_rate = forms.DecimalField(
        label="县委抽查比例", min_value=0, max_value=1, decimal_places=2, initial=0.3, help_text="如 0.3 表示抽查 30%。"
    )
    sample_min_per_township = forms.IntegerField(label="每个乡镇至少抽查", min_value=0, initial=1)
    objection_contact = forms.CharField(
        label="异议受理方式", max_length=200, required=False, help_text="公示页显示，如：县委组织部 电话 0000-1234567"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.visible_to(user).select_related("township")
        self.fields["branches"].queryset = branches
        self.fields["branches"].initial = list(branches.values_list("pk", flat=True))
        self.fields["framework"].queryset = (
            Framework.objects.visible_to(user)
            .latest_versions()
            .filter(kind__in=list(PHASE_TEMPLATES))
            # the members' yearly rating has its own way (the branch meeting, the township's approval), not a campaign's
            .exclude(code=MEMBER_RATING_FRAMEWORK)
        )
        self.fields["year"].initial = today().year
        if user.role != Role.TOWNSHIP_STAFF:
            # a county campaign is always re-checked by the county that runs it
            del self.fields["county_review"]


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["title", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(
                attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
            ),
            "ends_on": forms.DateInput(
                attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
            ),
            "title": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "截止日期不能早于开始日期。")
        return data


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["received_on", "content", "contact"]
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 2}),
        }


class PublicObjectionForm(forms.Form):
    """The public notice's objection form: what a person would write on a letter, nothing more."""

    participant = forms.ModelChoiceField(label="反映对象", queryset=Participant.objects.none(), empty_label="请选择")
    content = forms.CharField(
        label="反映的问题",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text="请实事求是，写明具体事实或线索（10—1000 字）。",
        error_messages={
            "min_length": "请写明具体事实或线索，不少于 10 字。",
            "max_length": "反映的问题不能超过 1000 字（现有 %(show_value)d 字）。",
        },
    )
    contact = forms.CharField(
        label="联系方式（选填）",
        max_length=50,
        required=False,
        help_text="便于核实时联系您，不会公开。",
        error_messages={"max_length": "联系方式不能超过 50 字。"},
    )

    def __init__(self, *args, listed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = listed
        self.fields["participant"].label_from_instance = lambda p: f"{p.branch.township.name} · {p.subject_label}"
