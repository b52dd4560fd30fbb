"""What the board's charts draw, as plain data for ``json_script`` (static/js/target_board.js)."""


def _number(value):
    return float(value) if value is not None else None


def chart_data(board) -> dict:
    """The township's chart (each target this year, last year and the target), or, for the county,
    one chart a target with the townships side by side and the county's total."""
    if board.total is None:
        return {}
    if not board.townships:
        rows = board.total.rows
        return {
            "kind": "township",
            "labels": [row.target.name for row in rows],
            "this": [_number(row.this_year.percent) for row in rows],
            "last": [_number(row.last_year.percent) if row.last_year else None for row in rows],
            "targets": [_number(row.target.share) for row in rows],
            "reached": [row.this_year.reached for row in rows],
            "thisLabel": f"{board.year}年",
            "lastLabel": f"{board.year - 1}年",
        }
    charts = []
    for index, total_row in enumerate(board.total.rows):
        units = [(unit.unit.name, unit.rows[index]) for unit in board.townships] + [("全县", total_row)]
        charts.append(
            {
                "code": total_row.target.code,
                "title": total_row.target.name,
                "requirement": total_row.target.requirement,
                "labels": [name for name, _row in units],
                "this": [_number(row.this_year.percent) for _name, row in units],
                "last": [_number(row.last_year.percent) if row.last_year else None for _name, row in units],
                "reached": [row.this_year.reached for _name, row in units],
                "target": _number(total_row.target.share),
            }
        )
    return {"kind": "county", "charts": charts, "thisLabel": f"{board.year}年", "lastLabel": f"{board.year - 1}年"}
