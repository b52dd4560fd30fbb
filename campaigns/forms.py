from crispy_forms.layout import HTML, Layout
from django import forms
from django.urls import reverse

from branches.forms import CrispyFormMixin
from branches.models import Branch
from branches.scoping import Role
from common.dates import today
from ratings.models import BUILTIN_FRAMEWORK as MEMBER_RATING_FRAMEWORK
from scoring.models import Framework
from scoring.spec import KINDS

from .models import Milestone, Objection, Participant, Phase, PhaseKind
from .plans import (
    ERROR_ENDS_BEFORE_START,
    MAX_MOVED_DAYS,
    MIN_DAYS_LEFT,
    PHASE_TEMPLATES,
    phase_moved,
    phase_proposal,
    schedule_errors,
)
from .services import MilestoneChange, PhaseChange, phase_manager_label, schedule_after
from .workflow import may_manage_phase

ERROR_NOT_A_DATE = "“{field}”不是有效的日期，请按 年-月-日 填写（如 2026-06-10）。"
PROPOSAL_HELP = (
    f"日期按该类活动实施方案预填。方案中已过或所剩不足 {MIN_DAYS_LEFT} 天的阶段，自今天起依次顺延"
    f"（每段至多 {MAX_MOVED_DAYS} 天），时间节点随阶段平移；可直接修改，留空的按预填日期。"
)


def _date_field(label, *, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
        error_messages={"invalid": ERROR_NOT_A_DATE.format(field=label), "required": f"请填写{label}。"},
    )


def _phase_field(kind, end):
    return f"phase_{kind}_{end}"


ERROR_CHOOSE_FRAMEWORK = "该类别有多个考核标准，请选择一个。"
ERROR_NO_FRAMEWORK = "该类别还没有考核标准，请先导入。"


MAX_SAMPLE_PER_TOWNSHIP = 100  # more than any township has branches; the column holds 32,767


class CampaignForm(CrispyFormMixin, forms.Form):
    submit_label = "创建活动"
    proposal_help = PROPOSAL_HELP
    min_days_left = MIN_DAYS_LEFT
    kind = forms.ChoiceField(label="类别", choices=[(k, v) for k, v in KINDS.items() if k in PHASE_TEMPLATES])
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(
        label="活动名称",
        max_length=100,
        required=False,
        help_text="留空则按年度、单位和类别命名，如“2026年关兴镇五好党支部创建”。",
    )
    framework = forms.ModelChoiceField(
        label="考核标准（版本）",
        queryset=Framework.objects.none(),
        required=False,
        empty_label="按类别选用最新版本",
        help_text="留空则选用该类别考核标准的最新版本。",
    )
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
    sample_min_per_township = forms.IntegerField(
        label="每个乡镇至少抽查",
        min_value=0,
        max_value=MAX_SAMPLE_PER_TOWNSHIP,
        initial=1,
        error_messages={"min_value": "不能小于 %(limit_value)s。", "max_value": "不能大于 %(limit_value)s。"},
    )
    objection_contact = forms.CharField(
        label="异议受理方式", max_length=200, required=False, help_text="公示页显示，如：县委组织部 电话 0000-1234567"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_name = (user.township or user.county).name if (user.township_id or user.county_id) else ""
        self.fields[
            "title"
        ].help_text = f"留空则按年度、单位和类别命名，如“{today().year}年{self.unit_name}五好党支部创建”。"
        # one start/end pair for every stage; the kind (and the county's re-check) decide which are shown and used
        for kind in PhaseKind:
            self.fields[_phase_field(kind, "starts_on")] = _date_field(f"{kind.label}开始日期", required=False)
            self.fields[_phase_field(kind, "ends_on")] = _date_field(f"{kind.label}截止日期", required=False)
        self.may_skip_review = user.role == Role.TOWNSHIP_STAFF
        for name in ("kind", "year", "county_review"):
            if name not in self.fields:
                continue
            # the proposed dates follow the kind, the year and the re-check (htmx swaps the phase block)
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("campaigns:phase_proposal"),
                    "hx-trigger": "change",
                    "hx-target": "#phase-proposal",
                    "hx-swap": "outerHTML",
                    # with the dates as typed: a change of the re-check alone keeps them (proposal_for)
                    "hx-include": "[name=kind],[name=year],[name=county_review],[name^=phase_],[name=proposal_for]",
                    # one request at a time: a later change (the year left by a click on the box) replaces
                    # the one in flight, whose answer would otherwise land after it or in a block already gone
                    "hx-sync": "closest form:replace",
                }
            )
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
        self.helper.layout = Layout(
            *[name for name in self.fields if not name.startswith("phase_")],
            HTML('{% include "campaigns/_phase_proposal.html" %}'),
        )
        self.proposal_on = today()
        self.proposal_key = ""
        self.proposal = self._proposal()
        if not self.is_bound:
            for phase in self.proposal:
                self.fields[_phase_field(phase.kind, "starts_on")].initial = phase.starts_on
                self.fields[_phase_field(phase.kind, "ends_on")].initial = phase.ends_on

    def _choice(self, name, fallback):
        """The kind / year / re-check the page shows: as posted, else as given in ``initial``, else the default."""
        if self.is_bound:
            return self.data.get(name, "") if name != "county_review" else self.data.get(name) in ("on", "true", "1")
        return self.initial.get(name, fallback)

    def _proposal(self):
        kind = self._choice("kind", next(iter(dict(self.fields["kind"].choices))))
        try:
            year = int(self._choice("year", today().year))
        except (TypeError, ValueError):
            year = None
        if kind not in PHASE_TEMPLATES or year is None or not 2000 <= year <= 2100:
            return []
        county_review = self._choice("county_review", True) if self.may_skip_review else True
        self.proposal_key = f"{kind}:{year}"  # the kind and year the dates shown were proposed for
        return phase_proposal(kind, year, county_review=bool(county_review), on=self.proposal_on)

    @property
    def phase_rows(self):
        """The phase block: each proposed phase with its two date fields."""
        return [
            {
                "phase": phase,
                "starts_on": self[_phase_field(phase.kind, "starts_on")],
                "ends_on": self[_phase_field(phase.kind, "ends_on")],
            }
            for phase in self.proposal
        ]

    @property
    def proposal_moved(self) -> bool:
        return any(phase.moved for phase in self.proposal)

    def clean(self):
        """The phases as accepted or edited (a field left empty keeps the proposal), checked for
        order; their milestones move with them. They go to ``campaign_create`` as ``phases``."""
        data = super().clean()
        fields = {name: data.pop(name, None) for name in list(data) if name.startswith("phase_")}
        kind, year = data.get("kind"), data.get("year")
        if kind and not data.get("framework"):
            # what the product knows is not asked: the kind's latest framework, when there is exactly one
            choices = list(self.fields["framework"].queryset.filter(kind=kind)[:2])
            if len(choices) == 1:
                data["framework"] = choices[0]
            else:
                self.add_error("framework", ERROR_CHOOSE_FRAMEWORK if choices else ERROR_NO_FRAMEWORK)
        if kind and year and not data.get("title"):
            data["title"] = f"{year}年{self.unit_name}{KINDS[kind]}"
        if self.errors or not self.proposal:
            return data
        phases = []
        for phase in self.proposal:
            starts_on = fields.get(_phase_field(phase.kind, "starts_on")) or phase.starts_on
            ends_on = fields.get(_phase_field(phase.kind, "ends_on")) or phase.ends_on
            phases.append(phase_moved(phase, starts_on, ends_on))
        for index, field, message in schedule_errors(phases):
            if field == "milestones":
                continue  # the milestones follow their phase here; they are checked once the phase's dates are right
            self.add_error(_phase_field(phases[index].kind, field), message)
        data["phases"] = phases
        return data


