/*
 * Search result order (html_search_scorer): pages holding every word of the query first, then
 * pages holding fewer of them, each group in Sphinx's own order (its default weights below).
 *
 * Sphinx scores a page by its best-matching word only, and keeps a page that lacks a word of one or
 * two letters (it treats those as optional), so "활성화 함수" listed the pages of "함수" alone in the
 * same order as those holding both. Here each page gains 1000 per word of the query it holds, by the
 * rule Sphinx uses to find it: the stemmed word in the page's text or titles, or, for words of three
 * letters or more, inside a longer indexed word.
 *
 * Among those, the page whose title names the query comes first ("기울기 소실" -> chapter 9, not a
 * page that mentions both words more often): a page gains up to 500 for the share of the query's
 * words its title holds, and up to 100 for the share of its title's words the query covers (so
 * "소프트맥스" puts "6. 소프트맥스" above "과제 4. 안정적인 소프트맥스"). Title words are matched by stem,
 * by the search language's synonyms (ACTLAB_SEARCH_ALIASES, Korean book: 시그모이드 = sigmoid), and
 * for words of three letters or more inside a longer title word.
 */
var ActlabQueryWords = {
  query: null,
  words: [],  // the query's stemmed words
  files: [],  // per query word: the set of file indices holding it
  titleBonus: new Map(),  // file index -> bonus for its title
  stems: function (text) {
    var stemmer = new Stemmer();
    var words = new Set();
    splitQuery(text.trim()).forEach(function (term) {
      var lower = term.toLowerCase();
      if (stopwords.indexOf(lower) !== -1 || /^\d+$/.test(term) || lower[0] === "-") return;
      words.add(stemmer.stemWord(lower));
    });
    return [...words];
  },
  titleHolds: function (titleWords, word) {
    var aliases = typeof ACTLAB_SEARCH_ALIASES === "undefined" ? {} : ACTLAB_SEARCH_ALIASES;
    return titleWords.some(function (t) {
      return t === word || (aliases[t] || []).indexOf(word) !== -1 || (word.length > 2 && t.indexOf(word) !== -1);
    });
  },
  bonus: function (file) {
    if (!this.titleBonus.has(file)) {
      var self = this;
      var titleWords = this.stems(Search._index.titles[file] || "");
      var held = this.words.filter(function (w) { return self.titleHolds(titleWords, w); }).length;
      var covered = titleWords.filter(function (t) {
        return self.words.some(function (w) { return self.titleHolds([t], w); });
      }).length;
      this.titleBonus.set(file, held === 0 || !this.words.length ? 0
        : 500 * held / this.words.length + 100 * covered / Math.max(titleWords.length, 1));
    }
    return this.titleBonus.get(file);
  },
  forQuery: function () {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (query === this.query) return this.files;
    this.query = query;
    this.titleBonus = new Map();
    var index = Search._index;
    var words = this.stems(query);
    this.words = words;
    var asList = function (files) { return files === undefined ? [] : (files.length === undefined ? [files] : files); };
    this.files = words.map(function (word) {
      var files = new Set();
      [index.terms, index.titleterms].forEach(function (terms) {
        asList(terms[word]).forEach(function (f) { files.add(f); });
        if (word.length > 2 && !terms.hasOwnProperty(word)) {
          Object.keys(terms).forEach(function (term) {
            if (term.indexOf(word) !== -1) asList(terms[term]).forEach(function (f) { files.add(f); });
          });
        }
      });
      return files;
    });
    return this.files;
  },
};

var Scorer = {
  score: function (result) {
    var file = Search._index.docnames.indexOf(result[0]);
    var held = ActlabQueryWords.forQuery().filter(function (files) { return files.has(file); }).length;
    return result[4] + 1000 * held + ActlabQueryWords.bonus(file);
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
