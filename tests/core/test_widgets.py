"""core.widgets.QuickSelect: the markup of Django's Select, built without a template."""

from django import forms

from core.widgets import QuickSelect


class Form(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "All"), ("a&b", "<A & B>"), ("c", "C")], required=False, widget=QuickSelect
    )


def test_the_chosen_option_is_selected_and_every_text_escaped():
    html = str(Form({"kind": "a&b"})["kind"])
    assert html.startswith('<select name="kind" id="id_kind">')
    assert '<option value="a&amp;b" selected>&lt;A &amp; B&gt;</option>' in html
    assert '<option value="c">C</option>' in html
    assert html.count("selected") == 1


def test_nothing_chosen_selects_the_empty_choice():
    assert '<option value="" selected>All</option>' in str(Form({})["kind"])
