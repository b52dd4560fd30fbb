"""The assessment workflow: one state machine for a participant in a campaign.

``machine.TRANSITIONS`` is the whole machine (``common.transitions.Rule``s), and
``machine.take_step`` the only code that changes a participant's state: through
``common.transitions.transition_apply`` it checks the state, runs the step's checks and
side effects, saves the participant and records who did what, when, from, to and why.

- ``machine``: the rule table, the error messages, the checks of role, unit and phase;
- ``participant``: one participant's steps (``transition``), its verification and
  review sheets, a phase extended for one branch;
- ``review``: the county's sample of the recommendations and the end of the review;
- ``publicity``: publicity, objections and naming.

Import from ``campaigns.workflow``; the modules are its rooms, not its doors.
"""

from common.dates import today

from .machine import (
    TRANSITIONS,
    VERIFICATION_METHODS,
    WorkflowError,
    allowed_actions,
    may_manage_phase,
    phase_manager_role,
    phase_open,
    publisher_role,
)
from .participant import (
    REVIEW,
    VERIFICATION,
    StageSheet,
    phase_extend,
    review_open,
    snapshot,
    transition,
    verification_open,
)
from .publicity import naming, objection_record, objection_resolve, objection_submit_public, publicity_start
from .review import draw_sample, review_close, review_sample

__all__ = [
    "REVIEW",
    "TRANSITIONS",
    "VERIFICATION",
    "VERIFICATION_METHODS",
    "StageSheet",
    "WorkflowError",
    "allowed_actions",
    "draw_sample",
    "may_manage_phase",
    "naming",
    "objection_record",
    "objection_resolve",
    "objection_submit_public",
    "phase_extend",
    "phase_manager_role",
    "phase_open",
    "publisher_role",
    "publicity_start",
    "review_close",
    "review_open",
    "review_sample",
    "snapshot",
    "today",
    "transition",
    "verification_open",
]
