"""PDF rendering with WeasyPrint, allowed to read only the project's own
static files (fonts come from the system through fontconfig)."""

import gc
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()


class ForbiddenResource(ValueError):
    pass


def _static_only_fetcher():
    """A fetcher that refuses every URL except files inside static/: user text
    in a document can never make the renderer reach the network or the disk."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("file://"):
                raise ForbiddenResource(f"文书不能引用外部资源：{url[:80]}")
            path = Path(unquote(url[len("file://") :].split("?")[0])).resolve()
            if not path.is_relative_to(STATIC_DIR):
                raise ForbiddenResource("文书只能引用系统自带的静态文件。")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file"}, allow_redirects=False)


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    try:
        return HTML(string=html, base_url=f"file://{STATIC_DIR}/", url_fetcher=_static_only_fetcher()).write_pdf()
    finally:
        # WeasyPrint keeps layout objects alive in cycles; a long-lived worker grows without this.
        gc.collect()
