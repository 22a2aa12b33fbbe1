"""The course's two languages: which one is active, and message catalogues that follow it.

Each module keeps its own catalogue of interface strings next to the code that uses them::

    MESSAGES = Messages({"loss": {"ko": "손실", "en": "loss"}})
    MESSAGES("loss")             # in the active language
    MESSAGES("loss", lang="en")  # in a given one

so labels, printed text and feedback come from the library, and notebooks in both languages can
share every code cell but the first, which calls :func:`set_language`.
"""
from __future__ import annotations

LANGUAGES = ("ko", "en")
_active = "ko"


def set_language(lang: str) -> None:
    """Make ``lang`` ("ko" or "en") the language of every label, table and message."""
    global _active
    _active = check_language(lang)


def get_language() -> str:
    """The active language, "ko" (the default) or "en"."""
    return _active


def check_language(lang) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f'lang must be one of {LANGUAGES}, got {lang!r}')
    return lang


class Messages:
    """A catalogue ``key -> {"ko": text, "en": text}``; calling it formats one message."""

    def __init__(self, catalogue: dict[str, dict[str, str]]):
        for key, texts in catalogue.items():
            missing = set(LANGUAGES) - set(texts)
            if missing:
                raise ValueError(f"message {key!r} lacks {sorted(missing)}")
        self._catalogue = catalogue

    def __call__(self, key: str, lang: str | None = None, **fields) -> str:
        text = self._catalogue[key][check_language(lang or _active)]
        return text.format(**fields) if fields else text

    def __contains__(self, key: str) -> bool:
        return key in self._catalogue

    def keys(self):
        return self._catalogue.keys()
