"""Facts about one member over a period, from the records the branch keeps: absences from the
meetings without a reason that excuses them, pledges made and kept, households visited and deeds
done for the masses, services, and the member's own appraisal. They fill the member sheets
(创先争优 “五个模范”) as the branch facts fill the branch sheets.

Each member fact carries its worked rule in its source, e.g. ``公开承诺：承诺 2 项，已兑现 1 项、
未兑现 1 项 → 2 + 6 − 2 = 6 分``."""

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum
from django.urls import reverse

from common.dates import today as local_today
from records.models import (
    ATTENDANCE_KINDS,
    Absence,
    AbsenceReason,
    Appraisal,
    DeedKind,
    DuesPayment,
    LifeKind,
    MemberDeed,
    OrganisationalLife,
    Pledge,
    PledgeStatus,
)

from .values import FactValue, Period, RecordLink, fmt, percent

# 因病、因事请假、外出务工经商、年老体弱 excuse an absence (the framework: 请假并事后补学的不扣分); 其他 does not
UNEXCUSED = (AbsenceReason.OTHER,)
VISITS_DUE, DEEDS_FOR_FULL = 4, 2  # 五个模范 3.1: at least 4 visits a year, 2 deeds for the masses


# 党员星级评定: the meetings a member's attendance is counted at (三会一课 and 主题党日; 党课 apart, under 学习)
MEETING_KINDS = (LifeKind.GENERAL_MEETING, LifeKind.COMMITTEE_MEETING, LifeKind.GROUP_MEETING, LifeKind.THEME_DAY)
LECTURE_KINDS = (LifeKind.PARTY_LECTURE,)
REVIEW_KINDS = (LifeKind.LIFE_MEETING, LifeKind.MEMBER_APPRAISAL)


def member_facts(member, period: Period) -> dict[str, FactValue]:
    """Every fact of ``member`` over ``period`` (the same six queries as for many members)."""
    return members_facts([member], period)[member.pk]


