"""Photos of the records a branch keeps: the same checks as sheet evidence, stored apart from it."""

from django.conf import settings
from django.db.models import Sum

from common.files import UploadRefused, delete_files, read_checked, save_with_files

from .models import RecordPhoto

MAX_RECORD_PHOTOS = 9
ERROR_TOO_MANY = "一次最多上传 {n} 张照片或文件。"
ERROR_RECORDS_SIZE = "本支部记录的照片和材料已达 {limit} MB 上限，不能再上传，请联系镇党委。"


def photo_store(*, branch, upload, actor) -> RecordPhoto:
    """One checked upload, counted against the branch's records allowance (``EVIDENCE_MAX_RECORD_BYTES``)."""
    used = RecordPhoto.objects.filter(branch=branch).aggregate(total=Sum("size"))["total"] or 0
    checked = read_checked(upload, used=used, limit=settings.EVIDENCE_MAX_RECORD_BYTES, over_limit=ERROR_RECORDS_SIZE)
    photo = RecordPhoto(
        branch=branch,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    return save_with_files(photo, checked)


def photos_store(*, branch, uploads, actor) -> list[RecordPhoto]:
    """All or none: when one is refused, the files already stored for the others are removed again."""
    uploads = list(uploads)
    if len(uploads) > MAX_RECORD_PHOTOS:
        raise UploadRefused(ERROR_TOO_MANY.format(n=MAX_RECORD_PHOTOS))
    stored = []
    try:
        for upload in uploads:
            stored.append(photo_store(branch=branch, upload=upload, actor=actor))
    except BaseException:
        delete_files(stored)
        raise
    return stored
