"""One page per enterprise for staff: everything the federation knows and has done with it,
newest first (`kinds.py` lists what it shows, `views.py` the page)."""
