"""actlab.tables: one display-width rule (East Asian Width) for every text table of the course."""
import pytest

from actlab.tables import display_width, pad, text_table


@pytest.mark.parametrize("text, width", [
    ("", 0), ("relu", 4), ("손실", 4), ("정확도 0.75", 11),
    ("ＡＢ", 4),           # fullwidth Latin: two columns each, as terminals draw them
    ("‖∇W1‖", 5),          # ambiguous-width symbols take one column in Jupyter's monospace output
    ("ㄱ", 2),             # a Hangul compatibility jamo is wide too, not only the syllables
])
def test_display_width_counts_wide_characters_twice(text, width):
    assert display_width(text) == width


def test_display_width_refuses_non_text():
    with pytest.raises(TypeError, match="text must be a str"):
        display_width(12)


def test_pad_fills_to_the_display_width_and_never_cuts():
    assert pad("손실", 6) == "손실  "
    assert pad("손실", 6, right=True) == "  손실"
    assert pad("정확도", 2) == "정확도"


def test_text_table_lines_up_mixed_korean_and_latin_columns():
    rows = [["활성화 함수", "손실", "정확도"], ["ReLU", "0.123", "0.98"], ["시그모이드", "1.5", "0.5"]]
    lines = text_table(rows).splitlines()
    assert len({display_width(line) for line in lines}) == 1  # every row ends in the same column
    # the first column is left-aligned, the others right-aligned, separated by two spaces
    assert lines[1].startswith("ReLU ") and lines[1].endswith("  0.98")
    assert lines[0].index("손실") > lines[0].index("함수")
    right = text_table(rows, right=[True, False, False]).splitlines()
    assert right[1].startswith(" ") and not right[1].endswith(" ")


def test_text_table_drops_trailing_spaces():
    assert text_table([["a", "b"], ["long", ""]], right=[False, False]).splitlines()[1] == "long"


@pytest.mark.parametrize("rows, kwargs, message", [
    ([], {}, "at least one row"),
    ([["a", "b"], ["c"]], {}, "must all have 2 cells"),
    ([["a", "b"]], {"right": [True]}, "one flag per column"),
])
def test_text_table_errors_name_the_argument(rows, kwargs, message):
    with pytest.raises(ValueError, match=message):
        text_table(rows, **kwargs)
