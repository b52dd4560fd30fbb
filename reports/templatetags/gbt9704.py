"""Template filters of the official documents (GB/T 9704)."""

import html

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..titles import title_lines

register = template.Library()


@register.filter(is_safe=True)
def title_break(text) -> str:
    """The title on the lines ``title_lines`` chose, joined by <br>. Also works as
    ``{% filter title_break %}…{% endfilter %}`` on already escaped text."""
    plain = html.unescape(str(text))
    return mark_safe("<br>".join(escape(line) for line in title_lines(plain)))


@register.filter
def paragraphs(text) -> list[str]:
    """The paragraphs of a text typed with line breaks, blank lines dropped."""
    return [line.strip() for line in str(text).splitlines() if line.strip()]
