from django import forms

from .models import Target

TARGET_WIDGETS = {
    "position": forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0, "style": "width:4.5em"}),
    "name": forms.TextInput(attrs={"class": "form-control form-control-sm", "style": "min-width:14em"}),
    "fact": forms.Select(attrs={"class": "form-select form-select-sm"}),
    "comparison": forms.Select(attrs={"class": "form-select form-select-sm", "style": "min-width:4.5em"}),
    "threshold": forms.TextInput(
        attrs={"class": "form-control form-control-sm", "inputmode": "decimal", "style": "min-width:7em"}
    ),
    "share_comparison": forms.Select(attrs={"class": "form-select form-select-sm", "style": "min-width:4.5em"}),
    "share": forms.TextInput(
        attrs={"class": "form-control form-control-sm", "inputmode": "decimal", "style": "min-width:5em"}
    ),
    "villages_only": forms.CheckboxInput(attrs={"class": "form-check-input"}),
    "note": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
}


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "position",
            "name",
            "fact",
            "comparison",
            "threshold",
            "share_comparison",
            "share",
            "villages_only",
            "note",
        ]
        widgets = TARGET_WIDGETS
        error_messages = {
            "threshold": {"invalid": "标准值应为数字。", "required": "请填写标准值。"},
            "share": {"invalid": "比例应为 0 至 100 之间的数字。", "required": "请填写比例。"},
            "name": {"required": "请填写目标任务名称。"},
        }


TargetFormSet = forms.modelformset_factory(Target, form=TargetForm, extra=1, can_delete=True)
