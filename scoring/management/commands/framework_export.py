from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.framework_io import spec_to_json, spec_to_xlsx, spec_to_yaml
from scoring.models import Framework
from scoring.selectors import framework_spec


class Command(BaseCommand):
    help = "把考核标准体系导出为 .xlsx（或 .yaml / .json，按文件后缀）。"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("file")
        parser.add_argument("--framework-version", dest="framework_version", type=int, help="版本号，默认最新版本")

    def handle(self, *args, code, file, framework_version=None, **options):
        version = framework_version
        frameworks = Framework.objects.filter(code=code).order_by("-version")
        framework = frameworks.filter(version=version).first() if version else frameworks.first()
        if framework is None:
            raise CommandError(f"没有编号为“{code}”的标准体系" + (f"第{version}版" if version else "") + "。")
        spec = framework_spec(framework)
        path = Path(file)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            path.write_text(spec_to_yaml(spec), encoding="utf-8")
        elif suffix == ".json":
            path.write_text(spec_to_json(spec), encoding="utf-8")
        else:
            path.write_bytes(spec_to_xlsx(spec))
        self.stdout.write(f"已导出“{framework.name}”第{framework.version}版到 {path}。")