class PhaseForm(forms.ModelForm):
    starts_on = _date_field("开始日期")
    ends_on = _date_field("截止日期")

    class Meta:
        model = Phase
        fields = ["title", "starts_on", "ends_on"]
        widgets = {"title": forms.TextInput(attrs={"class": "form-control form-control-sm"})}
        error_messages = {"title": {"required": "请填写阶段名称。"}}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            title = data.get("title") or self.instance.title
            self.add_error(
                "ends_on", ERROR_ENDS_BEFORE_START.format(phase=title, start=data["starts_on"], end=data["ends_on"])
            )
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


class MilestoneForm(forms.ModelForm):
    due_on = _date_field("完成日期")

    class Meta:
        model = Milestone
        fields = ["title", "due_on", "actor"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "actor": forms.Select(attrs={"class": "form-select form-select-sm"}),
        }
        error_messages = {"title": {"required": "请填写节点名称。"}, "actor": {"required": "请选择责任主体。"}}


# a management form claiming millions of rows builds at most this many forms (Django's default: 1,000 more)
MAX_MILESTONES = 50
MilestoneFormSet = forms.inlineformset_factory(
    Phase,
    Milestone,
    form=MilestoneForm,
    extra=1,
    can_delete=True,
    max_num=MAX_MILESTONES,
    absolute_max=MAX_MILESTONES,
    validate_max=True,
)


class PhaseSchedule:
    """The phase page: for each phase the user manages (``workflow.may_manage_phase``) its dates
    and its milestones as forms; the others shown as they are. Nothing posted for a phase the user
    does not manage is read."""

    def __init__(self, campaign, user, data=None):
        self.campaign = campaign
        self.errors: list[str] = []
        self.rows = []
        for phase in campaign.phases.prefetch_related("milestones"):
            row = {"phase": phase, "editable": may_manage_phase(user, campaign, phase.kind)}
            row["manager"] = phase_manager_label(campaign, phase.kind)
            if row["editable"]:
                row["form"] = PhaseForm(data, instance=phase, prefix=f"phase-{phase.pk}")
                row["milestones"] = MilestoneFormSet(data, instance=phase, prefix=f"milestones-{phase.pk}")
            self.rows.append(row)

    @property
    def editable(self) -> bool:
        return any(row["editable"] for row in self.rows)

    def is_valid(self) -> bool:
        forms_valid = [row["form"].is_valid() & row["milestones"].is_valid() for row in self.rows if row["editable"]]
        if not all(forms_valid):
            return False
        for index, field, message in schedule_errors(schedule_after(self.campaign, self.changes())):
            row = self.rows[index]
            if row["editable"] and field in ("starts_on", "ends_on"):
                row["form"].add_error(field, message)
            else:
                self.errors.append(message)
        return not self.errors and all(not row["form"].errors for row in self.rows if row["editable"])

    def changes(self) -> list[PhaseChange]:
        changes = []
        for row in self.rows:
            if not row["editable"]:
                continue
            data = row["form"].cleaned_data
            milestones = []
            for form in row["milestones"].forms:
                if form.instance.pk is None and not form.has_changed():
                    continue  # the empty row for a new milestone, left empty
                milestones.append(
                    MilestoneChange(
                        pk=form.instance.pk,
                        title=form.cleaned_data.get("title", ""),
                        due_on=form.cleaned_data.get("due_on"),
                        actor=form.cleaned_data.get("actor", ""),
                        delete=bool(form.cleaned_data.get("DELETE")),
                    )
                )
            changes.append(
                PhaseChange(row["phase"], data["title"], data["starts_on"], data["ends_on"], tuple(milestones))
            )
        return changes
