from django.utils.translation import gettext as _

from core import pagecache
from core.access import staff_required
from members import access

from . import kinds
from .forms import TimelineFilter


@staff_required
@pagecache.kept_page
def enterprise_timeline(request, public_id):
    """An enterprise's timeline, newest first, fifty entries a page, filtered by kind and year;
    with a filter that does not validate, the field says why and nothing is listed."""
    enterprise = access.get_enterprise(request.user, public_id)
    form = TimelineFilter(request.GET, enterprise=enterprise)
    valid = form.is_valid()
    page = None
    if valid:
        page = kinds.page(
            enterprise,
            kinds=form.kinds(),
            year=form.cleaned_data["year"],
            after=form.cleaned_data["after"],
        )
    query = request.GET.copy()
    query.pop("after", None)
    # Rendered without the request (nothing of the viewer's is shown), inside a page frame.
    body = pagecache.render_part("timeline/_enterprise_body.html", {
        "enterprise": enterprise,
        "form": form,
        "valid": valid,
        "page": page,
        "query": query.urlencode(),
    })  # fmt: skip
    return pagecache.render_page(request, "timeline/enterprise.html", {
        "title": _("%(name)s: timeline") % {"name": enterprise.name}, "body": body,
    })  # fmt: skip
