import functools

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from chambers.context_processors import navigation
from core import pagecache
from notices.context_processors import unread_notices

register = template.Library()


@register.simple_tag
@functools.cache
def asset(path):
    """{% static %} for the assets of every page, looked up once a process: a static file's
    URL changes only with a new release (collectstatic), which restarts the processes."""
    return static(path)


@register.simple_tag
def portal_name():
    """The portal's name where no request context is at hand (the 400 and 500 pages)."""
    return settings.PORTAL_NAME


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


def slot_tag(name: str):
    """{% name %}: fill(request) on a page, or the placeholder of a frame slot in a page
    frame (core.pagecache.render_page), where fill(request) is put in per request."""

    def decorator(fill):
        marker = pagecache.frame_slot(name, fill)

        def tag(context):
            if context.get(pagecache.FRAME):
                return mark_safe(marker)
            return fill(context["request"])

        register.simple_tag(tag, takes_context=True, name=name)
        return fill

    return decorator


@slot_tag("navbar")
def navbar(request) -> str:
    """The navigation bar, rendered once per user, language and day (a post's term starts or
    ends with a day) until one of NAVBAR_MODELS changes."""
    user = request.user
    vary = (user.pk, translation.get_language(), timezone.localdate())
    html = pagecache.cached_fragment(
        "navbar",
        depends_on=NAVBAR_MODELS if user.is_authenticated else (),
        vary_on=vary,
        render=lambda: pagecache.render_part("_partials/navbar.html", navbar_context(request)),
    )
    return pagecache.fill_csrf(request, html)


def navbar_context(request) -> dict:
    """What the navigation shows of its viewer (it is cached per user): who they are, their
    unread notices, and whether they lead (the roster and chambers links)."""
    return {"user": request.user, **unread_notices(request), **navigation(request)}


NEXT_PLACEHOLDER = pagecache.placeholder("next-path")


@slot_tag("language_form")
def language_form(request) -> str:
    """The language menu at the foot of every page, rendered once per language."""
    html = pagecache.cached_fragment(
        "language-form",
        depends_on=(),
        vary_on=(translation.get_language(),),
        render=lambda: pagecache.render_part(
            "_partials/language_form.html",
            {"next_path": NEXT_PLACEHOLDER, "LANGUAGE_CODE": translation.get_language()},
        ),
    )
    # The token first: the path is the visitor's to write.
    html = pagecache.fill_csrf(request, html)
    return mark_safe(html.replace(NEXT_PLACEHOLDER, escape(request.get_full_path())))
