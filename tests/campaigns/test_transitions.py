"""One transitions shape for both workflows: a table of ``Rule``s and one function that
checks the state, runs the step, saves the row and writes its record."""

import pytest

from campaigns.workflow import TRANSITIONS
from common.transitions import Rule, rule, transition_apply
from inspections.services import LEDGER_STEPS


class Row:
    def __init__(self, state):
        self.state = state
        self.saved = []

    def save(self, update_fields=None):
        self.saved.append((self.state, update_fields))


class Refused(Exception):
    pass


STEP = rule("go", "前进", {"a"}, "b", {"township_staff"})


def test_a_step_saves_the_row_then_writes_its_record():
    row, records = Row("a"), []
    result = transition_apply(
        row,
        STEP,
        prepare=lambda r: {"seen": r.state},
        record=lambda before, after, kept: records.append((before, after, kept)) or "record",
        refused=Refused,
        update_fields=["state"],
    )
    assert result == "record" and row.state == "b"
    assert row.saved == [("b", ["state"])] and records == [("a", "b", {"seen": "a"})]


@pytest.mark.parametrize("state", ["b", "z"])
def test_a_step_from_another_state_changes_nothing(state):
    row, touched = Row(state), []
    with pytest.raises(Refused):
        transition_apply(row, STEP, prepare=touched.append, record=lambda *a: touched.append(a), refused=Refused)
    assert row.state == state and not row.saved and not touched


def test_a_refusing_preparation_leaves_the_state_unsaved():
    def prepare(row):
        raise Refused("理由")

    row = Row("a")
    with pytest.raises(Refused):
        transition_apply(row, STEP, prepare=prepare, record=lambda *a: pytest.fail("recorded"), refused=Refused)
    assert row.state == "a" and not row.saved


def test_both_workflows_are_tables_of_the_same_rule(cast):
    for table in (TRANSITIONS, LEDGER_STEPS):
        assert all(isinstance(step, Rule) and step.action == action for action, step in table.items())
    secretary, staff = cast.users["branch_secretary"], cast.users["township_staff"]
    assert LEDGER_STEPS["rectify"].permits(secretary) and not LEDGER_STEPS["close"].permits(secretary)
    assert TRANSITIONS["return"].permits(staff) and not TRANSITIONS["return"].permits(secretary)


def test_a_ledger_step_is_saved_so_the_audit_trail_records_it(cast):
    from django.contrib.contenttypes.models import ContentType

    from audit.models import AuditEntry
    from common.dates import today
    from inspections.models import LedgerEvent, LedgerItem
    from inspections.services import ledger_item_create, ledger_step

    item = ledger_item_create(
        branch=cast.branch,
        problem="缺记录",
        task="补记录",
        responsible="书记",
        deadline=today(),
        actor=cast.users["township_staff"],
    )
    ledger_step(item, "rectify", text="已补", actor=cast.users["branch_secretary"])
    trail = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(LedgerItem), object_pk=str(item.pk)
    ).order_by("pk")
    assert "status" in trail.last().changes
    assert LedgerEvent.objects.get(item=item).action == "rectify"