def members_facts(members, period: Period) -> dict[int, dict[str, FactValue]]:
    """Every fact of each of ``members`` over ``period``, member id → fact → value: five aggregate
    queries whatever the number of members (a branch's yearly rating reads them all at once)."""
    members = list(members)
    ids = [m.pk for m in members]
    within = (period.start, period.end)
    attended: dict[int, dict[str, int]] = {}
    through = OrganisationalLife.attendees.through
    for member_id, kind, n in (
        through.objects.filter(
            member_id__in=ids, organisationallife__kind__in=ATTENDANCE_KINDS, organisationallife__held_on__range=within
        )
        .values("member_id", "organisationallife__kind")
        .annotate(n=Count("pk"))
        .values_list("member_id", "organisationallife__kind", "n")
    ):
        attended.setdefault(member_id, {})[kind] = n
    absent: dict[int, dict[tuple[str, str], int]] = {}
    for member_id, kind, reason, n in (
        Absence.objects.filter(member_id__in=ids, life__kind__in=ATTENDANCE_KINDS, life__held_on__range=within)
        .values("member_id", "life__kind", "reason")
        .annotate(n=Count("pk"))
        .values_list("member_id", "life__kind", "reason", "n")
    ):
        absent.setdefault(member_id, {})[(kind, reason)] = n
    deeds: dict[int, dict[str, int]] = {}
    for member_id, kind, n in (
        MemberDeed.objects.filter(
            member_id__in=ids, confirmed_at__isnull=False, done_on__range=within, done_on__gte=F("member__joined_on")
        )
        .values("member_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("member_id", "kind", "n")
    ):
        deeds.setdefault(member_id, {})[kind] = n
    pledges: dict[int, dict[str, int]] = {}
    for member_id, status, n in (
        Pledge.objects.filter(member_id__in=ids, year=period.end.year)
        .values("member_id", "status")
        .annotate(n=Count("pk"))
        .values_list("member_id", "status", "n")
    ):
        pledges.setdefault(member_id, {})[status] = n
    appraisals = {
        row["member_id"]: row
        for row in Appraisal.objects.filter(member_id__in=ids, held_on__range=within)
        .values("member_id")
        .annotate(s=Sum("satisfied"), b=Sum("basically_satisfied"), d=Sum("dissatisfied"))
    }
    no_appraisal = {"s": None, "b": None, "d": None}
    dues = _dues_standing(members, period)
    return {
        member_id: _one_member(
            period.label,
            attended.get(member_id, {}),
            absent.get(member_id, {}),
            deeds.get(member_id, {}),
            pledges.get(member_id, {}),
            appraisals.get(member_id, no_appraisal),
        )
        | {"member_dues_standing": dues[member_id]}
        for member_id in ids
    }


DUES_LAPSE_MONTHS = 6  # 无正当理由连续6个月不交纳党费 (党章: 视为自行脱党)


def _dues_standing(members, period: Period) -> dict[int, FactValue]:
    """党费 from the register, one query: 2 when every month owed (over, on the roll) was paid in full,
    0 after 6 months running with nothing paid, else 1 (paid short or late)."""
    months = period.due_months(local_today())
    paid: dict[tuple[int, date], tuple[Decimal, Decimal]] = {
        (member_id, month): (due, amount)
        for member_id, month, due, amount in DuesPayment.objects.filter(
            member_id__in=[m.pk for m in members], month__range=(period.start, period.end)
        ).values_list("member_id", "month", "due", "paid")
    }
    result = {}
    for member in members:
        owed = [
            date(y, m, 1)
            for y, m in months
            if member.joined_on <= date(y, m, calendar.monthrange(y, m)[1])
            and (member.left_on is None or member.left_on >= date(y, m, 1))
        ]
        if not owed:
            result[member.pk] = FactValue(None, f"党费收缴台账：{period.label}本人尚无应交党费的月份")
            continue
        short, run, longest = 0, 0, 0
        for month in owed:
            due, amount = paid.get((member.pk, month), (None, Decimal(0)))
            if due is None or amount < due:
                short += 1
            run = run + 1 if amount == 0 else 0
            longest = max(longest, run)
        value = 0 if longest >= DUES_LAPSE_MONTHS else (1 if short else 2)
        result[member.pk] = FactValue(
            Decimal(value),
            f"党费收缴台账：{period.label}应交 {len(owed)} 个月，足额 {len(owed) - short} 个月、未交或少交 {short} 个月"
            + (f"（连续 {longest} 个月未交）" if longest >= DUES_LAPSE_MONTHS else "")
            + f" → {('按月足额', '未按月足额', '连续6个月以上未交')[2 - value]}",
        )
    return result


def _one_member(label, attended, absent, deeds, pledges, appraisal) -> dict[str, FactValue]:
    unexcused = sum(n for (_kind, reason), n in absent.items() if reason in UNEXCUSED)
    return {
        "member_unexcused_absences": FactValue(
            Decimal(unexcused),
            f"组织生活记录：{label}无正当理由缺席集中学习和组织生活 {unexcused} 次（因病、请假、外出务工、年老体弱不计）",
        ),
        "member_meeting_rate": _attendance(attended, absent, MEETING_KINDS, "三会和主题党日", label),
        "member_lecture_rate": _attendance(attended, absent, LECTURE_KINDS, "党课", label),
        "member_reviews_attended": _reviews(attended, absent, label),
        "member_pledge_points": _pledge_points(pledges, label),
        "member_service_points": _service_points(deeds, label),
        "member_services": FactValue(
            Decimal(deeds.get(DeedKind.SERVICE, 0)),
            f"服务记录：{label}参加志愿服务 {deeds.get(DeedKind.SERVICE, 0)} 次（已确认）",
        ),
        "member_satisfaction_rate": _satisfaction(appraisal, label),
    }


def _attendance(attended, absent, kinds, what: str, label: str) -> FactValue:
    """Attendance in percent of the meetings the member was due at (listed as present or away);
    an absence for 因病、因事请假、外出务工经商、年老体弱 counts as attended (请假视同参加)."""
    present = sum(attended.get(kind, 0) for kind in kinds)
    excused = sum(n for (kind, reason), n in absent.items() if kind in kinds and reason not in UNEXCUSED)
    unexcused = sum(n for (kind, reason), n in absent.items() if kind in kinds and reason in UNEXCUSED)
    due = present + excused + unexcused
    if not due:
        return FactValue(None, f"组织生活记录：{label}本人没有应参加的{what}记录")
    rate = percent(present + excused, due)
    return FactValue(
        rate,
        f"组织生活记录：{label}应参加{what} {due} 次，参加 {present} 次、请假 {excused} 次（视同参加）、"
        f"无故缺席 {unexcused} 次 → 参加率 {fmt(rate)}%",
    )


def _reviews(attended, absent, label: str) -> FactValue:
    """组织生活会 and 民主评议党员 the member took part in (an excused absence counts as taking part)."""
    present = sum(attended.get(kind, 0) for kind in REVIEW_KINDS)
    excused = sum(n for (kind, reason), n in absent.items() if kind in REVIEW_KINDS and reason not in UNEXCUSED)
    unexcused = sum(n for (kind, reason), n in absent.items() if kind in REVIEW_KINDS and reason in UNEXCUSED)
    if not present + excused + unexcused:
        return FactValue(None, f"组织生活记录：{label}本支部尚未召开组织生活会或民主评议党员")
    return FactValue(
        Decimal(present + excused),
        f"组织生活记录：{label}组织生活会和民主评议党员参加 {present} 次、请假 {excused} 次、无故缺席 {unexcused} 次",
    )


def _pledge_points(pledges: dict[str, int], label: str) -> FactValue:
    """五个模范 2.2: a public pledge 2 points; all kept 6 more, 2 fewer for each not kept (nor yet kept)."""
    made = sum(pledges.values())
    if not made:
        return FactValue(Decimal(0), f"公开承诺：{label}未作承诺 → 0 分")
    short = pledges.get(PledgeStatus.NOT_KEPT, 0) + pledges.get(PledgeStatus.OPEN, 0)
    points = 2 + max(0, 6 - 2 * short)
    return FactValue(
        Decimal(points),
        f"公开承诺：{label}承诺 {made} 项，已兑现 {pledges.get(PledgeStatus.KEPT, 0)} 项、"
        f"未兑现或待兑现 {short} 项 → 2 + {max(0, 6 - 2 * short)} = {points} 分",
    )


def _service_points(deeds: dict[str, int], label: str) -> FactValue:
    """五个模范 3.1: visits (一对一帮扶) 3 points less 1 for each short of 4; deeds: 2 or more 5, one 3."""
    visits, done = deeds.get(DeedKind.PAIRING, 0), deeds.get(DeedKind.DEED, 0)
    visit_points = max(0, 3 - max(0, VISITS_DUE - visits))
    deed_points = 5 if done >= DEEDS_FOR_FULL else 3 if done == 1 else 0
    return FactValue(
        Decimal(visit_points + deed_points),
        f"办实事和帮扶记录：{label}结对走访 {visits} 次 → {visit_points} 分，为群众办实事 {done} 件 → "
        f"{deed_points} 分（已确认），共 {visit_points + deed_points} 分",
    )


def _satisfaction(appraisal: dict, label: str) -> FactValue:
    if appraisal["s"] is None:
        return FactValue(None, f"群众评议：{label}尚未对本人开展评议")
    good = appraisal["s"] + appraisal["b"]
    valid = good + appraisal["d"]
    rate = (Decimal(100 * good) / valid).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if valid else None
    return FactValue(rate, f"群众评议：{label}评议本人有效测评表 {valid} 份，满意和基本满意 {good} 份，满意率 {rate}%")


def member_records(member, period: Period) -> dict[str, list[RecordLink]]:
    """The records behind each member fact, each linked to where it is kept."""
    branch = member.branch
    year = period.end.year
    life_url = reverse("records:life", args=[branch.pk]) + f"?year={year}"
    deeds_url = reverse("records:deeds", args=[branch.pk]) + f"?year={year}"
    pledges_url = reverse("records:pledges", args=[branch.pk]) + f"?year={year}"
    absences = [
        RecordLink(
            f"{a.life.held_on:%Y-%m-%d} {a.life.get_kind_display()}：缺席（{a.get_reason_display()}）",
            f"{life_url}#life-{a.life_id}",
        )
        for a in Absence.objects.filter(member=member, life__held_on__range=(period.start, period.end))
        .select_related("life")
        .order_by("life__held_on")
    ]
    deeds: dict[str, list[RecordLink]] = {}
    for deed in MemberDeed.objects.filter(
        member=member, confirmed_at__isnull=False, done_on__range=(period.start, period.end)
    ).prefetch_related("photos"):
        deeds.setdefault(deed.kind, []).append(
            RecordLink(
                f"{deed.done_on:%Y-%m-%d} {deed.get_kind_display()}：{deed.description}",
                f"{deeds_url}#deed-{deed.pk}",
                list(deed.photos.all()),
            )
        )
    pledges = [
        RecordLink(f"{p.content}（{p.get_status_display()}）", f"{pledges_url}#pledge-{p.pk}", list(p.photos.all()))
        for p in Pledge.objects.filter(member=member, year=year).prefetch_related("photos")
    ]
    appraisals = [
        RecordLink(
            f"{a.held_on:%Y-%m-%d} 评议本人：满意 {a.satisfied}、基本满意 {a.basically_satisfied}、不满意 {a.dissatisfied}",
            reverse("records:appraisals", args=[branch.pk]) + f"#appraisal-{a.pk}",
        )
        for a in Appraisal.objects.filter(member=member, held_on__range=(period.start, period.end))
    ]
    return {
        "member_unexcused_absences": absences,
        "member_meeting_rate": absences,
        "member_lecture_rate": absences,
        "member_reviews_attended": absences,
        "member_pledge_points": pledges,
        "member_service_points": deeds.get(DeedKind.PAIRING, []) + deeds.get(DeedKind.DEED, []),
        "member_services": deeds.get(DeedKind.SERVICE, []),
        "member_satisfaction_rate": appraisals,
        "member_dues_standing": [
            RecordLink(f"{year}年党费收缴台账", reverse("records:dues", args=[branch.pk]) + f"?month={year}-12")
        ],
    }
