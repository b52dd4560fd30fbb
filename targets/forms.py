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


ERROR_FORMSET_TAMPERED = "未保存：表单与本年度的目标任务不一致（可能页面已过期），请重新打开本页后再修改。"


class BaseTargetFormSet(forms.BaseModelFormSet):
    def clean(self):
        """The rows sent are the plan's rows, each once: Django's management form takes any count,
        and a negative one would save the last rows again as new targets."""
        super().clean()
        initial, total = self.initial_form_count(), self.total_form_count()
        if initial < 0 or total < initial or initial > self.get_queryset().count():
            raise forms.ValidationError(ERROR_FORMSET_TAMPERED)
        ids = [form.instance.pk for form in self.forms[:initial] if form.instance.pk]
        if len(ids) != initial or len(set(ids)) != len(ids):
            raise forms.ValidationError(ERROR_FORMSET_TAMPERED)


# a management form claiming millions of rows builds at most this many forms (Django's default: 1,000 more)
MAX_TARGETS = 200
TargetFormSet = forms.modelformset_factory(
    Target,
    form=TargetForm,
    formset=BaseTargetFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_TARGETS,
    absolute_max=MAX_TARGETS,
    validate_max=True,
)
