"""The document of a 述职评议 round: the result table (述职评议结果), issued as a GB/T 9704 通报
of the township's party committee, each secretary's tier, the group counts and the 约谈."""

import hashlib
import json

from django.db.models import Count, Max, Sum
from django.utils import timezone

from common.dates import today
from duty_reports.models import DutyRound, VoteGroup
from duty_reports.selectors import round_rows

from .. import pdf


def fingerprint(job) -> str:
    """What the table shows: the round's status, every report's result, the votes and the 约谈."""
    duty_round = DutyRound.objects.get(pk=job.params["duty_round"])
    state = duty_round.reports.aggregate(
        n=Count("pk", distinct=True),
        revisions=Sum("revision"),
        votes=Max("votes__pk"),
        interviews=Max("interviews__pk"),
    )
    state.update(status=duty_round.status, tiers=list(duty_round.reports.order_by("pk").values_list("tier", "score")))
    return hashlib.sha256(json.dumps(state, default=str, sort_keys=True).encode()).hexdigest()


def round_result(job, campaign, progress) -> bytes:
    """述职评议结果: the round's branches with secretary, weighted score, tier and 约谈, then each group's count."""
    duty_round = DutyRound.objects.select_related("township__county").get(pk=job.params["duty_round"])
    progress(30, "汇总评议结果")
    rows = round_rows(duty_round)
    tiers = {label: sum(r.report.get_tier_display() == label for r in rows) for label in ("好", "较好", "一般", "差")}
    progress(60, f"排版 {len(rows)} 个党支部")
    issued_on = timezone.localdate(duty_round.published_at) if duty_round.published_at else today()
    return pdf.render_pdf(
        "reports/pdf/duty_round.html",
        {
            "round": duty_round,
            "rows": rows,
            "tiers": tiers,
            "groups": [(VoteGroup(g).label, w) for g, w in duty_round.weights.items()],
            "masthead": f"中共{duty_round.township.name}委员会",
            "doc_number": "",  # no 文号: the product holds no sequence of the committee's for this document
            "issued_on": issued_on,
            "banji": pdf.township_banji(duty_round.township, issued_on),
        },
    )
