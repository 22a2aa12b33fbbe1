"""actlab.i18n: the active language, message catalogues, and the glossary as the source of their terms."""
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

import actlab
from actlab import i18n
from actlab.i18n import Messages, glossary, term

ROOT = Path(__file__).resolve().parents[2]
TERMS = yaml.safe_load((ROOT / "glossary.yml").read_text(encoding="utf-8"))["terms"]


def test_the_package_copy_of_the_glossary_has_every_term_of_glossary_yml():
    assert {en: dict(forms) for en, forms in glossary().items()} == {t["en"]: {"ko": t["ko"], "en": t["en"]}
                                                                     for t in TERMS}


def test_the_glossary_is_package_data():
    """Installed from a wheel (Colab), the terms come with the package: declared in pyproject.toml."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'actlab = \[[^\]]*"glossary\.json"', pyproject)
    assert (Path(actlab.__file__).parent / "glossary.json").is_file()


def test_term_gives_both_languages_and_names_an_unknown_term():
    assert dict(term("learning rate")) == {"ko": "학습률", "en": "learning rate"}
    with pytest.raises(KeyError, match="'los' is not in the course glossary"):
        term("los")
    with pytest.raises(TypeError):
        term("loss")["ko"] = "로스"  # read-only: a catalogue cannot change the glossary


def test_messages_follow_the_active_language():
    messages = Messages({"loss": term("loss"), "n": {"ko": "{n}개", "en": "{n} of them"}})
    try:
        actlab.set_language("en")
        assert messages("loss") == "loss" and messages("n", n=3) == "3 of them"
        actlab.set_language("ko")
        assert messages("loss") == "손실" and messages("n", lang="en", n=2) == "2 of them"
    finally:
        actlab.set_language("ko")
    with pytest.raises(ValueError, match="lang must be one of"):
        messages("loss", lang="fr")
    with pytest.raises(ValueError, match="lacks"):
        Messages({"x": {"ko": "엑스"}})


def _catalogues():
    """Every Messages instance defined at module level anywhere in actlab (core, chapters, grader)."""
    found = {}
    for info in pkgutil.walk_packages(actlab.__path__, "actlab."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Messages) and value.__class__ is Messages:
                found[f"{info.name}.{name}"] = value
    return found


def test_catalogues_translate_a_glossary_term_as_the_glossary_does():
    """A message that is a glossary term (in any case) has the glossary's Korean form, so "loss" is
    손실 in every label, table and feedback of the course."""
    catalogues = _catalogues()
    assert {"actlab.training.LABELS", "actlab.plotting.MESSAGES"} <= set(catalogues)
    by_english = {en.lower(): forms["ko"] for en, forms in glossary().items()}
    wrong = [f"{where}[{key!r}]: {messages(key, lang='ko')!r} (glossary: {by_english[en]!r})"
             for where, messages in catalogues.items() for key in messages.keys()
             if (en := messages(key, lang="en").strip().lower()) in by_english
             and messages(key, lang="ko").strip() != by_english[en]]
    assert not wrong, "\n".join(wrong)


def test_core_catalogues_take_their_terms_from_the_glossary():
    from actlab import plotting, training

    for messages, key, en in [(training.LABELS, "loss", "loss"), (training.LABELS, "epoch", "epoch"),
                              (plotting.MESSAGES, "boundary", "decision boundary")]:
        assert messages._catalogue[key] is term(en)


def test_check_language_names_the_argument():
    with pytest.raises(ValueError, match="lang must be one of"):
        i18n.check_language("kr")
