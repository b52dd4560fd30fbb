from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "创建演示县（依据示范点实施方案）及各角色演示账号；重复运行不会重复创建。"

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or settings.TESTING):
            raise CommandError("演示数据只能在演示模式下载入（DEMO_MODE=true）；生产环境不建演示账号。")
        outcome = seed_demo()
        created = outcome["created"]
        self.stdout.write(
            "演示数据已就绪：本次新建乡镇 {townships} 个、党支部 {branches} 个、党员 {members} 名、"
            "年度数据 {figures} 条、账号 {users} 个、标准体系 {frameworks} 套、创建活动 {campaigns} 项、督查演示 {inspections} 组。".format(
                **created
            )
        )
        self.stdout.write(f"演示账号（仅限演示，密码均为 {DEMO_PASSWORD}）：")
        for login in outcome["logins"]:
            self.stdout.write(f"  {login.username:<10} {login.role}  {login.unit}")
