"""An uploaded workbook's rows read into forms: every bad cell reported in Chinese by sheet, row
and column (“党费”工作表第3行“实交”：…), so a person fixes the whole file in one go.

Shared by every import (the branch register, the records' back-log); the hostile-file guard
and the reading of cells are in ``common.workbooks``."""

from django import forms

from common.workbooks import WorkbookRefused, read_table

ERROR_CELL = "“{sheet}”工作表第{row}行“{column}”：{message}"

NUMBER_ERRORS = {
    "required": "必须填写。",
    "invalid": "应为数字。",
    "min_value": "不能小于 %(limit_value)s。",
    "max_value": "不能大于 %(limit_value)s。",
    "max_digits": "数字位数过多。",
    "max_decimal_places": "小数位数过多（最多 %(max)s 位）。",
    "max_whole_digits": "数字过大。",
}
INTEGER_ERRORS = {**NUMBER_ERRORS, "invalid": "应为整数。"}
TEXT_ERRORS = {"required": "必须填写。", "max_length": "不能超过 %(limit_value)d 个字。"}
DATE_ERRORS = {"required": "必须填写。", "invalid": "应为日期，如 2005-07-01。"}
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]


class RowsRefused(Exception):
    """The file was refused; ``errors`` lists every problem found, in Chinese."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class LabelChoiceField(forms.TypedChoiceField):
    """A choice written in the sheet by its Chinese label (e.g. 村党支部); ``aliases`` are other
    spellings people type for the same value (e.g. 是 for 已实行“一肩挑”)."""

    def __init__(self, choices_enum, *, required=True, aliases: dict[str, str] | None = None):
        self.label_to_value = {label: value for value, label in choices_enum.choices}
        allowed = "、".join(self.label_to_value)
        self.label_to_value.update(aliases or {})
        super().__init__(
            choices=[("", "")] + [(label, label) for label in self.label_to_value],
            coerce=self.label_to_value.get,
            required=required,
            empty_value="",
            error_messages={
                "required": "必须填写。",
                "invalid_choice": f"“%(value)s”不是可选值，应为：{allowed}。",
            },
        )


def integer_field(minimum=0, maximum=None, required=False):
    return forms.IntegerField(required=required, min_value=minimum, max_value=maximum, error_messages=INTEGER_ERRORS)


def decimal_field(max_digits, places, *, required=False, maximum=None):
    return forms.DecimalField(
        required=required,
        min_value=0,
        max_value=maximum,
        max_digits=max_digits,
        decimal_places=places,
        error_messages=NUMBER_ERRORS,
    )


def date_field(required=True):
    return forms.DateField(required=required, input_formats=DATE_FORMATS, error_messages=DATE_ERRORS)


def cell_error(sheet, row, column, message) -> str:
    return ERROR_CELL.format(sheet=sheet, row=row, column=column, message=message)


def read_sheet(workbook, sheet_name, columns, errors) -> list[tuple[int, dict]]:
    """Rows keyed by form field name (``columns``: (header, field name, width)); a missing
    sheet or column is recorded in ``errors``."""
    names = {title: name for title, name, _ in columns}
    try:
        records = read_table(workbook, sheet_name, list(names))
    except WorkbookRefused as refused:
        errors.append(str(refused))
        return []
    return [(row, {names[title]: value for title, value in values.items()}) for row, values in records]


def validate_rows(records, form_class, sheet, columns, errors) -> list[tuple[int, dict]]:
    """Each row through ``form_class``: the cleaned rows; every bad cell in ``errors``, in column order."""
    headers = {name: title for title, name, _ in columns}
    cleaned = []
    for row_number, values in records:
        form = form_class(data=values)
        if form.is_valid():
            cleaned.append((row_number, form.cleaned_data))
            continue
        for name in headers:
            for message in form.errors.get(name, []):
                errors.append(cell_error(sheet, row_number, headers[name], message))
        for message in form.non_field_errors():
            errors.append(cell_error(sheet, row_number, headers[next(iter(headers))], message))
    return cleaned
