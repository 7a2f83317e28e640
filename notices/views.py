from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import access, kinds, services
from .models import EmailOptOut, Notice


@login_required
def inbox(request):
    notices = Notice.objects.visible_to(request.user).only(
        "public_id", "subject", "body", "created_at", "read_at", "link"
    )
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page})


@login_required
def open_notice(request, public_id):
    notice = access.get_notice(request.user, public_id)
    services.mark_read(notice=notice)
    # Only links into the portal are followed: a notice must never bounce a user elsewhere.
    if notice.link and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.link)
    return render(request, "notices/notice.html", {"notice": notice})


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notice marked as read.", "%(count)d notices marked as read.", count)
        % {"count": count},
    )
    return redirect("notices:inbox")


class EmailPreferencesForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
        for kind in kinds.all_kinds():
            if kind.optional:
                self.fields[kind.code] = forms.BooleanField(
                    label=kind.label, required=False, initial=kind.code not in off
                )

    def kinds_off(self) -> set[str]:
        return {code for code, wanted in self.cleaned_data.items() if not wanted}


@login_required
def email_preferences(request):
    # Not `request.POST or None`: turning every e-mail off posts no field at all.
    data = request.POST if request.method == "POST" else None
    form = EmailPreferencesForm(data, user=request.user)
    if form.is_valid():
        services.set_email_opt_outs(user=request.user, kinds_off=form.kinds_off())
        messages.success(request, _("Your e-mail preferences were saved."))
        return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})
