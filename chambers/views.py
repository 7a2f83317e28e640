"""Pages of the federation's organisations: the list, the structure, one chamber, its members.

The rotating chair's roster has its own views (the roster package).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pagecache
from core.counts import cached_count
from core.labels import with_labels
from core.links import row_link
from core.queries import in_order
from core.submissions import create_once
from members.models import Enterprise, on_roll

from . import access, services
from .forms import AddMemberForm
from .models import Affiliation, Organization, Post

Kind, Position = Organization.Kind, Post.Position
CHAMBER_KINDS = [Kind.INDUSTRY, Kind.TOWNSHIP, Kind.OUT_OF_TOWN]
# The two leadership teams of "1+2+6+7+N": the federation's chair and vice-chairs, and the
# presidents of the general chamber (the federation itself) and of its chambers.
FEDERATION_TEAM = [Position.CHAIR, Position.VICE_CHAIR]
CHAMBER_TEAM = [Position.PRESIDENT, Position.EXECUTIVE_PRESIDENT]
GENERAL_AND_CHAMBERS = [Kind.FEDERATION, *CHAMBER_KINDS]


def organizations_with_counts():
    """Active organisations, each with its count of current members of the federation."""
    # An affiliation not ended, of an enterprise on the federation's roll today.
    current = Q(affiliations__left_on__isnull=True) & on_roll(via="affiliations__enterprise__")
    return (
        Organization.objects.active()
        .select_related("township")
        .annotate(member_count=Count("affiliations", filter=current))
        .order_by(in_order("kind", Kind.values), "name")
    )


def by_kind(organizations) -> dict[str, list[Organization]]:
    groups = {kind: [] for kind in Kind.values}
    for organization in organizations:
        groups[organization.kind].append(organization)
    return groups


# A chamber of a municipal federation may have thousands of member enterprises.
MEMBERS_PER_PAGE = 50


# What the lists of a chamber's members show: not the enterprise's whole row (its contact
# numbers are decrypted for each row read).
MEMBER_COLUMNS = (
    "organization", "role", "joined_on", "left_on",
    "enterprise__public_id", "enterprise__name", "enterprise__credit_code", "enterprise__status",
)  # fmt: skip


def current_members(organization, user):
    """Staff also see members whose federation membership is suspended or withdrawn."""
    members = (
        organization.affiliations.filter(left_on__isnull=True)
        .select_related("enterprise")
        .only(*MEMBER_COLUMNS)
    )
    if not user.is_staff:
        members = members.filter(enterprise__status=Enterprise.Status.MEMBER)
    # The primary key last: fifty a page, in the same order every time.
    return members.order_by(
        in_order("role", Affiliation.Role.values), "enterprise__name_pinyin", "pk"
    )


def with_enterprise_links(affiliations):
    """Each affiliation with the link to its enterprise's page (reversed once a page)."""
    link = row_link("members:enterprise_detail")
    for affiliation in affiliations:
        affiliation.link = link(affiliation.enterprise.public_id)
    return affiliations


def leaders_in_order():
    return Post.objects.select_related("holder", "enterprise").order_by(
        in_order("position", Position.values), "started_on", "pk"
    )


def ended(post, day) -> bool:
    return post.ended_on is not None and post.ended_on < day


def can_see_chambers_or_403(user):
    if not access.can_see_chambers(user):
        raise PermissionDenied


