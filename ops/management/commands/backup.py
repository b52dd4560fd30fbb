from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个空目录，附 SHA-256 清单。"

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup(Path(directory))
        except BackupError as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"已备份：{len(manifest['files'])} 个文件（{manifest['database']}，{manifest['created_at']}）。"
        )
