"""The read receipts' export: one workbook, a sheet of those who read the announcement and a
sheet of those who did not; in the request when small, else a background job
(`core.jobs.export`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import excel
from core.jobs import Outcome, register

from .models import Announcement, Receipt

RECEIPTS_EXPORT = "announcement_receipts_export"
COLUMNS = ("recipient__real_name", "recipient__enterprise__name", "recipient__email", "read_at")


def receipt_rows(announcement_id: int):
    return (
        Receipt.objects.filter(announcement_id=announcement_id)
        .order_by("recipient__enterprise__name_pinyin", "recipient__real_name", "pk")
        .values_list(*COLUMNS)
    )


def write_receipts(announcement: Announcement, progress=None) -> Outcome:
    """The workbook of the announcement's receipts: read (with when), then not read."""
    rows = receipt_rows(announcement.pk)
    total = announcement.recipient_count
    header = [_("Name"), _("Enterprise"), _("E-mail"), _("Read")]
    book = excel.Workbook()
    done = 0
    for title, chosen in (
        (_("Read"), rows.filter(read_at__isnull=False)),
        (_("Not read"), rows.filter(read_at__isnull=True)),
    ):
        sheet = book.sheet(title, header=header, widths=(16, 30, 28, 20))
        for name, enterprise, email, read_at in chosen.iterator(chunk_size=2000):
            sheet.append((name, enterprise or "", email, read_at))
            done += 1
            if progress and done % 1000 == 0:
                progress(done, total)
    title = _("Read receipts of %(title)s") % {"title": announcement.title}
    return Outcome(
        file=book.save(),
        title=title,
        summary=_("%(count)s rows exported.") % {"count": done},
    )


@register(RECEIPTS_EXPORT, gettext_lazy("Read receipts export"))
def export_receipts(job, progress) -> Outcome:
    announcement = Announcement.objects.get(pk=job.params["announcement"])
    return write_receipts(announcement, progress)
