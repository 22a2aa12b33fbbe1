"""The chapter-10 summary table comes from the registry, in each language."""
import re

import pytest

from actlab import ACTIVATIONS
from actlab.summary import measure_costs, summary_table


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_table_has_a_row_per_activation_plus_softmax(lang):
    lines = summary_table(lang=lang).splitlines()
    assert len(lines) == 2 + len(ACTIVATIONS) + 1
    for line, entry in zip(lines[2:], ACTIVATIONS.values()):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        assert len(cells) == 7, line
        assert cells[0] == entry.label(lang)
        assert cells[1] == f"${entry.formula.replace('|', chr(92) + '|')}$"
        assert cells[5] == entry.strengths[lang] and cells[6] == entry.weaknesses[lang]


def test_headers_follow_the_language():
    assert summary_table(lang="ko").startswith("| 함수 |")
    assert summary_table(lang="en").startswith("| Function |")
    assert not re.search("[가-힣]", summary_table(lang="en", names=["relu", "sigmoid"]))


def test_costs_are_relative_to_relu_and_fill_the_column():
    costs = measure_costs(names=["relu", "sigmoid"], n=10_000, repeat=2)
    assert set(costs) == {"relu", "sigmoid", "softmax"}
    assert all(c > 0 for c in costs.values())
    table = summary_table(lang="en", names=["relu", "sigmoid"], costs=costs)
    assert f"{costs['sigmoid']:.1f}×" in table and "—" not in table


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="lang"):
        summary_table(lang="fr")
    with pytest.raises(ValueError, match="n must"):
        measure_costs(n=0)
