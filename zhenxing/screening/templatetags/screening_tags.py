from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.filter
def source_label(code):
    """A department feed's source code in words (医保结算), never the code."""
    from zhenxing.screening.models import Source

    try:
        return Source(code).label
    except ValueError:
        return code
