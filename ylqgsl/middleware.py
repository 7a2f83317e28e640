"""What the portal does to every request before a view sees it."""

import re

# Unicode's bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
# Typed into a title, U+202E (right-to-left override) reverses the text shown after it, on
# every page that shows the title, in the admin and in exports. No one types them on purpose
# in Chinese or English text; the left-to-right and right-to-left marks, which reorder
# nothing around them, are kept.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DELETE_BIDI_CONTROLS = str.maketrans("", "", BIDI_CONTROLS)
_HAS_BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")


def strip_bidi_controls(text: str) -> str:
    return text.translate(_DELETE_BIDI_CONTROLS)


class UserTextMiddleware:
    """Every text field sent to the portal (every form, the admin) and every uploaded file's
    name arrives without bidirectional controls: one place instead of one check per field.

    After the CSRF middleware, which reads the form first; the request's form is replaced by a
    cleaned copy only when it holds such a character (an ordinary form is left as it came).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type not in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return None
        # One pass that copies nothing: only the fields holding a control are cleaned, and
        # the form is copied only when there is one.
        dirty = {
            key: [strip_bidi_controls(value) for value in values]
            for key, values in request.POST.lists()
            if any(_HAS_BIDI_CONTROL.search(value) for value in values)
        }
        if dirty:
            post = request.POST.copy()
            for key, values in dirty.items():
                post.setlist(key, values)
            post._mutable = False
            request.POST = post
        for _key, uploads in request.FILES.lists():
            for upload in uploads:
                upload.name = strip_bidi_controls(upload.name)
        return None
