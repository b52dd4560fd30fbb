"""Workbook helpers: the hostile-upload guard, formula escaping, the content type, tables written and read."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(name="宋体", bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
CELL_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_PREFIXES)


def guard_formula(cell):
    """Text a user typed must never run as a formula in the reader's Excel: a cell whose text starts
    like a formula (=, +, -, @) is stored as text and carries Excel's quote prefix (the apostrophe
    Excel and WPS keep out of the cell and off the printout), so that neither opening the file nor
    editing the cell turns it into one. The text itself is kept exactly as typed."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def write_table(ws, headers: list[str], rows, *, widths: list[int] | None = None) -> None:
    """Write a header row and data rows to ``ws``, styled for printing."""
    ws.append(headers)
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = CELL_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            cell.border = CELL_BORDER
            guard_formula(cell)
    for index, header in enumerate(headers, start=1):
        width = widths[index - 1] if widths else max(10, len(header) * 2 + 2)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    print_setup(
        ws, [ws.column_dimensions[get_column_letter(i)].width for i in range(1, len(headers) + 1)], title_rows="1:1"
    )


def wrap_rows(ws, widths: list[int]) -> None:
    """Wrap long text in the data rows and give each row the height its text
    needs, since Excel, WPS and LibreOffice do not grow rows by themselves."""
    for row in ws.iter_rows(min_row=2):
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            cell.alignment = WRAP_TOP
            text = "" if cell.value is None else str(cell.value)
            # a CJK character is about two width units wide
            lines = max(lines, -(-len(text) * 2 // max(width - 1, 1)))
        ws.row_dimensions[row[0].row].height = 15 * lines


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class WorkbookRefused(Exception):
    """An uploaded file that will not be opened; the message is for the user."""


ERROR_NOT_XLSX = "无法读取该文件：请上传 .xlsx 格式的 Excel 文件（可用本系统的模板）。"
ERROR_TOO_LARGE = "文件过大：不能超过 {limit} MB。"
ERROR_MACROS = "文件含有宏：请另存为不含宏的 .xlsx 文件后再上传。"
ERROR_BOMB = "文件解压后过大，无法读取：请确认上传的是正常的 Excel 文件。"
ERROR_ENTRIES = "文件内部结构异常（条目过多或路径不合法），无法读取：请用 Excel 另存为 .xlsx 后再上传。"
ERROR_LINKS = "文件含有指向其他文件的外部链接：请在 Excel 中断开链接、另存后再上传。"
ERROR_FORMULA = (
    "“{sheet}”工作表第 {row} 行“{column}”是公式，系统只读取填写的数值：请复制该列后“选择性粘贴 → 数值”，再上传。"
)
# Uncompressed size allowed per compressed byte, and in all: a sheet of a few
# thousand rows is a few MB; a zip bomb is gigabytes.
_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
_MAX_RATIO = 200
_MAX_ENTRIES = 1000  # a workbook of a few sheets has a few dozen parts


def open_uploaded_workbook(file, *, max_bytes: int):
    """Open an uploaded .xlsx as hostile input: size limit, no macros, no
    external links followed, no zip bombs. Returns a read-only workbook."""
    import zipfile

    from openpyxl import load_workbook

    if file.size > max_bytes:
        raise WorkbookRefused(ERROR_TOO_LARGE.format(limit=max(1, max_bytes // (1024 * 1024))))
    data = file.read()
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            names = {member.filename.lower() for member in members}
    except zipfile.BadZipFile:
        raise WorkbookRefused(ERROR_NOT_XLSX) from None
    # refused by what the archive declares, before anything is decompressed
    if len(members) > _MAX_ENTRIES or any(
        name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or "\x00" in name for name in names
    ):
        raise WorkbookRefused(ERROR_ENTRIES)
    if unpacked > _MAX_UNPACKED_BYTES or unpacked > _MAX_RATIO * max(len(data), 1):
        raise WorkbookRefused(ERROR_BOMB)
    if any(name.endswith("vbaproject.bin") for name in names):
        raise WorkbookRefused(ERROR_MACROS)
    if any(name.startswith("xl/externallinks/") for name in names):
        raise WorkbookRefused(ERROR_LINKS)
    try:
        # defusedxml is installed, so openpyxl parses the sheets' XML safely;
        # keep_links=False drops external links instead of following them.
        # Not data_only: a formula's cached value is whatever the file claims, so
        # read_table sees formula cells as formulas and refuses them.
        return load_workbook(BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a malformed file
        raise WorkbookRefused(ERROR_NOT_XLSX) from None


def cell_value(value):
    """A cell as the validation wants it: dates as dates, whole floats as ints, text stripped."""
    from datetime import datetime

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def read_table(workbook, sheet_name: str, headers: list[str], *, required: list[str] | None = None):
    """Rows of a sheet as (row number, {header: value}), skipping empty rows.

    Raises WorkbookRefused naming the missing sheet or columns."""
    if sheet_name not in workbook.sheetnames:
        raise WorkbookRefused(f"缺少“{sheet_name}”工作表：请使用本系统提供的模板。")
    try:
        return _read_rows(workbook[sheet_name], sheet_name, headers, required)
    except WorkbookRefused:
        raise
    except Exception:  # openpyxl parses each cell (formulas too) as it reads: a malformed one is a bad file
        raise WorkbookRefused(ERROR_NOT_XLSX) from None


def _read_rows(worksheet, sheet_name: str, headers: list[str], required: list[str] | None):
    rows = worksheet.iter_rows()
    found = [str(cell.value).strip() if cell.value is not None else "" for cell in next(rows, ())]
    missing = [h for h in (required if required is not None else headers) if h not in found]
    if missing:
        raise WorkbookRefused(f"“{sheet_name}”工作表缺少列：{'、'.join(missing)}。请使用本系统提供的模板。")
    positions = {h: found.index(h) for h in headers if h in found}
    records = []
    for row_number, row in enumerate(rows, start=2):
        cells = {h: row[p] for h, p in positions.items() if p < len(row)}
        for header, cell in cells.items():
            if getattr(cell, "data_type", None) == "f":
                raise WorkbookRefused(ERROR_FORMULA.format(sheet=sheet_name, row=row_number, column=header))
        values = {h: cell_value(cells[h].value) if h in cells else None for h in positions}
        if all(v in (None, "") for v in values.values()):
            continue
        records.append((row_number, {h: ("" if v is None else v) for h, v in values.items()}))
    return records


def _wrapped_lines(value, width: float) -> int:
    """Lines a text takes in a column ``width`` characters wide (a CJK character is two); a line
    break starts a new line."""
    import math

    text = "" if value is None else str(value)
    return sum(
        max(1, math.ceil(sum(2 if ord(ch) > 0x2E7F else 1 for ch in part) / max(1, width - 2)))
        for part in text.split("\n")
    )


# Printing: A4 landscape with 10 mm side margins leaves 277 mm across. A sheet is fitted to the
# page's width only while that keeps its 11 pt text at 75 % or more (8.25 pt printed); a wider one
# prints at 75 % on as many pages across as it needs, its first columns (the row's name) repeated
# on each, as its header rows are repeated down.
PRINTABLE_WIDTH_MM = 277
FIT_SCALE = 75
ROW_LINE_HEIGHT = 16  # points per line of 11 pt text (CJK lines are 1.45 em in LibreOffice)
MAX_ROW_LINES = 24  # a row no taller than 384 pt: Excel's limit is 409, and a row never splits across pages


def column_mm(width: float) -> float:
    """A column's printed width at 100 %, as LibreOffice prints it (2.47 mm a width unit, measured);
    Excel and WPS print a unit as the default font's digit, 7 px at 96 dpi (1.85 mm), so a sheet
    fitted by this measure fits there too, at a larger scale."""
    return width * 2.47


def print_setup(ws, widths: list[float], *, title_rows: str, title_columns: int = 1) -> int:
    """Landscape A4, page numbers in the footer, and the scale that keeps the text legible; returns
    the scale in percent. ``title_rows`` repeat on every page; past one page across, the first
    ``title_columns`` columns do too."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_options.gridLines = True
    ws.print_title_rows = title_rows
    scale = int(PRINTABLE_WIDTH_MM / sum(column_mm(w) for w in widths) * 100)
    if scale >= FIT_SCALE:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return min(scale, 100)
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = FIT_SCALE
    ws.print_title_cols = f"A:{get_column_letter(title_columns)}"
    return FIT_SCALE


def _split_tall(row: list, widths: list[float], wrap_columns) -> list[list]:
    """A row whose wrapped text would be taller than MAX_ROW_LINES, as several rows: the long texts
    cut at line breaks (else at MAX_ROW_LINES lines' worth of characters), the other cells repeated
    so a filter still finds each part, every part after the first marked （续）."""
    long = {
        i: str(row[i]) for i in wrap_columns if row[i] is not None and _wrapped_lines(row[i], widths[i]) > MAX_ROW_LINES
    }
    if not long:
        return [row]
    pieces = {}
    for index, text in long.items():
        per_line = max(1, (widths[index] - 2) // 2)  # CJK characters a line
        chunks, current = [], ""
        for part in text.split("\n"):
            while part:
                room = (
                    (MAX_ROW_LINES - _wrapped_lines(current, widths[index])) * per_line
                    if current
                    else MAX_ROW_LINES * per_line
                )
                candidate = f"{current}\n{part}" if current else part
                if _wrapped_lines(candidate, widths[index]) <= MAX_ROW_LINES:
                    current, part = candidate, ""
                elif current:
                    chunks.append(current)
                    current = ""
                else:
                    current, part = part[:room], part[room:]
        chunks.append(current)
        pieces[index] = chunks
    count = max(len(chunks) for chunks in pieces.values())
    rows = []
    for number in range(count):
        part = list(row)
        for index, chunks in pieces.items():
            text = chunks[number] if number < len(chunks) else ""
            part[index] = f"（续）{text}" if number else text
        rows.append(part)
    return rows


def write_only_workbook() -> Workbook:
    return Workbook(write_only=True)


def write_report_sheet(
    workbook,
    name: str,
    *,
    title: str,
    headers: list[str],
    rows,
    widths: list[int],
    number_formats: dict[int, str] | None = None,
    wrap_columns: set[int] = frozenset(),
    title_columns: int = 1,
) -> None:
    """A report sheet in write-only mode (constant memory however many rows):
    a title row naming the document and date, a styled header row that stays
    frozen and repeats on every printed page, an autofilter, number formats, and
    every cell of typed text guarded against formulas. It prints legibly
    (``print_setup``): fitted to the page's width while that keeps 8.8 pt, else
    across pages with the first ``title_columns`` columns repeated. Every cell wraps
    within its column, each row as tall as its text; a text in ``wrap_columns``
    taller than a page's worth continues on the next row (``_split_tall``)."""
    from openpyxl.cell import WriteOnlyCell

    ws = workbook.create_sheet(name)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    print_setup(ws, widths, title_rows="2:2", title_columns=title_columns)
    title_cell = guard_formula(WriteOnlyCell(ws, value=title))
    title_cell.font = Font(name="宋体", bold=True, size=14)
    ws.append([title_cell])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, CELL_BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    header_lines = max(_wrapped_lines(header, width) for header, width in zip(headers, widths, strict=True))
    if header_lines > 1:
        ws.row_dimensions[2].height = ROW_LINE_HEIGHT * header_lines
    ws.append(header_cells)
    # One styled cell per column, reused row after row: a write-only sheet writes each row out as
    # it is appended, and building a styled cell per value would cost more than the rest of the
    # export. Text is set at the top and wraps within its column; numbers are written plain (a
    # matrix has hundreds of thousands) but for the columns given a number format; the grid
    # is printed (print_setup) instead of a border on every cell.
    # (a reused cell's style is never changed once written: openpyxl keeps the style it wrote by
    # reference, so text that looks like a formula has a cell of its own with the quote prefix)
    text_cells, guarded, formatted = [WriteOnlyCell(ws) for _h in headers], [WriteOnlyCell(ws) for _h in headers], {}
    for cell in text_cells + guarded:
        cell.alignment = WRAP_TOP
    for cell in guarded:
        cell.quotePrefix = True
    for index, number_format in (number_formats or {}).items():
        formatted[index] = WriteOnlyCell(ws)
        formatted[index].number_format = number_format
    count = 0
    for whole in rows:
        for row in _split_tall(list(whole), widths, wrap_columns) if wrap_columns else (whole,):
            out, lines = [], 1
            for index, value in enumerate(row):
                if isinstance(value, str):
                    cell = guarded[index] if looks_like_formula(value) else text_cells[index]
                    cell.value = value
                    cell.data_type = "s"  # never a formula, whatever it starts with
                    out.append(cell)
                    # a text longer than its column wraps: readers do not grow a row for it on their own
                    if len(value) * 2 > widths[index] - 2 or "\n" in value:
                        lines = max(lines, _wrapped_lines(value, widths[index]))
                elif value is not None and index in formatted:
                    formatted[index].value = value
                    out.append(formatted[index])
                else:
                    out.append(value)
            if lines > 1:
                ws.row_dimensions[count + 3].height = ROW_LINE_HEIGHT * lines
            ws.append(out)
            count += 1
    ws.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{count + 2}"
