"""What the demo's commands share: its accounts, their phone numbers, a moment of a day."""

import datetime
import functools

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core import secretariat
from members.models import User

from .data.members import DEMO_PASSWORD, MOBILE_PREFIXES


@functools.cache
def password_hash() -> str:
    """One hash for every demo account: they share a published password anyway, and each
    hash costs a third of a second."""
    return make_password(DEMO_PASSWORD)


def account(
    *,
    email: str,
    real_name: str,
    mobile: str = "",
    enterprise=None,
    staff: bool = False,
    superuser: bool = False,
) -> tuple[User, bool]:
    """The demo account with this address, made if missing; (user, made). An existing one is
    left as it is: a second run resets no password."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    create = User.objects.create_superuser if superuser else User.objects.create_user
    user = create(
        email=email,
        password=None,
        real_name=real_name,
        mobile=mobile,
        enterprise=enterprise,
        is_staff=staff or superuser,
    )
    user.password = password_hash()
    user.save(update_fields=["password"])
    secretariat.join(user)  # as an administrator ticking "staff status" in the admin
    return user, True


def mobile(n: int) -> str:
    """An obviously patterned number: prefix, the district code 0119, a serial number."""
    return f"{MOBILE_PREFIXES[n % len(MOBILE_PREFIXES)]}0119{n:04d}"


def aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """That day at that time, in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
