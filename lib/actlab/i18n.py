"""The course's two languages: which one is active, and message catalogues that follow it.

Each module keeps its own catalogue of interface strings next to the code that uses them::

    MESSAGES = Messages({"loss": term("loss"), "train_loss": {"ko": "학습 손실", "en": "training loss"}})
    MESSAGES("loss")             # in the active language
    MESSAGES("loss", lang="en")  # in a given one

so labels, printed text and feedback come from the library, and notebooks in both languages can
share every code cell but the first, which calls :func:`set_language`.

The course glossary (``glossary.yml``, one Korean term per concept) is the source of the terms:
:func:`term` gives a term in both languages as a catalogue entry, so a catalogue cannot translate
"loss" its own way. The package carries its own copy of the terms (``actlab/glossary.json``,
written by ``tools/build_glossary.py``; a test fails when it is out of date), so a Colab install has
them too.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from types import MappingProxyType
from typing import Mapping

__all__ = ["LANGUAGES", "set_language", "get_language", "check_language", "Messages", "glossary", "term"]

LANGUAGES = ("ko", "en")
_active = "ko"


def set_language(lang: str) -> None:
    """Make ``lang`` ("ko" or "en") the language of every label, table and message."""
    global _active
    _active = check_language(lang)


def get_language() -> str:
    """The active language, "ko" (the default) or "en"."""
    return _active


def check_language(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`, else a ValueError naming the argument."""
    if lang not in LANGUAGES:
        raise ValueError(f'lang must be one of {LANGUAGES}, got {lang!r}')
    return lang


class Messages:
    """A catalogue ``key -> {"ko": text, "en": text}``; calling it formats one message.

    >>> MESSAGES = Messages({"loss": term("loss"), "epochs": {"ko": "{n} 에포크", "en": "{n} epochs"}})
    >>> MESSAGES("loss", lang="ko"), MESSAGES("epochs", lang="en", n=3)
    ('손실', '3 epochs')
    """

    def __init__(self, catalogue: Mapping[str, Mapping[str, str]]):
        for key, texts in catalogue.items():
            missing = set(LANGUAGES) - set(texts)
            if missing:
                raise ValueError(f"message {key!r} lacks {sorted(missing)}")
        self._catalogue = catalogue

    def __call__(self, key: str, lang: str | None = None, **fields) -> str:
        """The message ``key`` in ``lang`` (default: the active language), formatted with ``fields``."""
        text = self._catalogue[key][check_language(lang or _active)]
        return text.format(**fields) if fields else text

    def __contains__(self, key: str) -> bool:
        """Whether the catalogue has the message ``key``."""
        return key in self._catalogue

    def keys(self):
        """The message keys."""
        return self._catalogue.keys()


@functools.cache
def glossary() -> Mapping[str, Mapping[str, str]]:
    """The course glossary's terms: English term -> ``{"ko": ..., "en": ...}`` (read-only, read once).

    >>> glossary()["activation function"]["ko"]
    '활성화 함수'
    """
    text = resources.files(__package__).joinpath("glossary.json").read_text(encoding="utf-8")
    return MappingProxyType({en: MappingProxyType(forms) for en, forms in json.loads(text).items()})


def term(en: str) -> Mapping[str, str]:
    """The glossary term ``en`` (its English form) in both languages, as a catalogue entry.

    >>> dict(term("loss"))
    {'ko': '손실', 'en': 'loss'}
    >>> term("loss")["ko"] + " (로그 눈금)"
    '손실 (로그 눈금)'
    """
    terms = glossary()
    if en not in terms:
        raise KeyError(f"en={en!r} is not in the course glossary (glossary.yml); its terms are {sorted(terms)}")
    return terms[en]
