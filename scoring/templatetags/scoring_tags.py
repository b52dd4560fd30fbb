from django import template

from scoring.spec import FACTS

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def fact_label(fact):
    return FACTS.get(fact, fact)


@register.filter
def star_text(stars):
    if stars is None:
        return "—"
    return "不予评星" if stars == 0 else "★" * stars
