from django import template

register = template.Library()

EVENT_LABELS = {
    "extend": "延长期限",
    "sampled": "抽中县委复核",
    "objection": "公示期间收到异议",
    "objection_dismissed": "异议不成立",
}


@register.filter
def get_rule_label(rules, action):
    rule = rules.get(action)
    return rule.label if rule else EVENT_LABELS.get(action, action)


@register.filter
def get_method(methods, key):
    return methods.get(key, key)
