"""The house's layout: which package may import which, and what moved kept its names.

Reports read every domain app; no domain app reads reports, `core` reads no app, and nothing
reads the demo (which builds its data through the apps' services). The
dashboard, the ledgers and the roster moved packages without changing a URL or the name of a
task that Celery beat runs.
"""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from reports.ledgers.base import Ledger
from reports.ledgers.petitions import PETITIONS
from reports.ledgers.registry import LEDGERS
from tests.conftest import client_for
from ylqgsl.celery import app
from ylqgsl.schedules import default_schedules

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_APPS = (
    "members", "notices", "chambers", "events", "petitions", "policies", "visits", "services",
)  # fmt: skip
PROJECT_PACKAGES = (*DOMAIN_APPS, "core", "reports", "demo", "ylqgsl")


def imported_packages(app: str) -> dict[str, set[str]]:
    """Each module of `app` → the project packages it imports (relative imports resolved)."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    names.add(".".join([*base, node.module] if node.module else base))
                else:
                    names.add(node.module)
        found[module] = {name.split(".")[0] for name in names} & set(PROJECT_PACKAGES)
    return found


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_domain_app_imports_reports_or_the_project_package(app):
    for module, packages in imported_packages(app).items():
        assert not packages & {"reports", "ylqgsl"}, module


@pytest.mark.parametrize("package", [*DOMAIN_APPS, "core", "reports", "ylqgsl"])
def test_nothing_imports_the_demo(package):
    for module, packages in imported_packages(package).items():
        assert "demo" not in packages, module


@pytest.mark.parametrize("app", [app for app in DOMAIN_APPS if app != "visits"] + ["core"])
def test_no_earlier_app_imports_visits(app):
    """Visits link to petitions, chambers' duty log and members by foreign keys from their
    side: only reports, the demo and the project package read visits."""
    for module, packages in imported_packages(app).items():
        assert "visits" not in packages, module


@pytest.mark.parametrize("package", [app for app in DOMAIN_APPS if app != "services"] + ["core"])
def test_only_reports_the_project_and_the_demo_import_services(package):
    """Services to members is the latest app: it reads the others, none reads it."""
    for module, packages in imported_packages(package).items():
        assert "services" not in packages, module


def test_services_imports_only_the_apps_it_stands_on():
    allowed = {
        "services", "core", "members", "chambers", "events", "petitions", "notices", "policies",
    }  # fmt: skip
    for module, packages in imported_packages("services").items():
        assert packages <= allowed, module


@pytest.mark.parametrize(
    "package", ["members", "notices", "chambers", "events", "petitions", "visits", "core"]
)
def test_only_services_reports_the_project_and_the_demo_import_policies(package):
    """Policies read members, chambers and petitions (a question is a petition); of the domain
    apps only services, which come after them, read policies."""
    for module, packages in imported_packages(package).items():
        assert "policies" not in packages, module


def test_policies_imports_only_the_apps_it_stands_on():
    allowed = {"policies", "core", "members", "chambers", "petitions", "notices"}
    for module, packages in imported_packages("policies").items():
        assert packages <= allowed, module


def test_core_imports_no_app():
    for module, packages in imported_packages("core").items():
        assert packages <= {"core"}, module


def test_infrastructure_moved_out_of_members_lives_in_core():
    for name in ("fields", "uploads", "held_uploads", "dates", "widgets", "storage"):
        assert not (ROOT / "members" / f"{name}.py").exists(), name
        assert (ROOT / "core" / f"{name}.py").exists(), name


# Helpers that core defines once: no other package defines its own under the same name.
ONE_OF_EACH = {
    "staff_required", "user_passes", "month_start", "add_months", "month_end",
    "months_between", "month_range", "next_month", "add_years", "rate", "in_order",
}  # fmt: skip


def test_the_helpers_core_defines_are_defined_nowhere_else():
    for package in (*DOMAIN_APPS, "reports", "ylqgsl"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef):
                    assert node.name not in ONE_OF_EACH, f"{path.relative_to(ROOT)}: {node.name}"


def test_the_petition_ledger_is_a_ledger_listed_with_the_others(staff):
    assert isinstance(PETITIONS, Ledger)
    assert all(isinstance(ledger, Ledger) for ledger in LEDGERS.values())
    html = client_for(staff).get(reverse("ledgers:index")).content.decode()
    assert 'id="ledger-petitions"' in html
    assert f'href="{reverse("petitions:ledger_export")}"' in html


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("petitions:ledger", "/petitions/ledger/"),
        ("petitions:ledger_export", "/petitions/ledger/export.xlsx"),
        ("petitions:list", "/petitions/"),
        ("ledgers:index", "/ledgers/"),
        ("ledgers:duty_export", "/ledgers/duty/export.xlsx"),
        ("dashboard:index", "/dashboard/"),
        ("dashboard:report_export", "/dashboard/report/export.xlsx"),
        ("roster:index", "/roster/"),
        ("roster:swaps", "/roster/swaps/"),
    ],
)
def test_moved_pages_keep_their_addresses(name, path):
    assert reverse(name) == path


def test_every_beat_task_is_registered_under_the_name_beat_knows(settings):
    """Beat's rows in the database name tasks by string: a moved task keeps its name."""
    settings.DASHBOARD_CACHE_SECONDS = 60
    app.loader.import_default_modules()  # what a worker imports on start
    scheduled = {schedule.task for schedule in default_schedules()}
    assert {"chambers.tasks.duty_scan", "ylqgsl.tasks.refresh_dashboard"} <= scheduled
    assert scheduled <= set(app.tasks)
    assert app.tasks["chambers.tasks.duty_scan"].__module__ == "chambers.roster.tasks"
    assert app.tasks["ylqgsl.tasks.refresh_dashboard"].__module__ == "reports.tasks"
