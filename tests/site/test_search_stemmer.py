"""The Korean search language: particles are stripped the same way when indexing and in the browser."""
from __future__ import annotations

import importlib.util
import json
import re

import pytest

from site_helpers import ROOT

_spec = importlib.util.spec_from_file_location("korean_search", ROOT / "_ext" / "korean_search.py")
korean_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(korean_search)
strip_particle = korean_search.strip_particle
query_stem = korean_search.query_stem

# Nouns of the course and particles they carry in the text.
NOUNS = ["활성화", "함수", "가중치", "편향", "은닉층", "출력층", "기울기", "도함수", "역전파", "시그모이드",
         "소프트맥스", "맥스아웃", "희소성", "드롭아웃", "옵티마이저", "신경망", "퍼셉트론", "정도", "속도", "차이"]
PARTICLES = ["은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로", "와", "과", "도", "만",
             "에게", "까지", "부터", "보다", "처럼", "에서는", "으로는", "입니다", "이라는"]


@pytest.mark.parametrize("noun", NOUNS)
def test_a_noun_with_any_particle_has_the_stem_of_the_bare_noun(noun):
    for particle in PARTICLES:
        assert query_stem(noun + particle) == query_stem(noun), (noun, particle)


@pytest.mark.parametrize("word, stem", [
    ("함수는", "함수"), ("활성화를", "활성화"), ("가중치가", "가중치"), ("은닉층에서는", "은닉층"),
    ("기울기의", "기울기"), ("ReLU는", "ReLU"), ("tanh와", "tanh"), ("함수", "함수"),
    # The stem keeps at least two syllables: these nouns end in a particle-like syllable.
    ("정도", "정도"), ("속도", "속도"), ("나이", "나이"), ("결과", "결과"), ("층의", "층의"),
    ("activation", "activation"), ("", ""),
])
def test_strip_particle(word, stem):
    assert strip_particle(word) == stem


def test_the_longest_particle_is_stripped():
    assert strip_particle("출력층에서는") == "출력층"  # not 출력층에서 (는) nor 출력층에서 (에서 + 는)
    assert strip_particle("입력으로부터") == "입력"


def test_english_words_go_through_the_porter_stemmer():
    assert query_stem("Activations") == query_stem("activation") == "activ"
    assert query_stem("ReLU를") == query_stem("relu") == "relu"


def test_the_index_holds_korean_words_with_and_without_their_particle():
    language = korean_search.SearchKorean({})
    words = language.split("활성화 함수(activation function)는 가중치를 곱한 값에 적용합니다. 함수는 ReLU를")
    assert {"활성화", "함수", "함수는", "가중치를", "가중치", "activation", "ReLU를", "ReLU"} <= set(words)
    assert language.stem("함수는") == "함수는"  # already split into both forms; the stem keeps each
    assert language.stem("Functions") == "function"


def test_the_browser_stemmer_lists_the_same_particles():
    js = korean_search.JS_STEMMER
    particles = json.loads(re.search(r"var KOREAN_PARTICLES = (\[.*?\]);", js).group(1))
    assert particles == list(korean_search.PARTICLES)
    assert f"var KOREAN_MIN_STEM = {korean_search.MIN_STEM};" in js


def test_the_built_site_uses_this_search_language(site):
    """The Korean book's search index was built by the Korean language and indexes stems of particled
    words; the English book's is Sphinx's English (Porter only)."""
    language_data = (site / "ko" / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "stripKoreanParticle" in language_data
    assert "stripKoreanParticle" not in (site / "en" / "_static" / "language_data.js").read_text(encoding="utf-8")
    index = (site / "ko" / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index[index.index("(") + 1: index.rindex(")")])["terms"]
    assert "함수" in terms and "활성화" in terms


def test_the_browser_and_python_reduce_words_alike(page, site):
    """Run the stemmer of the built site in Chromium on many words and compare with Python's."""
    page.goto(page.base_url + "ko/search.html", wait_until="load")
    words = [noun + particle for noun in NOUNS for particle in ["", *PARTICLES]]
    words += ["Activations", "functions", "ReLU는", "Leaky", "tanh의", "softmax를", "x축의", "값이", "나이", "층의"]
    browser = page.evaluate("(words) => { const s = new Stemmer(); return words.map(w => s.stemWord(w.toLowerCase())); }",
                            words)
    assert browser == [query_stem(w) for w in words]


def test_a_word_is_indexed_under_its_synonyms_both_ways():
    """렐루 (a Hangul spelling of a name kept in Latin) and ReLU, 시그모이드 and sigmoid (the glossary's
    two forms) are indexed under each other, particle or not; an unrelated word gets no alias."""
    split = korean_search.SearchKorean.split
    language = korean_search.SearchKorean.__new__(korean_search.SearchKorean)
    stems = lambda text: {korean_search.index_stem(w) for w in split(language, text)}  # noqa: E731
    assert {"relu", "렐루"} <= stems("ReLU를")
    assert {"relu", "렐루"} <= stems("렐루는")
    assert {"sigmoid", "시그모이드"} <= stems("시그모이드의")
    assert {"sigmoid", "시그모이드"} <= stems("sigmoids")
    assert stems("정도") == {"정도"}
    # Every glossary term written as one word in both languages is a synonym pair.
    import yaml
    terms = yaml.safe_load((ROOT / "glossary.yml").read_text(encoding="utf-8"))["terms"]
    pairs = [(t["en"], t["ko"]) for t in terms if re.fullmatch(r"\w+", t["en"]) and re.fullmatch(r"\w+", t["ko"])]
    assert len(pairs) >= 10
    for en, ko in pairs:
        assert korean_search.index_stem(ko) in korean_search.aliases_of(en), (en, ko)
