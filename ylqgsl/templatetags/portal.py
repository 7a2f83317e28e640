from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ labels|get_item:row.code }}: a label from a dict of choices."""
    return mapping.get(key, key)
