"""Long unbroken user text wraps: no page grows wider than the screen, on a phone or a desk."""

import pytest

from events.models import Event
from members.models import Enterprise
from petitions import services
from tests.browser.conftest import log_in
from tests.events.factories import EventFactory
from tests.notices.factories import NoticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "长" * 100  # no place to break in any language's rules but between characters
LONG_LATIN = "W" * 100
RTL_OVERRIDE = "\u202e"
VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]


def page_width(page) -> tuple[int, int]:
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
def test_long_titles_wrap_on_every_list_and_detail_page(
    staff, new_page, viewport, enterprise_a, user_a
):
    Enterprise.objects.filter(pk=enterprise_a.pk).update(name=LONG_LATIN)
    petition = services.file_petition(
        actor=user_a,
        enterprise=user_a.enterprise,
        category="financing",
        title=LONG_LATIN,
        description=LONG + LONG_LATIN,
    )
    suggestion = services.submit_suggestion(
        actor=user_a, kind="suggestion", title=LONG_LATIN, text=LONG_LATIN
    )
    event = EventFactory(title=LONG_LATIN, venue=LONG_LATIN, audience=Event.Audience.PUBLIC)
    NoticeFactory(recipient=user_a, subject=LONG_LATIN, body=LONG_LATIN)
    pages = {
        user_a: [
            "/petitions/",
            f"/petitions/{petition.public_id}/",
            "/petitions/suggestions/",
            f"/petitions/suggestions/{suggestion.public_id}/",
            "/events/",
            f"/events/{event.public_id}/",
            "/notices/",
            "/members/",
            "/",
        ],
        staff: [
            "/petitions/ledger/",
            f"/petitions/{petition.public_id}/",
            "/events/manage/",
            "/members/",
        ],
    }
    for user, paths in pages.items():
        page = new_page()
        page.set_viewport_size(viewport)
        log_in(page, user.email)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            scroll_width, client_width = page_width(page)
            assert scroll_width <= client_width, f"{path} is {scroll_width}px in {client_width}px"
