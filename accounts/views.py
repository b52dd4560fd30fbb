"""三员分立: the system administrator keeps accounts, the security
administrator grants roles and unlocks, the audit administrator reads the
trail (audit/views.py). Each page answers to its own administrator only (404 to
everyone else, the other administrators included); none reaches the work, and
none changes an administrator's account (accounts/services.py)."""

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import lockout
from accounts.services import (
    AccountActionRefused,
    account_grant_check,
    account_grant_role,
    account_set_active,
    password_refused_record,
)
from audit.models import AuditEvent
from audit.services import audit_record
from branches.models import Branch, Township, User
from branches.scoping import ADMIN_ROLES, Role


def _require(user, role) -> None:
    if not (user.is_authenticated and user.role == role):
        raise Http404("页面不存在。")


def _county_accounts(admin):
    """The accounts of the administrator's county, and those not yet given a role."""
    county = admin.county_id
    return User.objects.filter(
        Q(county_id=county) | Q(township__county_id=county) | Q(branch__township__county_id=county) | Q(role="")
    ).exclude(is_superuser=True)


class AccountForm(forms.Form):
    username = forms.RegexField(
        label="登录名",
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={"invalid": "登录名为 3—30 位字母、数字或 _ . -。"},
    )
    full_name = forms.CharField(label="姓名", max_length=30)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, help_text="首次登录须修改。")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("该登录名已被使用。")
        return username

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("username"):
            try:
                validate_password(
                    data["password"], User(username=data["username"], full_name=data.get("full_name", ""))
                )
            except ValidationError as refused:
                self.add_error("password", refused)
        return data


def _account_in(accounts, value):
    """The account ``value`` names among ``accounts``; 404 for anything else (a non-number too)."""
    value = str(value or "")
    if not (value.isascii() and value.isdigit()):
        raise Http404("账号不存在。")
    return get_object_or_404(accounts, pk=int(value))


@login_required
@require_http_methods(["GET", "POST"])
def system_accounts(request):
    """The system administrator creates accounts (without a role: the security
    administrator grants it) and switches work accounts off and back on; never an
    administrator's account, never a score or a state."""
    _require(request.user, Role.SYSTEM_ADMIN)
    form = AccountForm(request.POST or None)
    switch = next((key for key in ("deactivate", "activate") if key in request.POST), None)
    if request.method == "POST" and switch:
        account = _account_in(_county_accounts(request.user), request.POST[switch])
        try:
            account_set_active(request=request, account=account, active=switch == "activate")
        except AccountActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"已{'启用' if account.is_active else '停用'}账号“{account.username}”。")
        return redirect("accounts_system")
    if request.method == "POST" and form.is_valid():
        account = User(username=form.cleaned_data["username"], full_name=form.cleaned_data["full_name"])
        account.set_password(form.cleaned_data["password"])
        account.must_change_password = True
        account.save()
        messages.success(request, f"已建立账号“{account.username}”，请安全管理员授予角色；首次登录须修改密码。")
        return redirect("accounts_system")
    if request.method == "POST" and "password" in form.errors:
        password_refused_record(
            request,
            account=User(username=request.POST.get("username", "")[:150]),
            errors=form.errors["password"],
            what="设置初始密码",
        )
    return render(
        request,
        "accounts/system.html",
        {
            "form": form,
            "accounts": _county_accounts(request.user).select_related("county", "township", "branch"),
            "admin_roles": ADMIN_ROLES,
        },
    )


LEVEL_LABELS = {"county": "县", "township": "乡镇", "branch": "党支部"}


class GrantForm(forms.Form):
    # the work roles only: the administrators' are set at installation (manage.py admin_accounts)
    role = forms.ChoiceField(
        label="角色",
        choices=[("", "（无角色）"), *((r.value, r.label) for r in Role if r not in ADMIN_ROLES)],
        required=False,
    )
    unit = forms.ChoiceField(label="单位", required=False)

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        county = admin.county
        choices = [("", "—"), (f"county:{county.pk}", county.name)]
        for township in Township.objects.filter(county=county).order_by("name"):
            choices.append((f"township:{township.pk}", township.name))
            for branch in Branch.objects.filter(township=township).order_by("name"):
                choices.append((f"branch:{branch.pk}", f"{township.name} {branch.name}"))
        self.fields["unit"].choices = choices

    LEVEL = {
        Role.COUNTY_REVIEWER: "county",
        Role.TOWNSHIP_STAFF: "township",
        Role.BRANCH_SECRETARY: "branch",
    }

    def clean(self):
        data = super().clean()
        role, unit = data.get("role") or "", data.get("unit") or ""
        if role and not unit.startswith(f"{self.LEVEL[role]}:"):
            raise ValidationError(f"“{Role(role).label}”应选择{LEVEL_LABELS[self.LEVEL[role]]}一级的单位。")
        level, _, pk = unit.partition(":")
        data["units"] = {"county_id": None, "township_id": None, "branch_id": None}
        if role:
            data["units"][f"{level}_id"] = int(pk)
        return data


