"""Search for the Korean book: Korean words are found whatever particle (조사) they carry.

Sphinx has no Korean search language, and its default one indexes ``함수는`` and ``함수를`` as two
unrelated words, so searching ``함수`` finds neither (partial matching only starts at three letters).
This language strips one trailing particle, longest match first, and keeps a stem of at least
``MIN_STEM`` syllables, so that ``정도`` (degree) or ``나이`` (age) are not cut to one syllable.

The index holds every Korean word twice, as written and without its particle (``split`` yields both);
a query is reduced to its stem in the browser by the same rule (``JS_STEMMER``, kept in step with
``strip_particle`` by tests/site/test_search_stemmer.py, which runs both). Words without Hangul go
through the Porter stemmer, as in Sphinx's English search, so ``activations`` finds ``activation``.
A Latin word with a Korean particle (``ReLU는``) is treated like the bare word (``relu``).

Synonyms: a word is indexed under its aliases as well (``ALIASES``), so that ``렐루`` finds the pages
that write ReLU and ``sigmoid`` the pages that write 시그모이드. The aliases come from the course
glossary (glossary.yml: a term's English and Korean forms and its one-word variants, when each is one
word) and from ``TRANSLITERATIONS``: names that Korean texts keep in Latin letters (so the glossary
has no Korean form for them) but that a reader may type in Hangul.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import snowballstemmer
import yaml
from sphinx.search import SearchLanguage
from sphinx.search.en import english_stopwords, js_porter_stemmer

# Particles and the copula endings that follow nouns in running text. Compound particles are listed
# as such so that the longest match removes the whole ending (에서는 -> stem, not 에서 + 는).
PARTICLES = tuple(sorted({
    "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "나", "랑",
    "에서", "으로", "에게", "한테", "까지", "부터", "보다", "처럼", "마다", "만큼", "이나", "이랑",
    "과의", "와의", "에는", "에도", "에의", "로는", "로도", "로서", "로써", "만을", "만이",
    "이며", "이고", "이다", "이라", "라는", "라고", "이란", "란",
    "에서는", "에서도", "에서의", "에서만", "으로는", "으로도", "으로서", "으로써", "에게는", "에게서",
    "까지는", "까지의", "부터는", "보다는", "처럼은", "이라는", "이라고", "입니다", "이에요", "예요",
    "에서부터", "으로부터", "이었습니다", "였습니다", "이므로",
}, key=lambda p: (-len(p), p)))
MIN_STEM = 2
GLOSSARY = Path(__file__).resolve().parent.parent / "glossary.yml"
# Names Korean texts write in Latin letters, and how a reader may write them in Hangul.
TRANSLITERATIONS = {"ReLU": ["렐루"], "GELU": ["겔루"], "ELU": ["엘루"], "SELU": ["셀루"], "SiLU": ["실루"],
                    "PReLU": ["프렐루"], "swish": ["스위시"], "softplus": ["소프트플러스"], "SwiGLU": ["스위글루"]}

_HANGUL = re.compile("[\uac00-\ud7a3]")
_porter = snowballstemmer.stemmer("porter")


def has_hangul(word: str) -> bool:
    return _HANGUL.search(word) is not None


def strip_particle(word: str) -> str:
    """``word`` without one trailing particle: ``함수는`` -> ``함수``, ``ReLU를`` -> ``ReLU``.

    Only a word ending in Hangul can carry a particle; the stem left must have ``MIN_STEM`` letters.
    """
    if not word or not _HANGUL.match(word[-1]):
        return word
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= MIN_STEM:
            return word[: -len(particle)]
    return word


def index_stem(word: str) -> str:
    """How a word (already split, with or without particle) is stored in the index."""
    word = word.lower()
    return word if has_hangul(word) else _porter.stemWord(word)


def query_stem(word: str) -> str:
    """How the browser reduces a query word (the same as ``JS_STEMMER``'s ``stemWord``)."""
    return index_stem(strip_particle(word.lower()))


def alias_groups(glossary: Path = GLOSSARY) -> list[list[str]]:
    """Groups of one-word names of the same thing: each glossary term's English and Korean forms and
    its one-word variants (``avoid``), and the transliterations of names kept in Latin letters."""
    groups = [[name, *korean] for name, korean in TRANSLITERATIONS.items()]
    terms = yaml.safe_load(glossary.read_text(encoding="utf-8"))["terms"] if glossary.exists() else []
    for term in terms:
        words = [term["en"], term["ko"], *term.get("avoid", [])]
        group = [w for w in words if re.fullmatch(r"\w+", w)]
        if len(group) >= 2 and term["en"] in group and term["ko"] in group:
            groups.append(group)
    return groups


def build_aliases(groups: list[list[str]]) -> dict[str, list[str]]:
    """index stem -> the other words of its groups (lowercase), as the index stores them."""
    aliases: dict[str, set[str]] = {}
    for group in groups:
        stems = {index_stem(word) for word in group}
        for stem in stems:
            aliases.setdefault(stem, set()).update(stems - {stem})
    return {stem: sorted(others) for stem, others in sorted(aliases.items())}


ALIASES = build_aliases(alias_groups())


def aliases_of(word: str) -> list[str]:
    """The index stems a word (as written, particle stripped) is also found under."""
    return ALIASES.get(index_stem(word), [])


# The browser side. Sphinx's searchtools.js calls ``new Stemmer().stemWord(lowercased query word)``.
JS_STEMMER = (
    js_porter_stemmer.replace("var Stemmer = function()", "var PorterStemmer = function()")
    + """
/* Korean particles, longest first; generated from _ext/korean_search.py (keep the two in step). */
var KOREAN_PARTICLES = %(particles)s;
var KOREAN_MIN_STEM = %(min_stem)d;
var HANGUL_SYLLABLE = /[\\uac00-\\ud7a3]/;
function stripKoreanParticle(word) {
  if (!word || !HANGUL_SYLLABLE.test(word.charAt(word.length - 1))) return word;
  for (var i = 0; i < KOREAN_PARTICLES.length; i++) {
    var p = KOREAN_PARTICLES[i];
    if (word.length - p.length >= KOREAN_MIN_STEM && word.slice(-p.length) === p) {
      return word.slice(0, word.length - p.length);
    }
  }
  return word;
}
/* Synonyms (index stem -> other stems), as the index stores them: the scorer matches titles with them. */
var ACTLAB_SEARCH_ALIASES = %(aliases)s;
var Stemmer = function() {
  var porter = new PorterStemmer();
  this.stemWord = function(w) {
    var stem = stripKoreanParticle(w.toLowerCase());
    return HANGUL_SYLLABLE.test(stem) ? stem : porter.stemWord(stem);
  };
};
""" % {"particles": json.dumps(list(PARTICLES), ensure_ascii=False), "min_stem": MIN_STEM,
   "aliases": json.dumps(ALIASES, ensure_ascii=False)}
)


class SearchKorean(SearchLanguage):
    """Registered as ``ko`` (Sphinx has none): Korean with particles stripped, Latin words (ReLU,
    names, code) with Porter."""

    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = JS_STEMMER
    stopwords = english_stopwords

    def split(self, input: str) -> list[str]:
        words = []
        for word in self._word_re.findall(input):
            words.append(word)
            stem = strip_particle(word)
            if stem != word:
                words.append(stem)
            words.extend(aliases_of(stem))
        return words

    def stem(self, word: str) -> str:
        return index_stem(word)
