from django import forms

from branches.forms import CrispyFormMixin

from .models import STAGE_FILLERS, Framework, Stage


class FrameworkImportForm(CrispyFormMixin, forms.Form):
    submit_label = "校验并导入"
    file = forms.FileField(
        label="标准体系文件（.xlsx，或 .yaml）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.yaml,.yml"}),
        error_messages={"required": "请选择要导入的文件。"},
    )


class SheetCreateForm(CrispyFormMixin, forms.Form):
    submit_label = "建立评分表"
    framework = forms.ModelChoiceField(label="考核标准体系", queryset=Framework.objects.none())
    stage = forms.ChoiceField(label="环节")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    member = forms.ModelChoiceField(label="党员（评价党员的标准体系才需选择）", queryset=None, required=False)

    def __init__(self, *args, user, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.visible_to(user).latest_versions()
        self.fields["stage"].choices = [
            (stage.value, stage.label) for stage in Stage if user.is_superuser or user.role in STAGE_FILLERS[stage]
        ]
        self.fields["member"].queryset = branch.members.all()
