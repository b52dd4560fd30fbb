from django.core.management import call_command
import os

def test_scratch(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    from duty_reports.models import DutyRound
    r = DutyRound.objects.get()
    for rep in r.reports.select_related("branch").order_by("branch__name"):
        print(rep.branch.name, rep.secretary_name, rep.score, rep.tier, rep.tier_rule, rep.interviews.count())
    print(r.reports.get(branch__name="那姑村党支部").text)
