"""What production refuses to start with: the demo's secret key or its logins."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEMO_SECRET_KEY_PREFIX = "demo-only-insecure-key"
DEMO_USERNAMES = (
    "admin",
    "county",
    "guanxing",
    "meishan",
    "gaozhai",
    "fani",
    "nagu",
    "gaopo",
    "sysadmin",
    "secadmin",
    "auditor",
)


def refuse_insecure_start() -> None:
    """Raise unless this is demo mode or the deployment has its own key and no demo password."""
    if settings.DEMO_MODE:
        return
    if settings.SECRET_KEY.startswith(DEMO_SECRET_KEY_PREFIX):
        raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY 环境变量，不能使用演示密钥。")
    from branches.models import User
    from ops.demo import DEMO_PASSWORD

    for user in User.objects.filter(username__in=DEMO_USERNAMES, is_active=True):
        if user.check_password(DEMO_PASSWORD):
            raise ImproperlyConfigured(
                f"账号“{user.username}”仍使用演示密码，生产环境拒绝启动：请先停用该账号或修改其密码。"
            )
