"""Author-year labels for the references pages, as the chapters cite: [He et al. 2015].

sphinxcontrib-bibtex formats a bibliography with a pybtex style (``bibtex_default_style``); its
default, "alpha", labels entries [HZRS15], which a reader cannot match with the text's "He et al.
2015". These styles (one per book language, registered as pybtex plugins, the way the
sphinxcontrib-bibtex documentation shows) label an entry by its authors' last names and its year:
one or two authors by name ("Nair and Hinton 2010", Korean "Nair·Hinton 2010"), three or more by the
first and "et al." / "외"; a second entry with the same label gets "a", "b" after the year. Entries are
sorted by author, year and title. An entry shows one link: its ``url`` (the address the chapters link
to), not the same address again as ``doi:`` or ``arXiv:``.
"""
from __future__ import annotations

from collections import Counter

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import sentence

# language -> (between two names, before the last of more, "et al.")
JOINERS = {"en": (" and ", "et al."), "ko": ("·", "외")}


def last_name(person) -> str:
    return Text.from_latex(" ".join(person.prelast_names + person.last_names)).render_as("text")


def author_year(entry, language: str) -> str:
    and_, et_al = JOINERS[language]
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [last_name(p) for p in people]
    if not names:
        who = entry.fields.get("key") or entry.fields.get("title", "?")
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = and_.join(names)
    else:
        who = f"{names[0]} {et_al}"
    return f"{who} {entry.fields.get('year', '')}".strip()


class _AuthorYearLabels(BaseLabelStyle):
    language = "en"

    def format_labels(self, sorted_entries):
        sorted_entries = list(sorted_entries)
        labels = [author_year(entry, self.language) for entry in sorted_entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            else:
                yield label


class _AuthorYearStyle(UnsrtStyle):
    default_sorting_style = "author_year_title"

    def format_web_refs(self, e):
        if "url" in e.fields:
            return sentence[self.format_url(e)]
        return super().format_web_refs(e)


def _classes(language: str):
    labels = type(f"AuthorYearLabels_{language}", (_AuthorYearLabels,), {"language": language})
    style = type(f"AuthorYearStyle_{language}", (_AuthorYearStyle,), {"default_label_style": labels})
    return labels, style


def style_name(language: str) -> str:
    return f"actlab-author-year-{language if language in JOINERS else 'en'}"


def register() -> None:
    for language in JOINERS:
        labels, style = _classes(language)
        register_plugin("pybtex.style.labels", style_name(language), labels, force=True)
        register_plugin("pybtex.style.formatting", style_name(language), style, force=True)
