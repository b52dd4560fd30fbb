"""Uploaded files checked by their content: the checks sheet evidence and record photos share."""

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from io import BytesIO

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

ALLOWED_TYPES = {"image/jpeg": "JPEG 照片", "image/png": "PNG 图片", "application/pdf": "PDF 文件"}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
DISPLAY_MAX_PIXELS = 1600
ERROR_TYPE = "只能上传 JPEG、PNG 照片或 PDF 文件；“{name}”的内容不是这几种格式。"
ERROR_PHOTO = "只能上传 JPEG、PNG 照片；“{name}”的内容不是照片。"
ERROR_DAMAGED = "“{name}”已损坏，无法打开。"
ERROR_FILE_SIZE = "“{name}”超过单个文件 {limit} MB 的上限。"
ERROR_STORAGE = "“{name}”未能保存（服务器磁盘已满或读写出错），没有留下任何记录，请稍后重试或联系系统管理员。"
ERROR_EMPTY = "请选择要上传的文件。"
# Decompression bombs: refuse images beyond this many pixels (a 50 MP phone photo is fine).
Image.MAX_IMAGE_PIXELS = 80_000_000


class UploadRefused(Exception):
    """An upload that is not stored; the message says why, in Chinese."""


def clean_filename(name: str) -> str:
    """The name a person gave the file, safe to show: no folders (../), no
    control or direction-changing characters (NUL, U+202E), at most 200
    characters. It is only shown: the stored file has a random name."""
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return name.strip(" .")[:200] or "未命名文件"


def megabytes(limit: int) -> int:
    return limit // (1024 * 1024)


def display_copy(data: bytes) -> bytes | None:
    """A smaller JPEG for showing large phone photos; the original is kept."""
    with Image.open(BytesIO(data)) as image:
        if max(image.size) <= DISPLAY_MAX_PIXELS:
            return None
        image = image.convert("RGB")
        image.thumbnail((DISPLAY_MAX_PIXELS, DISPLAY_MAX_PIXELS))
        out = BytesIO()
        image.save(out, "JPEG", quality=85)
        return out.getvalue()


def checked_content(data: bytes, *, name: str, images_only: bool = False) -> tuple[str, bytes | None]:
    """The content type read from the bytes (never the name), and a display copy for a
    large image. Refuses other types, images that do not open and PDFs that do not end."""
    kind = filetype.guess(data)
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED_TYPES or (images_only and not content_type.startswith("image/")):
        raise UploadRefused((ERROR_PHOTO if images_only else ERROR_TYPE).format(name=name))
    if content_type.startswith("image/"):
        try:
            with Image.open(BytesIO(data)) as image:
                image.verify()
            return content_type, display_copy(data)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
            raise UploadRefused(ERROR_DAMAGED.format(name=name)) from None
    if b"%%EOF" not in data[-2048:]:
        raise UploadRefused(ERROR_DAMAGED.format(name=name))
    return content_type, None


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the name to show (cleaned)
    data: bytes
    content_type: str
    display: bytes | None  # a smaller copy of a large image

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_checked(upload, *, used: int, limit: int, over_limit: str, images_only: bool = False) -> CheckedUpload:
    """The checks every upload passes before it is stored: a file at all, the size of
    the file and of everything already stored under the same ``limit`` (``used``
    bytes), the type by content, images that open, PDFs that end."""
    if upload is None:
        raise UploadRefused(ERROR_EMPTY)
    name = clean_filename(upload.name)
    if upload.size > settings.EVIDENCE_MAX_FILE_BYTES:
        raise UploadRefused(ERROR_FILE_SIZE.format(name=name, limit=megabytes(settings.EVIDENCE_MAX_FILE_BYTES)))
    if used + upload.size > limit:
        raise UploadRefused(over_limit.format(limit=megabytes(limit)))
    data = upload.read()
    content_type, display = checked_content(data, name=name, images_only=images_only)
    return CheckedUpload(name, data, content_type, display)


def save_with_files(instance, checked: CheckedUpload):
    """Save ``instance`` with its ``file`` (and ``display``) fields written from ``checked``.
    Disk full, an I/O error, the database gone: no row pointing at a missing file,
    no file without a row; a storage failure is refused in Chinese."""
    try:
        instance.file.save("upload", ContentFile(checked.data), save=False)
        if checked.display:
            instance.display.save("display", ContentFile(checked.display), save=False)
        instance.save()
    except BaseException as failed:
        for stored in (instance.file, instance.display):
            if stored:
                stored.storage.delete(stored.name)
        if not isinstance(failed, OSError):
            raise
        logging.getLogger(__name__).error("upload not stored: %s", failed)
        raise UploadRefused(ERROR_STORAGE.format(name=checked.name)) from None
    return instance


def delete_files(instances) -> None:
    """Remove the stored files of rows that are being given up (all-or-none uploads)."""
    for instance in instances:
        for stored in (instance.file, instance.display):
            if stored:
                stored.storage.delete(stored.name)


def stored_file_response(row, variant: str = "original"):
    """A stored upload (sheet evidence or a record's photo) served inline, never cached and never
    sniffed; ``variant="display"`` serves the smaller copy of a large image when there is one.
    The caller has already checked who may see ``row``."""
    from urllib.parse import quote

    from django.http import FileResponse

    stored = row.display if variant == "display" and row.display else row.file
    response = FileResponse(stored.open("rb"), content_type="image/jpeg" if stored is row.display else row.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(row.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
