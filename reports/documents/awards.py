"""The documents of a selection (评选表彰): the certificates of a commended selection, one A4
landscape page per awardee, in the layout of the campaigns' 命名证书."""

import hashlib
import json

from awards.models import NominationState, Selection

from .. import pdf


def _awardees(selection):
    return list(
        selection.nominations.filter(state=NominationState.COMMENDED)
        .select_related("branch__township", "member")
        .order_by("branch__township__name", "branch__name", "member__name")
    )


def fingerprint(job) -> str:
    """The selection's awardees and its commendation: a certificate changes with neither otherwise."""
    selection = Selection.objects.get(pk=job.params["selection"])
    state = {
        "kind": job.kind,
        "params": job.params,
        "commended_on": selection.commended_on,
        "title": selection.title,
        "honour": selection.honour,
        "awardees": [[n.pk, n.branch.name, n.member.name if n.member_id else ""] for n in _awardees(selection)],
    }
    return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()


def certificates(job, campaign, progress) -> bytes:
    """荣誉证书: the awardee (name and unit), the honour, the selection, the date and the issuing body."""
    selection = Selection.objects.select_related("county", "township").get(pk=job.params["selection"])
    awardees = _awardees(selection)
    progress(40, f"排版 {len(awardees)} 张荣誉证书")
    return pdf.render_pdf(
        "reports/pdf/award_certificates.html",
        {"selection": selection, "awardees": awardees, "masthead": selection.issuing_body},
    )
