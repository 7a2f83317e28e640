"""Django's cached_db sessions, read in one cache round trip with the page-cache stamps.

Every signed-in request reads its session and then the stamps of the tables its cached parts
show (members/pagecache.py), both from the shared cache: one MGET instead of two reads.
Everything else (writes, the database fallback, expiry) is Django's cached_db engine.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from . import pagecache


class SessionStore(cached_db.SessionStore):
    def load(self):
        stamps = pagecache.prefetch_keys() if settings.SESSION_CACHE_ALIAS == "default" else {}
        if stamps:
            found = self._cache.get_many([self.cache_key, *stamps])
            pagecache.seed({table: found[key] for key, table in stamps.items() if key in found})
            data = found.get(self.cache_key)
            if data is not None:
                return data
        return super().load()  # from the database when the cache has lost it, as Django does
