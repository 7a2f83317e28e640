"""Invitations declined after their invitee had checked in, accepted again.

Until then declining after check-in was recorded while the checked-in registration stayed
confirmed, so the page showed "declined" next to a valid entry code. The invitee came: the
answer is "accepted", as the registration says (events.services.respond_to_invitation now
refuses the change).
"""

from django.db import migrations


def accept_checked_in(apps, schema_editor):
    Invitation = apps.get_model("events", "Invitation")
    Invitation.objects.filter(
        response="declined", registration__checked_in_at__isnull=False
    ).update(response="accepted")


class Migration(migrations.Migration):
    dependencies = [("events", "0004_encrypt_mobile")]

    operations = [migrations.RunPython(accept_checked_in, migrations.RunPython.noop)]
