/*
 * Search result order (html_search_scorer): pages holding every word of the query first, then
 * pages holding fewer of them, each group in Sphinx's own order (its default weights below).
 *
 * Sphinx scores a page by its best-matching word only, and keeps a page that lacks a word of one or
 * two letters (it treats those as optional), so "활성화 함수" listed the pages of "함수" alone in the
 * same order as those holding both. Here each page gains 1000 per word of the query it holds, by the
 * rule Sphinx uses to find it: the stemmed word in the page's text or titles, or, for words of three
 * letters or more, inside a longer indexed word.
 */
var ActlabQueryWords = {
  query: null,
  files: [],  // per query word: the set of file indices holding it
  forQuery: function () {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (query === this.query) return this.files;
    this.query = query;
    var index = Search._index;
    var stemmer = new Stemmer();
    var words = new Set();
    splitQuery(query.trim()).forEach(function (term) {
      var lower = term.toLowerCase();
      if (stopwords.indexOf(lower) !== -1 || /^\d+$/.test(term) || lower[0] === "-") return;
      words.add(stemmer.stemWord(lower));
    });
    var asList = function (files) { return files === undefined ? [] : (files.length === undefined ? [files] : files); };
    this.files = [...words].map(function (word) {
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
    return result[4] + 1000 * held;
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
