"""The documents the reports machinery produces, as jobs (reports.services).

- ``registry``: every document — kind, label, builder, family, who may ask for it;
- ``access``: a request's scope fixed into the job's parameters (``resolve``), who may see a
  job (``job_visible_to``) and what it read (``data_fingerprint``), by the one scoping rule;
- one module per family of builders, sharing the data gathering (``reports.gather``) between
  PDF (``reports.pdf``) and Excel (``common.workbooks``): ``campaign`` (verification report,
  score sheets, certificate, score matrix, standard ledger, progress table), ``inspection``
  (督查通报, problem ledger), ``audit_trail``, ``facts`` (facts grid, annual summary), ``duty_round`` (述职评议结果).
"""

from .access import data_fingerprint, job_visible_to, resolve
from .registry import DOCUMENTS, RECORD_KINDS, Document

__all__ = ["DOCUMENTS", "RECORD_KINDS", "Document", "data_fingerprint", "job_visible_to", "resolve"]