@login_required
@require_http_methods(["GET", "POST"])
def security_accounts(request):
    """The security administrator: role grants, login locks, the policy in force."""
    _require(request.user, Role.SECURITY_ADMIN)
    accounts = _county_accounts(request.user).select_related("county", "township", "branch").order_by("username")
    if request.method == "POST":
        account = _account_in(accounts, request.POST.get("account"))
        form = GrantForm(request.POST, admin=request.user)
        try:
            account_grant_check(request=request, account=account, role=request.POST.get("role", ""))
            if form.is_valid():
                account_grant_role(
                    request=request, account=account, role=form.cleaned_data["role"], units=form.cleaned_data["units"]
                )
                messages.success(request, f"已将“{account.username}”设为{account.get_role_display() or '无角色'}。")
            else:
                messages.error(request, "；".join(form.non_field_errors()) or "填写有误。")
        except AccountActionRefused as refused:
            messages.error(request, str(refused))
        return redirect("accounts_security")
    limit = settings.AXES_FAILURE_LIMIT
    locked_accounts = [value for value, _end in lockout.locked("username")]
    locked_addresses = [value for value, _end in lockout.locked("ip_address")]
    return render(
        request,
        "accounts/security.html",
        {
            "accounts": accounts,
            "grant_form": GrantForm(admin=request.user),
            "admin_roles": ADMIN_ROLES,
            "locked_accounts": locked_accounts,
            "locked_addresses": locked_addresses,
            "policy": [
                (
                    "密码",
                    "至少 8 位，含大写字母、小写字母、数字、符号中的 3 种；不得包含登录名（不分大小写）或与之相似、"
                    "不得为常见密码、不得与最近 5 次相同",
                ),
                (
                    "密码有效期",
                    f"{settings.PASSWORD_MAX_AGE_DAYS} 天" if settings.PASSWORD_MAX_AGE_DAYS else "不强制（演示模式）",
                ),
                (
                    "登录失败",
                    f"{int(settings.AXES_FAILURE_WINDOW.total_seconds() // 60)} 分钟内失败 {limit} 次锁定"
                    f" {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} 分钟（账号、地址分别计"
                    f"{'' if settings.AXES_ADDRESS_FAILURE_LIMIT == limit else f'，同一地址 {settings.AXES_ADDRESS_FAILURE_LIMIT} 次'}）",
                ),
                ("会话", f"空闲 {settings.SESSION_COOKIE_AGE // 60} 分钟或关闭浏览器后失效"),
            ],
        },
    )


@login_required
@require_POST
def security_unlock(request):
    _require(request.user, Role.SECURITY_ADMIN)
    username, address = request.POST.get("username", ""), request.POST.get("ip_address", "")
    removed = axes_reset(username=username) if username else axes_reset(ip=address) if address else 0
    audit_record(
        request, AuditEvent.ADMIN, repr_text=f"解除登录锁定：{username or address}", detail={"attempts": removed}
    )
    messages.success(request, f"已解除“{username or address}”的登录锁定。")
    return redirect("accounts_security")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password clears "change at next login"; Django ends the
    user's other sessions (their auth hash no longer matches) and keeps this one."""

    def form_valid(self, form):
        response = super().form_valid(form)  # the change itself is recorded as the password is saved
        User.objects.filter(pk=self.request.user.pk).update(must_change_password=False)
        messages.success(self.request, "密码已修改，其他设备上的登录已失效。")
        return response

    def form_invalid(self, form):
        password_refused_record(
            self.request, account=self.request.user, errors=[e for errors in form.errors.values() for e in errors]
        )
        return super().form_invalid(form)
