"""What a petition's pages cost in queries (issue 15): a fixed number however long the
timeline, and no more than each page shows."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions import services
from tests.conftest import client_for
from tests.uploads import PDF


def pdf(name="答复.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def accepted(petition, staff):
    return services.accept_petition(
        petition=petition, actor=staff, expected_version=petition.version
    )


def grow(petition, staff, replies=3):
    """A timeline of updates, each with a file the enterprise sees."""
    for n in range(replies):
        petition.refresh_from_db()
        petition = services.post_update(
            petition=petition,
            actor=staff,
            expected_version=petition.version,
            note=f"进展{n}",
            visible=True,
        )
        event = petition.events.order_by("-at", "-id").first()
        services.save_attachments(
            petition=petition, event=event, files=[pdf(f"进展{n}.pdf")], actor=staff
        )
    petition.refresh_from_db()
    return petition


def sql_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries]


def test_a_petitions_page_costs_the_same_queries_however_long_its_timeline(petition, staff, user_a):
    petition = accepted(petition, staff)
    url = f"/petitions/{petition.public_id}/"
    for user in (staff, user_a):
        client = client_for(user)
        client.get(url)
        _, few = sql_of(client, url)
        grown = grow(petition, staff)
        client.get(url)  # the shell's cached counts filled again after the new notices
        response, many = sql_of(client, url)
        assert len(many) == len(few), "\n".join(q[:150] for q in many)
        html = response.content.decode()
        assert "进展2" in html and "进展2.pdf" in html
        petition = grown


def test_a_petitions_page_reads_the_petition_with_only_the_joins_nearly_every_one_needs(
    petition, staff
):
    """The department, the petition merged into and the meeting are read when there is one."""
    _, sql = sql_of(client_for(staff), f"/petitions/{petition.public_id}/")
    page = next(q for q in sql if q.startswith('SELECT "petitions_petition"."id"'))
    assert page.count("JOIN") == 3  # its enterprise, who filed it, its handler
    assert "petitions_department" not in page and "events_event" not in page


def test_a_merged_forwarded_petitions_page_still_names_its_department_and_duplicate(
    file_for, staff, department
):
    original = file_for(title="原诉求")
    petition = file_for(title="重复诉求")
    petition.department = department
    petition.department_reference = "税-1"
    petition.save(update_fields=["department", "department_reference"])
    services.merge_petition(
        petition=petition, actor=staff, expected_version=petition.version,
        into=original,
    )  # fmt: skip
    html = client_for(staff).get(f"/petitions/{petition.public_id}/").content.decode()
    assert "区税务局 (税-1)" in html
    assert original.tracking_number in html


def test_the_printable_record_reads_no_files_and_costs_the_same_however_long(petition, staff):
    petition = accepted(petition, staff)
    client = client_for(staff)
    url = f"/petitions/{petition.public_id}/record/"
    client.get(url)
    _, few = sql_of(client, url)
    grow(petition, staff)
    client.get(url)  # the shell's cached counts filled again after the new notices
    response, many = sql_of(client, url)
    assert len(many) == len(few), "\n".join(q[:150] for q in many)
    assert not [q for q in many if "petitions_attachment" in q]
    assert "进展2" in response.content.decode()


def test_the_timeline_costs_the_same_queries_however_long(petition, staff):
    petition = accepted(petition, staff)
    client = client_for(staff)
    url = f"/petitions/{petition.public_id}/timeline/"
    client.get(url)
    _, few = sql_of(client, url)
    grow(petition, staff)
    client.get(url)  # the shell's cached counts filled again after the new notices
    response, many = sql_of(client, url)
    assert len(many) == len(few), "\n".join(q[:150] for q in many)
    assert "进展2.pdf" in response.content.decode()


def test_the_list_reads_the_petitions_without_joins(petition, staff, user_a):
    for user in (staff, user_a):
        response, sql = sql_of(client_for(user), "/petitions/")
        listed = [q for q in sql if 'FROM "petitions_petition"' in q]
        assert len(listed) == 1 and "JOIN" not in listed[0]
        assert petition.tracking_number in response.content.decode()
