"""The shape every workflow shares: a table of rules, and one function that takes a step.

A workflow (a participant's way through a campaign, a problem on the ledger) is a table
of ``Rule``s keyed by action. ``transition_apply`` is the only code that moves a row
from one state to the next: it checks the source state, runs the step's own checks and
side effects, sets the state, saves the row and writes the step's record. It knows no
model: the caller hands it the row, the record to write and the refusal to raise.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One step: ``action`` takes a row in one of ``sources`` to ``target``.

    ``label`` names it for people; ``roles`` may take it; ``phases`` are the periods of
    the workflow in which it is open (empty: whenever the row is in a source state).
    """

    action: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    phases: tuple[str, ...] = ()

    def permits(self, user) -> bool:
        """Whether ``user``'s role may take this step (a superuser may take any)."""
        return bool(user.is_superuser or getattr(user, "role", None) in self.roles)


def rule(action: str, label: str, sources: Iterable[str], target: str, roles: Iterable[str], *phases: str) -> Rule:
    return Rule(action, label, frozenset(sources), target, frozenset(roles), tuple(phases))


def rule_table(*rules: Rule) -> dict[str, Rule]:
    """The rules keyed by their action, in the order given (the order buttons are offered)."""
    return {step.action: step for step in rules}


def transition_apply(
    row,
    step: Rule,
    *,
    record: Callable[[str, str, Any], Any],
    refused: Callable[[], Exception],
    prepare: Callable[[Any], Any] | None = None,
    field: str = "state",
    update_fields: list[str] | None = None,
):
    """Take ``step`` on ``row`` and return the record written for it.

    1. Raise ``refused()`` unless ``row``'s ``field`` is one of the step's sources.
    2. Run ``prepare(row)``: the step's own checks and side effects. It may raise to
       refuse; what it returns is handed to ``record``.
    3. Set ``field`` to the step's target and save the row: a real ``save()``, never a
       bulk update, so the audit trail records the change (``update_fields`` if given).
    4. Write the step's record: ``record(from_state, to_state, prepared)``.

    Call it inside the caller's transaction, on a row locked for update, so a refusal
    or a failure half way changes nothing.
    """
    before = getattr(row, field)
    if before not in step.sources:
        raise refused()
    prepared = prepare(row) if prepare is not None else None
    setattr(row, field, step.target)
    row.save(update_fields=update_fields)
    return record(before, step.target, prepared)
