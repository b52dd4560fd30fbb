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


def township_banji(township, printed_on) -> dict:
    """The 版记 of a township committee's document: copied to the county's organisation
    department, printed by the committee's office on ``printed_on``."""
    return {
        "cc": [f"{township.county.name}委组织部"],
        "printer": f"中共{township.name}委员会党政办公室",
        "printed_on": printed_on,
    }


def _layout(template_name: str, context: dict):
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=f"file://{STATIC_DIR}/", url_fetcher=_static_only_fetcher()).render()


def render_pdf(template_name: str, context: dict) -> bytes:
    """The document as PDF. A document with a 版记 (``context["banji"]``) has it on an even page,
    the back of the last sheet (GB/T 9704 §10): where the body ends on an odd page, the 版记 is
    laid out again at the foot of the next one."""
    try:
        document = _layout(template_name, context)
        if context.get("banji") and len(document.pages) % 2:
            document = _layout(template_name, context | {"banji_own_page": True})
        return document.write_pdf()
    finally:
        # WeasyPrint keeps layout objects alive in cycles; a long-lived worker grows without this.
        gc.collect()
