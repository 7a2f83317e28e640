from django.db import models
from django.utils.translation import gettext_lazy as _


class Load(models.Model):
    """One row each time the demo is loaded: what tells a demo database from a real one.

    The production models carry no demo flag; a database holding a row here was filled by
    `manage.py seed_demo`, so running it again is safe (see demo.guard).
    """

    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("demo load")
        verbose_name_plural = _("demo loads")
        ordering = ["loaded_at"]

    def __str__(self):
        return f"{self.loaded_at:%Y-%m-%d %H:%M}"
