"""The password-reset e-mail, recorded and queued like every other e-mail the portal sends."""

import uuid

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import reverse

from notices.services import email_only, language_of


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; its e-mail goes through the notices' queue, so SMTP being down delays it
    (retried) instead of losing it. No inbox shows it, and the link is dropped once sent."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        email_only(
            to=context["email"],
            language=language_of(user),
            kind="password_reset",
            key=f"password_reset:{user.pk}:{uuid.uuid4().hex}",  # each request its own link
            context=context,
            link=reverse(
                "password_reset_confirm",
                kwargs={"uidb64": context["uid"], "token": context["token"]},
            ),
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
