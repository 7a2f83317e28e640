"""Log-in lock-out behind reverse proxies: who the client is, and a limit per address.

Django-axes locks (account, client address) after AXES_FAILURE_LIMIT failures; this module
gives it the client's address when the portal runs behind TRUSTED_PROXY_COUNT proxies, and a
second limit, AXES_ADDRESS_FAILURE_LIMIT, on one address's failures over all accounts (one
password tried on many accounts).
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def client_ip_address(request) -> str | None:
    """The address the outermost trusted proxy saw, or REMOTE_ADDR with no proxy trusted.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with N
    trusted proxies the N-th entry from the right is the last one a client cannot forge
    (anything left of it is whatever the client sent). django-ipware counts proxies from the
    other end and falls back to the left-most, forgeable entry, hence this small function.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return lockout_key(remote) or remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < count:
        # Not every trusted proxy was passed: the connecting address is all we know.
        return lockout_key(remote) or remote
    return lockout_key(entries[-count]) or remote


def lockout_key(entry: str | None) -> str | None:
    """The address failures are counted under: a port some proxies append is dropped, and an
    IPv6 address stands for its /64 (one client is usually given a whole /64 and could
    otherwise try from a new address every time). None for what is no address."""
    text = (entry or "").strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with AXES_LOCKOUT_PARAMETERS = [(account, address), address].

    Axes compares the largest count over the parameter sets with one limit; here the pair
    has AXES_FAILURE_LIMIT and the address alone AXES_ADDRESS_FAILURE_LIMIT.
    """

    def get_failures(self, request, credentials=None) -> int:
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful log-in clears that account's failures at this address only: logging
        # in to one's own account must not wipe the failures sprayed over other accounts.
        deleted, _rows = self.filter_user_attempts(request, credentials)[0].delete()
        return deleted
