"""The inbox, opening a notice, marking read, e-mail preferences, the unread count."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from notices import kinds
from notices.models import EmailOptOut, Notice
from tests.conftest import empty_caches
from tests.notices.factories import NoticeFactory

pytestmark = pytest.mark.django_db


def open_url(notice):
    return reverse("notices:open", args=[notice.public_id])


# --- Inbox ----------------------------------------------------------------------------------


def test_inbox_lists_only_the_users_own_notices(client_a, user_a, user_b):
    mine = NoticeFactory(recipient=user_a, subject="给企业甲的通知")
    NoticeFactory(recipient=user_b, subject="给企业乙的通知")

    response = client_a.get(reverse("notices:inbox"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert "给企业甲的通知" in response.text
    assert "给企业乙的通知" not in response.text


def test_inbox_shows_newest_first_twenty_a_page(client_a, user_a):
    notices = [NoticeFactory(recipient=user_a) for _ in range(25)]

    first = client_a.get(reverse("notices:inbox")).context["page"]
    second = client_a.get(reverse("notices:inbox"), {"page": 2}).context["page"]

    assert list(first.object_list) == notices[:4:-1]
    assert list(second.object_list) == notices[4::-1]


def test_inbox_query_count_does_not_grow_with_notices(
    client_a, user_a, django_assert_max_num_queries
):
    url = reverse("notices:inbox")
    NoticeFactory.create_batch(5, recipient=user_a)
    client_a.get(url)  # warm up: session, one-off look-ups
    empty_caches()  # both measured in full: no part or count from the cache
    with CaptureQueriesContext(connection) as five:
        client_a.get(url)

    NoticeFactory.create_batch(45, recipient=user_a)
    empty_caches()
    with django_assert_max_num_queries(len(five)):
        response = client_a.get(url)
    assert len(response.context["page"].object_list) == 20


# --- Opening a notice -----------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_follows_its_local_link(client_a, user_a):
    notice = NoticeFactory(recipient=user_a, link="/members/profile/")

    response = client_a.get(open_url(notice))

    assert response.status_code == 302
    assert response.url == "/members/profile/"
    notice.refresh_from_db()
    assert notice.is_read


def test_opening_a_notice_again_keeps_the_first_read_time(client_a, user_a):
    read_at = timezone.now() - timezone.timedelta(days=3)
    notice = NoticeFactory(recipient=user_a, read_at=read_at)

    client_a.get(open_url(notice))

    notice.refresh_from_db()
    assert notice.read_at == read_at


def test_notice_without_a_link_is_shown_in_the_portal(client_a, user_a):
    notice = NoticeFactory(recipient=user_a, subject="会费通知", body="第一行\n第二行")

    response = client_a.get(open_url(notice))

    assert response.status_code == 200
    assert "会费通知" in response.text
    assert "第一行<br>第二行" in response.text


def test_opening_another_users_notice_is_404_and_leaves_it_unread(client_b, user_a):
    notice = NoticeFactory(recipient=user_a, link="/members/profile/")

    assert client_b.get(open_url(notice)).status_code == 404

    notice.refresh_from_db()
    assert not notice.is_read


def test_opening_a_notice_needs_login(client, user_a):
    notice = NoticeFactory(recipient=user_a)

    response = client.get(open_url(notice))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http://evil.example/members/profile/",
        "javascript:alert(1)",
    ],
)
def test_link_to_another_site_is_not_followed(client_a, user_a, link):
    notice = NoticeFactory(recipient=user_a, subject="可疑链接", link=link)

    response = client_a.get(open_url(notice))

    assert response.status_code == 200
    assert "可疑链接" in response.text
    notice.refresh_from_db()
    assert notice.is_read


# --- Mark all read --------------------------------------------------------------------------


def test_mark_all_read_marks_only_the_users_own_notices(client_a, user_a, user_b):
    mine = NoticeFactory.create_batch(3, recipient=user_a)
    theirs = NoticeFactory(recipient=user_b)

    response = client_a.post(reverse("notices:mark_all_read"), follow=True)

    assert response.redirect_chain == [(reverse("notices:inbox"), 302)]
    assert not Notice.objects.filter(pk__in=[n.pk for n in mine], read_at=None).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read
    with translation.override(settings.LANGUAGE_CODE):  # what the visitor's browser gets
        done = ngettext(
            "%(count)d notice marked as read.", "%(count)d notices marked as read.", 3
        ) % {"count": 3}
    assert [str(m) for m in response.context["messages"]] == [done]


def test_mark_all_read_needs_post(client_a, user_a):
    notice = NoticeFactory(recipient=user_a)

    assert client_a.get(reverse("notices:mark_all_read")).status_code == 405

    notice.refresh_from_db()
    assert not notice.is_read


# --- The unread count in the header ---------------------------------------------------------


def test_header_shows_the_unread_count(client_a, user_a, user_b):
    NoticeFactory.create_batch(3, recipient=user_a)
    NoticeFactory(recipient=user_a, read_at=timezone.now())
    NoticeFactory(recipient=user_b)

    response = client_a.get(reverse("notices:preferences"))

    assert '<span class="badge text-bg-warning" id="unread-count">3</span>' in response.text


def test_header_count_goes_down_as_notices_are_read(client_a, user_a):
    first, _ = NoticeFactory.create_batch(2, recipient=user_a)

    client_a.get(open_url(first))
    assert 'id="unread-count">1<' in client_a.get(reverse("home")).text

    client_a.post(reverse("notices:mark_all_read"))
    assert 'id="unread-count"' not in client_a.get(reverse("home")).text


def test_header_has_no_count_for_visitors(client):
    assert 'id="unread-count"' not in client.get(reverse("home")).text


# --- E-mail preferences ---------------------------------------------------------------------


def test_preferences_offer_every_kind_except_the_ones_that_cannot_be_turned_off(client_a):
    form = client_a.get(reverse("notices:preferences")).context["form"]

    assert "application_received" in form.fields
    assert "membership_changed" in form.fields
    assert "account_exists" not in form.fields
    assert all(field.initial for field in form.fields.values())


def optional_kinds():
    return {kind.code for kind in kinds.all_kinds() if kind.optional}


def test_preferences_save_opt_outs(client_a, user_a, send):
    wanted = {"application_approved": "on", "membership_changed": "on"}

    response = client_a.post(reverse("notices:preferences"), wanted, follow=True)

    assert response.redirect_chain == [(reverse("notices:preferences"), 302)]
    opted_out = set(EmailOptOut.objects.filter(user=user_a).values_list("kind", flat=True))
    assert opted_out == optional_kinds() - set(wanted)
    assert "application_received" in opted_out
    form = response.context["form"]
    assert form.fields["membership_changed"].initial is True
    assert form.fields["application_received"].initial is False
    notice = send(user_a, kind="application_received")
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SKIPPED
    assert mail.outbox == []


def test_preferences_turn_email_back_on(client_a, user_a):
    EmailOptOut.objects.create(user=user_a, kind="application_received")
    EmailOptOut.objects.create(user=user_a, kind="account_exists")  # not optional: dropped
    everything = dict.fromkeys(
        client_a.get(reverse("notices:preferences")).context["form"].fields, "on"
    )

    client_a.post(reverse("notices:preferences"), everything)

    assert not EmailOptOut.objects.filter(user=user_a).exists()


def test_preferences_saved_twice_keep_one_opt_out_each(client_a, user_a):
    client_a.post(reverse("notices:preferences"), {})
    client_a.post(reverse("notices:preferences"), {})

    assert EmailOptOut.objects.filter(user=user_a).count() == len(optional_kinds())


def test_preferences_are_per_user(client_a, user_a, user_b):
    client_a.post(reverse("notices:preferences"), {})

    assert not EmailOptOut.objects.filter(user=user_b).exists()
