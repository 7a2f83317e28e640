"""Links for the rows of a page, reversed once rather than once a row.

A `reverse()` costs tens of microseconds (about 60 µs measured on the shared 2-core machine):
fifty rows with a link or two each cost milliseconds of a page's CPU (bench/README.md, the
pages.py section). `row_link(name)` reverses the URL once, with a stand-in for the row's key,
and puts each row's key in its place. Only for a URL whose one argument is the row's key.
"""

import functools
import uuid

from django.urls import get_script_prefix, reverse

# The stand-in: a key no row has, that nothing else in a URL looks like.
STAND_IN = str(uuid.UUID(int=0))


def row_link(name: str, stand_in: str = STAND_IN):
    """A function of a row's key giving its URL `name`. `stand_in`: a key no row has that the
    URL's converter accepts (the default, for a UUID; "0000-00" for a month, say)."""
    pattern = _reversed(name, stand_in, get_script_prefix())
    return lambda key: pattern.replace(stand_in, str(key))


def page_url(name: str) -> str:
    """The URL `name`, which takes no argument, reversed once (for a link a column repeats
    on every row with a different query string)."""
    return _reversed(name, None, get_script_prefix())


@functools.cache
def _reversed(name: str, stand_in: str | None, prefix: str) -> str:
    return reverse(name, args=[] if stand_in is None else [stand_in])
