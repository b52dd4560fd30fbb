from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "校验备份（文件齐全、哈希一致、清单签名正确）后，用它替换当前数据库和上传文件。"

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = restore(Path(directory))
        except BackupError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"已恢复：{len(manifest['files'])} 个文件（{manifest['database']}，{manifest['created_at']}）。"
        )
