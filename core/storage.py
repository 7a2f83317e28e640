import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Uploaded documents: outside the static tree, with no public URL (base_url is unset).

    The location is read from settings on every use, so PRIVATE_MEDIA_ROOT can change
    (tests point it at a temporary folder) after the models were imported.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


_private_storage = PrivateStorage()


def private_storage():
    return _private_storage
