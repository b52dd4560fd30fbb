"""What upper floors add to a sheet's page without scoring importing them.

The campaign workflow (floor 6) knows a sheet's deadline and its next step (申报, 验收通过,
复核确认); scoring (floor 4) only offers the place. An app registers a function in its
``AppConfig.ready``; the sheet page shows what each returns.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SheetPanel:
    """A block on the sheet page: a template and its context, and where 申报-like buttons go
    (``next_url``: the page the sheet form's “保存并…” button saves and then opens)."""

    template: str
    context: dict = field(default_factory=dict)
    next_url: str = ""
    next_label: str = ""


_PANELS: list[Callable] = []


def register_sheet_panel(panel: Callable) -> None:
    """``panel(sheet, user) -> SheetPanel | None``, called for every sheet page."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def sheet_panels(sheet, user) -> list[SheetPanel]:
    return [panel for panel in (fn(sheet, user) for fn in _PANELS) if panel is not None]
