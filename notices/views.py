from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import kinds, services
from .models import EmailOptOut, Notice


@login_required
def inbox(request):
    notices = Notice.objects.for_user(request.user).only(
        "public_id", "subject", "body", "created_at", "read_at", "link"
    )
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page})


@login_required
def open_notice(request, public_id):
    notice = get_object_or_404(Notice, public_id=public_id, recipient=request.user)
    services.mark_read(notice)
    if notice.link and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notice.link)
    return render(request, "notices/notice.html", {"notice": notice})


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("%(count)d notices marked as read.") % {"count": count})
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
    form = EmailPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.set_email_opt_outs(user=request.user, kinds_off=form.kinds_off())
        messages.success(request, _("Your e-mail preferences were saved."))
        return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})
