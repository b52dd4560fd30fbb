"""Evidence uploads, checked by content and kept unchanged."""

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from common.files import (
    ERROR_EMPTY,
    UploadRefused,
    read_checked,
    save_with_files,
)

from .models import Evidence, ScoreSheet
from .services import item_editable

ERROR_SHEET_SIZE = "这张评分表的佐证材料已达 {limit} MB 上限，不能再上传。"
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


def evidence_store(*, upload, actor, sheet: ScoreSheet, item_code: str = "", images_only: bool = False) -> Evidence:
    """The checks every upload passes (``common.files``), the sheet's total size, and
    storing it under a random name with its SHA-256."""
    used = sheet.evidence.aggregate(total=Sum("size"))["total"] or 0
    checked = read_checked(
        upload, used=used, limit=settings.EVIDENCE_MAX_SHEET_BYTES, over_limit=ERROR_SHEET_SIZE, images_only=images_only
    )
    evidence = Evidence(
        sheet=sheet,
        branch=sheet.branch,
        item_code=item_code,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    return save_with_files(evidence, checked)
