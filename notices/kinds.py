"""The kinds of notice the portal sends, registered by the apps that send them.

`notices` imports no other app: each app registers its kinds (code and label) in its
AppConfig.ready(), and its templates live in templates/emails/<kind>/.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NoticeKind:
    code: str
    label: str | Promise
    # Some notices (a password-reset style security message) cannot be switched off.
    optional: bool = True


_KINDS: dict[str, NoticeKind] = {}


def register(code: str, label, *, optional: bool = True) -> NoticeKind:
    kind = NoticeKind(code=code, label=label, optional=optional)
    _KINDS[code] = kind
    return kind


def get(code: str) -> NoticeKind:
    return _KINDS[code]


def all_kinds() -> list[NoticeKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in all_kinds()]
