"""What the README says is what the portal does: every path it names is a page of the portal."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import Resolver404, resolve

README = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")


def test_every_path_the_readme_names_resolves():
    paths = sorted(set(re.findall(r"`(/[^`\s]*)`", README)))
    assert "/events/events.ics" in paths  # the iCal feed, once named /events/ical/
    missing = []
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            missing.append(path)
    assert not missing, f"the README names paths that are 404s: {missing}"
