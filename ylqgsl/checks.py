"""System checks for settings that only go wrong together."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_behind_proxy(app_configs, **kwargs):
    """Behind the HTTPS proxy with no proxy trusted, every client has the proxy's address.

    The log-in lock-out would then count all clients as one: a few strangers' failures would
    stop everyone logging in (ylqgsl/lockout.py).
    """
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            Warning(
                "BEHIND_HTTPS_PROXY is set but TRUSTED_PROXY_COUNT is 0: every client has the "
                "proxy's address, and the log-in lock-out counts them all as one.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of gunicorn.",
                id="ylqgsl.W001",
            )
        ]
    return []
