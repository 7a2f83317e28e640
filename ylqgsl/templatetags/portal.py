import functools

from django import template
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from members import pagecache

register = template.Library()


@register.simple_tag
@functools.cache
def asset(path):
    """{% static %} for the assets of every page, looked up once a process: a static file's
    URL changes only with a new release (collectstatic), which restarts the processes."""
    return static(path)


@register.filter
def get_item(mapping, key):
    """{{ labels|get_item:row.code }}: a label from a dict of choices."""
    return mapping.get(key, key)


# What the navigation shows besides the user: unread notices, and the posts and secondments
# that open the duty roster and the chambers to a leader.
NAVBAR_MODELS = (
    "members.User",
    "members.Enterprise",
    "notices.Notice",
    "chambers.Post",
    "chambers.Term",
    "chambers.Secondment",
)


@register.simple_tag(takes_context=True)
def navbar(context):
    """The navigation bar, rendered once per user, language and day (a post's term starts or
    ends with a day) until one of NAVBAR_MODELS changes."""
    request = context["request"]
    user = request.user
    vary = (user.pk, translation.get_language(), timezone.localdate())
    html = pagecache.cached(
        "navbar",
        NAVBAR_MODELS if user.is_authenticated else (),
        vary,
        lambda: pagecache.render_part(request, "_partials/navbar.html", {}),
    )
    return pagecache.fill_csrf(request, html)


NEXT_PLACEHOLDER = pagecache.placeholder("next-path")


@register.simple_tag(takes_context=True)
def language_form(context):
    """The language menu at the foot of every page, rendered once per language."""
    request = context["request"]
    html = pagecache.cached(
        "language-form",
        (),
        (translation.get_language(),),
        lambda: pagecache.render_part(
            request, "_partials/language_form.html", {"next_path": NEXT_PLACEHOLDER}
        ),
    )
    # The token first: the path is the visitor's to write.
    html = pagecache.fill_csrf(request, html)
    return mark_safe(html.replace(NEXT_PLACEHOLDER, escape(request.get_full_path())))
