"""actlab.chapters.ch03_sigmoid_tanh: the weight-path figure of chapter 3 (the zig-zag)."""
import numpy as np
import pytest

import actlab
from actlab.chapters.ch03_sigmoid_tanh import plot_weight_paths


def test_one_panel_per_path_with_the_path_the_start_and_the_target():
    path = np.array([[0.0, 0.0], [0.5, 0.5], [0.2, -0.1], [0.9, -0.8]])
    fig = plot_weight_paths({"a": path, "b": path[:2]}, [1.0, -1.0], steps=2)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    drawn = fig.axes[0].get_lines()[0].get_xydata()
    assert np.array_equal(drawn, path[:3]), "steps=2 keeps the start and the first two steps"
    assert np.array_equal(fig.axes[0].get_lines()[2].get_xydata(), [[1.0, -1.0]])


def test_labels_follow_the_language():
    path = np.zeros((3, 2))
    try:
        for lang, word in (("ko", "목표 가중치"), ("en", "target weights")):
            actlab.set_language(lang)
            fig = plot_weight_paths({"p": path}, [1.0, -1.0])
            assert word in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    finally:
        actlab.set_language("ko")


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="target"):
        plot_weight_paths({"p": np.zeros((3, 2))}, [1.0, -1.0, 0.0])
    with pytest.raises(ValueError, match="path 'p'"):
        plot_weight_paths({"p": np.zeros((3, 3))}, [1.0, -1.0])
