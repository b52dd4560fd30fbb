from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from branches.models import AnnualFigure, Branch, Member, Township


class CrispyFormMixin:
    submit_label = "保存"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label, css_class="btn-danger"))


class BranchForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Branch
        fields = [
            "township",
            "name",
            "kind",
            "has_committee",
            "party_groups",
            "division_code",
            "site_type",
            "village_groups",
            "households",
            "population",
            "farmland_mu",
            "income_per_head",
            "grain_per_head_kg",
            "distance_to_county_km",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = Township.objects.editable_by(user)
        self.fields["township"].queryset = townships
        if townships.count() == 1:
            # Township staff keep their own township's register only.
            self.fields["township"].initial = townships.first()
            self.fields["township"].disabled = True


class AnnualFigureForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "记录"

    class Meta:
        model = AnnualFigure
        fields = ["year", "collective_income", "note"]
        help_texts = {"note": "如为更正，请写明原因；原记录保留可查。"}


class MemberForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "gender", "birth_year", "joined_on", "post", "phone", "left_on"]
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class RegisterImportForm(CrispyFormMixin, forms.Form):
    submit_label = "校验并导入"
    file = forms.FileField(
        label="登记册文件（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "请选择要导入的 .xlsx 文件。"},
    )
