/*
 * Search result order (html_search_scorer): Sphinx's default weights, and pages in the reader's
 * language first. A page is English when a path segment or name part is "en" (the rule of
 * _ext/actlab_site.py), and the reader's language is the <html lang> of the search page.
 */
var Scorer = {
  score: function (result) {
    var docname = result[0];
    var score = result[4];
    var docLang = /(^|[\/_])en($|[\/_])/.test(docname) ? "en" : "ko";
    var readerLang = document.documentElement.lang === "en" ? "en" : "ko";
    return docLang === readerLang ? score + 1000 : score;
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
