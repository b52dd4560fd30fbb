"""What the lower floors announce and the apps above them act on.

The register (floor 1) may not import the audit trail, nor the records (floor 3)
the score sheets; they send these signals, and the apps that care connect to them
in their ``AppConfig.ready``."""

from django.dispatch import Signal

# A file was served: request, obj (what it is about), filename, data (the bytes), detail (dict or None).
# The audit trail records it with the bytes' SHA-256.
file_served = Signal()

# An import was tried: request, upload, what, outcome, rows (or None). The audit trail records it.
file_imported = Signal()

# Records a score sheet may read as facts changed: branch, year, actor.
# Score sheets of that branch and year that follow their facts are brought up to date.
facts_changed = Signal()
