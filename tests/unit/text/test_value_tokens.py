"""The value tokens of a flattened table line (catalog/value_tokens.csv) and the last characters is_table_line's
shortcut reads from the same rows (each form's ``ends``): a form cannot end in a character the shortcut does not
know, which hypothesis checks by drawing tokens from every pattern."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govreport import catalog
from govreport.text.paragraphs import _value_ends, _value_token, is_table_line, reads_as_values

PACKAGED = Path(catalog.__file__).parent
FORMS = [(r["pattern"], r["ends"]) for r in catalog.read_csv("value_tokens.csv")]


@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "catalog"
    shutil.copytree(PACKAGED, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def _add_form(folder: Path, row: str) -> None:
    path = folder / "value_tokens.csv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + row + "\n", encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_token_of_every_form_ends_in_a_digit_or_its_rows_ends(data):
    """A token each form matches (drawn by hypothesis from the pattern itself, not from our reading of it) is a
    value token and ends in a digit or a character of its row's ends: the shortcut never skips its line."""
    form, ends = data.draw(st.sampled_from(FORMS))
    token = data.draw(st.from_regex(form, fullmatch=True).filter(bool))
    assert _value_token().match(token)
    assert token[-1].isdecimal() or token[-1] in ends, (form, token)
    assert set(ends) <= _value_ends()


def test_the_ends_as_read_by_hand():
    """12 · 1, (a wrapped 1,234) · 1.5 · 80%; a run of dashes; the last character of a word: the set the shortcut
    used when it was written in code."""
    assert _value_ends() == frozenset(",%/／—-–无及")


def test_a_new_form_brings_its_last_character_to_the_shortcut(copy):
    """A form added to the catalog ("3项") makes "行政许可 3项" a table line, as the packaged catalog (no such
    form) does not."""
    assert is_table_line("行政许可 3项") is False
    _add_form(copy, r"items,\d+项,项,a count of items")
    with catalog.use_directory(copy):
        assert "项" in _value_ends()
        assert is_table_line("行政许可 3项") is True
        assert reads_as_values("行政许可 3项") is True

