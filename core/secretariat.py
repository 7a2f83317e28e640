"""The secretariat (秘书处): the group of the federation's staff, holding what their daily work
in the admin needs.

An account made staff in the admin (*staff status* ticked) joins the group; one whose staff
status is taken away leaves it (members/admin.py). Superusers need no group.

After every `migrate` (post_migrate) the group exists and holds exactly the permissions
`permissions()` lists: for every model with an admin page, a model added later included,
what its admin page offers (a record kept for the ledgers is never deleted there, notices and
petitions are never added there...), and the rows a page keeps as part of it (a figure's
public posts and trainings), but for what is the administrators' alone (WITHHELD). A
permission added to the group by hand is taken away again by the next `migrate`: what one
person needs beyond it is given to that person (their own permissions) or another group.
"""

from types import SimpleNamespace

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

# The group's name as the federation calls it (a name stored in the database, as staff know
# it, not a text of the interface).
GROUP_NAME = "秘书处"

VERBS = ("view", "add", "change", "delete")

# What the admin offers that the secretariat does not get, by model or by whole app.
WITHHELD = {
    # Who holds which permissions is the administrators' (superusers') to decide.
    "auth.group": set(VERBS),
    # Accounts are deactivated, never deleted; making staff or superusers, and groups and
    # permissions, stay the administrators' (UserAdmin shows those fields read-only).
    "members.user": {"delete"},
    # The GB/T 2260 codes of the district's streets and towns, from a migration.
    "members.township": {"add", "change", "delete"},
    # The record of sign-ins, read-only. Deleting an access attempt unlocks the account.
    "axes.accessattempt": {"add", "change"},
    "axes.accesslog": {"add", "change", "delete"},
    "axes.accessfailurelog": {"add", "change", "delete"},
    # Who is seconded to the federation: a linked account gets the roster's pages and writes
    # the duty log, so secondments stay the administrators' (staff see them, read-only).
    "chambers.secondment": {"add", "change", "delete"},
    # The portal's periodic tasks (ylqgsl/schedules.py): rescheduled, not made or removed.
    "django_celery_beat.periodictask": {"add"},
    "django_celery_beat": {"delete"},
}


class _Offers:
    """A stand-in user holding every permission: asks an admin page what it offers at all."""

    is_active = is_staff = is_superuser = True

    def has_perm(self, perm, obj=None):
        return True

    def has_module_perms(self, app_label):
        return True


def offered(model_admin) -> set[str]:
    """What `model_admin` lets anyone do at all (its own refusals: nothing added, nothing
    deleted, read-only)."""
    request = SimpleNamespace(user=_Offers(), method="GET", GET={}, POST={})
    checks = {
        "view": model_admin.has_view_permission,
        "add": model_admin.has_add_permission,
        "change": model_admin.has_change_permission,
        "delete": model_admin.has_delete_permission,
    }
    verbs = {verb for verb, check in checks.items() if check(request)}
    if "change" in verbs:
        verbs.add("view")  # the admin shows what it lets change
    return verbs


def withheld(model) -> set[str]:
    meta = model._meta
    return WITHHELD.get(meta.label_lower, set()) | WITHHELD.get(meta.app_label, set())


def granted(model, model_admin) -> set[str]:
    return offered(model_admin) - withheld(model)


def rows_granted(inline, page_verbs: set[str]) -> set[str]:
    """What the group may do with an inline's rows kept as part of their page (an inline marked
    `granted_with_page`): what the inline offers, as far as the group may change the page."""
    if "change" not in page_verbs and "add" not in page_verbs:
        return page_verbs & {"view"}
    request = SimpleNamespace(user=_Offers(), method="GET", GET={}, POST={})
    checks = {
        "view": inline.has_view_permission(request, None),
        "add": inline.has_add_permission(request, None),
        "change": inline.has_change_permission(request, None),
        "delete": inline.can_delete and inline.has_delete_permission(request, None),
    }
    return {verb for verb, allowed in checks.items() if allowed}


def permissions():
    """The secretariat's permissions: for each model with an admin page, what it grants; for
    the rows an admin page keeps inline as part of it (`granted_with_page`), what the inline
    offers to whoever may change the page."""
    from django.contrib import admin  # the admin's registry, filled once the apps are ready

    wanted = {
        model: granted(model, model_admin) for model, model_admin in admin.site._registry.items()
    }
    for model, model_admin in admin.site._registry.items():
        for inline_class in model_admin.inlines:
            if getattr(inline_class, "granted_with_page", False):
                inline = inline_class(model, admin.site)
                wanted[inline.model] = rows_granted(inline, wanted[model]) - withheld(inline.model)
    content_types = ContentType.objects.get_for_models(*wanted)
    match = Q(pk__in=[])
    for model, verbs in wanted.items():
        if verbs:
            codenames = [f"{verb}_{model._meta.model_name}" for verb in verbs]
            match |= Q(content_type=content_types[model], codename__in=codenames)
    return Permission.objects.filter(match)


def group() -> Group:
    return Group.objects.get_or_create(name=GROUP_NAME)[0]


def install_group(**kwargs) -> None:
    """Make the group if missing and give it exactly its permissions (a post_migrate receiver,
    run once every app's permissions exist: migrating again changes nothing)."""
    group().permissions.set(permissions())


def join(user) -> None:
    """Put a staff account in the secretariat (a superuser needs no group)."""
    if user.is_staff and not user.is_superuser:
        user.groups.add(group())


def leave(user) -> None:
    user.groups.remove(group())
