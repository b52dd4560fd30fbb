from django.core.management.base import BaseCommand

from scoring.builtin import load_builtin_frameworks


class Command(BaseCommand):
    help = "载入系统内置的考核标准体系（依据各实施方案）；内容未变的不重复载入。"

    def handle(self, *args, **options):
        for name, version, created in load_builtin_frameworks():
            state = "已载入" if created else "未变"
            self.stdout.write(f"  {state}：{name}（第{version}版）")
