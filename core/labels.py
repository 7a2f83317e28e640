"""Choice labels for a page of rows, translated once a page.

`get_FOO_display()` builds its field's choices on every call, translating every label: on a
page of fifty rows that cost milliseconds of CPU (bench/README.md, the pages.py section). A
page's rows get their labels from `with_labels` instead, translated once. And the one rule for
a name kept in both languages (`in_reader_language`).
"""

from django.utils import translation


def with_labels(rows, **choices):
    """Each row (a model instance, or a dictionary from `values()`) with `<name>_label` for
    each field `name` given with its choices class; an empty value's label is empty, a code
    no longer among the choices is shown as it is. Returns `rows`."""
    labels = {
        name: {code: str(label) for code, label in options.choices}
        for name, options in choices.items()
    }
    for row in rows:
        for name, by_code in labels.items():
            code = row[name] if isinstance(row, dict) else getattr(row, name)
            label = by_code.get(code, "" if code in (None, "") else code)
            if isinstance(row, dict):
                row[f"{name}_label"] = label
            else:
                setattr(row, f"{name}_label", label)
    return rows


def in_reader_language(name: str, name_en: str) -> str:
    """A name kept in Chinese and, optionally, English (a field of service, a policy topic):
    the English one for a reader not reading Chinese, the Chinese one otherwise or when no
    English name is kept."""
    if name_en and not (translation.get_language() or "").startswith("zh"):
        return name_en
    return name