def keeper_required(view):
    """Anonymous users log in; who may not keep this organisation's members gets 403.

    The view receives the organisation in place of its slug.
    """

    @wraps(view)
    def wrapper(request, slug, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        organization = access.get_organization_to_keep(request.user, slug)
        return view(request, organization, **kwargs)

    return wrapper


@login_required
@pagecache.kept_page
def organization_list(request):
    can_see_chambers_or_403(request.user)
    groups = by_kind(organizations_with_counts())
    context = {
        "groups": [
            {"kind": kind, "label": kind.label, "organizations": groups[kind]}
            for kind in Kind
            if groups[kind]
        ],
        "enterprise_count": cached_count(Enterprise.objects.members_on()),
    }
    return render(request, "chambers/list.html", context)


@login_required
@pagecache.kept_page
def structure(request):
    """The federation at a glance, '1+2+6+7+N', counted from the data."""
    can_see_chambers_or_403(request.user)
    groups = by_kind(organizations_with_counts())
    leaders = list(
        Post.objects.current()
        .filter(term__organization__is_active=True)
        .filter(
            Q(position__in=FEDERATION_TEAM, term__organization__kind=Kind.FEDERATION)
            | Q(position__in=CHAMBER_TEAM, term__organization__kind__in=GENERAL_AND_CHAMBERS)
        )
        .select_related("holder", "enterprise", "term__organization")
        .order_by(
            in_order("term__organization__kind", Kind.values),
            "term__organization__name",
            in_order("position", Position.values),
            "started_on",
        )
    )
    teams = [
        [post for post in leaders if post.position in FEDERATION_TEAM],
        [post for post in leaders if post.position in CHAMBER_TEAM],
    ]
    return render(request, "chambers/structure.html", {
        "federations": groups[Kind.FEDERATION],
        "federation_team": teams[0],
        "chamber_team": teams[1],
        "team_count": sum(1 for team in teams if team),
        "working_groups": groups[Kind.WORKING_GROUP],
        "associations": groups[Kind.ASSOCIATION],
        "chambers": [org for kind in CHAMBER_KINDS for org in groups[kind]],
        "friendly": groups[Kind.FRIENDLY],
        "enterprise_count": cached_count(Enterprise.objects.members_on()),
    })  # fmt: skip


@login_required
@pagecache.kept_page
def organization_detail(request, slug):
    user = request.user
    organization = access.get_organization(user, slug)
    today = timezone.localdate()
    terms = list(
        organization.terms.filter(starts_on__lte=today).prefetch_related(
            Prefetch("posts", queryset=leaders_in_order())
        )
    )
    current_term = next((term for term in terms if term.is_current(today)), None)
    posts = current_term.posts.all() if current_term else []
    members = Paginator(current_members(organization, user), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    with_labels(members, role=Affiliation.Role)
    can_open_enterprises = user.is_staff or user.is_member_user
    if can_open_enterprises:
        with_enterprise_links(members)
    return render(request, "chambers/detail.html", {
        "organization": organization,
        "members": members,
        "current_term": current_term,
        "leaders": [p for p in posts if p.started_on <= today and not ended(p, today)],
        "earlier_leaders": [p for p in posts if ended(p, today)],
        "past_terms": [term for term in terms if term is not current_term],
        "evaluations": organization.evaluations.all(),
        "children": organization.children.active(),
        # Read only on the federation's own page.
        "group_members": Organization.objects.active().filter(group_member_since__isnull=False),
        "can_keep": access.can_keep_members(user, organization),
        "can_open_enterprises": can_open_enterprises,
    })  # fmt: skip


@keeper_required
@pagecache.kept_page
def member_list(request, organization):
    """The keeper's page: add a member enterprise, end a membership, see former members."""
    pagecache.shows(Organization)  # read by keeper_required, before the page
    form = AddMemberForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            affiliation = create_once(
                form,
                lambda: services.add_affiliation(
                    organization=organization,
                    enterprise=form.cleaned_data["enterprise"],
                    role=form.cleaned_data["role"],
                    joined_on=form.cleaned_data["joined_on"],
                    actor=request.user,
                ),
            )
        except services.TransitionError as error:
            form.add_error("enterprise", str(error))
        else:
            name = affiliation.enterprise.name
            messages.success(request, _("%(name)s was added.") % {"name": name})
            return redirect("chambers:members", organization.slug)
    affiliations = organization.affiliations.select_related("enterprise").only(*MEMBER_COLUMNS)
    in_roles = in_order("role", Affiliation.Role.values)
    current = affiliations.filter(left_on__isnull=True).order_by(
        in_roles, "enterprise__name_pinyin", "pk"
    )
    former = affiliations.filter(left_on__isnull=False).order_by(
        "-left_on", in_roles, "enterprise__name_pinyin", "pk"
    )
    page = Paginator(current, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "chambers/members.html", {
        "organization": organization,
        "form": form,
        "current": with_labels(page, role=Affiliation.Role),
        "former": with_labels(list(former), role=Affiliation.Role),
    })  # fmt: skip


@keeper_required
@require_POST
def member_end(request, organization, pk):
    affiliation = get_object_or_404(organization.affiliations.select_related("enterprise"), pk=pk)
    try:
        services.end_affiliation(affiliation=affiliation, actor=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s has left; the membership stays on record.")
            % {"name": affiliation.enterprise.name},
        )
    return redirect("chambers:members", organization.slug)
