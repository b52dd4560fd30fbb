from django import template

from ratings.rules import stars_label

register = template.Library()


@register.filter
def stars(value):
    """★★★★（4星）; 不予评星 for a veto; — when not rated."""
    return stars_label(value)


@register.filter
def star_count_label(value):
    return "不予评星" if value == 0 else f"{value}星"
