"""Evidence uploads, checked by content and kept unchanged."""

import hashlib
from io import BytesIO

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from PIL import Image, UnidentifiedImageError

from .models import Evidence, ScoreSheet
from .services import item_editable

ALLOWED_TYPES = {"image/jpeg": "JPEG 照片", "image/png": "PNG 图片", "application/pdf": "PDF 文件"}
DISPLAY_MAX_PIXELS = 1600
ERROR_TYPE = "只能上传 JPEG、PNG 照片或 PDF 文件；「{name}」的内容不是这几种格式。"
ERROR_DAMAGED = "「{name}」已损坏，无法打开。"
ERROR_FILE_SIZE = "「{name}」超过单个文件 {limit} MB 的上限。"
ERROR_SHEET_SIZE = "这张评分表的佐证材料已达 {limit} MB 上限，不能再上传。"
ERROR_EMPTY = "请选择要上传的文件。"
ERROR_PHOTO = "只能上传 JPEG、PNG 照片；「{name}」的内容不是照片。"
ERROR_ITEM = "该评分项当前不能修改，不能上传佐证材料。"
# Decompression bombs: refuse images beyond this many pixels (a 50 MP phone photo is fine).
Image.MAX_IMAGE_PIXELS = 80_000_000


class EvidenceRefused(Exception):
    pass


def _mb(limit: int) -> int:
    return limit // (1024 * 1024)


def _display_copy(data: bytes) -> bytes | None:
    """A smaller JPEG for showing large phone photos; the original is kept."""
    with Image.open(BytesIO(data)) as image:
        if max(image.size) <= DISPLAY_MAX_PIXELS:
            return None
        image = image.convert("RGB")
        image.thumbnail((DISPLAY_MAX_PIXELS, DISPLAY_MAX_PIXELS))
        out = BytesIO()
        image.save(out, "JPEG", quality=85)
        return out.getvalue()


@transaction.atomic
def evidence_add(*, sheet: ScoreSheet, item_code: str, upload, actor) -> Evidence:
    """Check an upload by its content and store it under a random name."""
    if upload is None:
        raise EvidenceRefused(ERROR_EMPTY)
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if not item_editable(sheet, item_code) or not sheet.framework.items.filter(code=item_code).exists():
        raise EvidenceRefused(ERROR_ITEM)
    return evidence_store(sheet=sheet, item_code=item_code, upload=upload, actor=actor)


def evidence_store(*, sheet: ScoreSheet, upload, actor, item_code: str = "", images_only: bool = False) -> Evidence:
    """The checks every upload passes, and storing it: size per file and per
    sheet, type by content, images that open, PDFs that end, a SHA-256."""
    if upload is None:
        raise EvidenceRefused(ERROR_EMPTY)
    name = upload.name[:200]
    if upload.size > settings.EVIDENCE_MAX_FILE_BYTES:
        raise EvidenceRefused(ERROR_FILE_SIZE.format(name=name, limit=_mb(settings.EVIDENCE_MAX_FILE_BYTES)))
    used = sheet.evidence.aggregate(total=Sum("size"))["total"] or 0
    if used + upload.size > settings.EVIDENCE_MAX_SHEET_BYTES:
        raise EvidenceRefused(ERROR_SHEET_SIZE.format(limit=_mb(settings.EVIDENCE_MAX_SHEET_BYTES)))
    data = upload.read()
    kind = filetype.guess(data)
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED_TYPES or (images_only and not content_type.startswith("image/")):
        raise EvidenceRefused((ERROR_PHOTO if images_only else ERROR_TYPE).format(name=name))
    display = None
    if content_type.startswith("image/"):
        try:
            with Image.open(BytesIO(data)) as image:
                image.verify()
            display = _display_copy(data)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
            raise EvidenceRefused(ERROR_DAMAGED.format(name=name)) from None
    elif b"%%EOF" not in data[-2048:]:
        raise EvidenceRefused(ERROR_DAMAGED.format(name=name))
    evidence = Evidence(
        sheet=sheet,
        item_code=item_code,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save("upload", ContentFile(data), save=False)
    if display:
        evidence.display.save("display", ContentFile(display), save=False)
    evidence.save()
    return evidence
