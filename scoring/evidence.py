"""Evidence uploads, checked by content and kept unchanged."""

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum

from common.files import (
    ERROR_EMPTY,
    ERROR_FILE_SIZE,
    ERROR_STORAGE,
    UploadRefused,
    checked_content,
    clean_filename,
    megabytes,
)

from .models import Evidence, ScoreSheet
from .services import item_editable

ERROR_SHEET_SIZE = "这张评分表的佐证材料已达 {limit} MB 上限，不能再上传。"
ERROR_RECORDS_SIZE = "本支部记录的照片和材料已达 {limit} MB 上限，不能再上传，请联系镇党委。"
ERROR_ITEM = "该评分项当前不能修改，不能上传佐证材料。"
# the name callers have caught since evidence had its own checks
EvidenceRefused = UploadRefused


@transaction.atomic
def evidence_add(*, sheet: ScoreSheet, item_code: str, upload, actor) -> Evidence:
    """Check an upload by its content and store it under a random name."""
    if upload is None:
        raise EvidenceRefused(ERROR_EMPTY)
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if not item_editable(sheet, item_code) or not sheet.framework.items.filter(code=item_code).exists():
        raise EvidenceRefused(ERROR_ITEM)
    return evidence_store(sheet=sheet, item_code=item_code, upload=upload, actor=actor)


def evidence_store(
    *, upload, actor, sheet: ScoreSheet | None = None, branch=None, item_code: str = "", images_only: bool = False
) -> Evidence:
    """The checks every upload passes, and storing it: size per file and per
    sheet (or per branch's records, without a sheet), type by content, images
    that open, PDFs that end, a SHA-256."""
    if upload is None:
        raise EvidenceRefused(ERROR_EMPTY)
    branch = sheet.branch if sheet is not None else branch
    name = clean_filename(upload.name)
    if upload.size > settings.EVIDENCE_MAX_FILE_BYTES:
        raise EvidenceRefused(ERROR_FILE_SIZE.format(name=name, limit=megabytes(settings.EVIDENCE_MAX_FILE_BYTES)))
    if sheet is not None:
        used, limit = sheet.evidence.aggregate(total=Sum("size"))["total"] or 0, settings.EVIDENCE_MAX_SHEET_BYTES
    else:
        used = Evidence.objects.filter(branch=branch, sheet=None).aggregate(total=Sum("size"))["total"] or 0
        limit = settings.EVIDENCE_MAX_RECORD_BYTES
    if used + upload.size > limit:
        raise EvidenceRefused((ERROR_SHEET_SIZE if sheet else ERROR_RECORDS_SIZE).format(limit=megabytes(limit)))
    data = upload.read()
    content_type, display = checked_content(data, name=name, images_only=images_only)
    evidence = Evidence(
        sheet=sheet,
        branch=branch,
        item_code=item_code,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    try:
        evidence.file.save("upload", ContentFile(data), save=False)
        if display:
            evidence.display.save("display", ContentFile(display), save=False)
        evidence.save()
    except BaseException as failed:
        # disk full, an I/O error, the database gone: no row pointing at a missing file, no file without a row
        for stored in (evidence.file, evidence.display):
            if stored:
                stored.storage.delete(stored.name)
        if not isinstance(failed, OSError):
            raise
        logging.getLogger(__name__).error("evidence not stored: %s", failed)
        raise EvidenceRefused(ERROR_STORAGE.format(name=name)) from None
    return evidence


MAX_RECORD_PHOTOS = 9
ERROR_TOO_MANY = "一次最多上传 {n} 张照片或文件。"


def photos_store(*, branch, uploads, actor) -> list[Evidence]:
    """Photos of a record the branch keeps (no sheet). All or none: when one is
    refused, the files already stored for the others are removed again."""
    uploads = list(uploads)
    if len(uploads) > MAX_RECORD_PHOTOS:
        raise EvidenceRefused(ERROR_TOO_MANY.format(n=MAX_RECORD_PHOTOS))
    stored = []
    try:
        for upload in uploads:
            stored.append(evidence_store(branch=branch, upload=upload, actor=actor))
    except BaseException:
        for evidence in stored:
            evidence.file.delete(save=False)
            if evidence.display:
                evidence.display.delete(save=False)
        raise
    return stored
