from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateStorage(LazyObject):
    """Uploaded documents: outside the static tree, with no public URL (base_url is unset).

    Lazy so that tests can point PRIVATE_MEDIA_ROOT at a temporary folder.
    """

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def private_storage():
    return _private_storage


_private_storage = PrivateStorage()
