from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from branches.models import County, Township
from scoring.framework_io import spec_from_xlsx, spec_from_yaml
from scoring.services import framework_save
from scoring.spec import SpecError


class Command(BaseCommand):
    help = "从 .xlsx（或 .yaml）文件导入考核标准体系；与已有版本内容相同则不变，不同则生成新版本。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--county", help="所属县名称（不填且不填乡镇则为系统内置）")
        parser.add_argument("--township", help="所属乡镇名称")

    def handle(self, *args, file, county=None, township=None, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件：{path}")
        county_obj = County.objects.filter(name=county).first() if county else None
        township_obj = Township.objects.filter(name=township).first() if township else None
        if county and county_obj is None:
            raise CommandError(f"没有名为“{county}”的县。")
        if township and township_obj is None:
            raise CommandError(f"没有名为“{township}”的乡镇。")
        try:
            if path.suffix.lower() in (".yaml", ".yml", ".json"):
                spec = spec_from_yaml(path.read_text(encoding="utf-8"))
            else:
                with path.open("rb") as handle:
                    spec = spec_from_xlsx(File(handle, name=path.name))
            framework, created = framework_save(spec=spec, county=county_obj, township=township_obj)
        except SpecError as refused:
            raise CommandError("文件未导入：\n" + "\n".join(refused.errors)) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        state = "已导入为" if created else "内容未变，仍为"
        self.stdout.write(f"{state}“{framework.name}”第{framework.version}版（编号 {framework.code}）。")
