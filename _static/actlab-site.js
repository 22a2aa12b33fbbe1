/*
 * Korean tooltips for sphinx-copybutton. Its script picks its strings from the page's <html lang>
 * but has no Korean; it declares `messages` and `locale` as globals, and builds the buttons only when
 * the page has loaded, so filling them in here (this file loads after it) is enough.
 */
(function () {
  if (document.documentElement.lang !== "ko" || typeof messages === "undefined") return;
  messages.ko = {
    copy: "복사",
    copy_to_clipboard: "클립보드에 복사",
    copy_success: "복사했습니다!",
    copy_failure: "복사하지 못했습니다",
  };
  locale = "ko";
})();
/*
 * Opened from files (a USB stick, file://): the browser refuses the requests that Sphinx's search
 * page makes to show a summary under each result, and logs an error per result. There the results
 * are listed without summaries; served over http(s) nothing changes.
 */
(function () {
  if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
    DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
})();
/*
 * Search result summaries. Sphinx cuts each summary from the text of the page's [role="main"],
 * which in this theme also holds the page's table of contents and header buttons, so a summary
 * often showed the list of sections instead of a sentence. Only the article is used here. Korean
 * stems (활성화 for 활성화를) are highlighted in the summary as well as the words as typed.
 */
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  var CHROME = ".bd-sidebar-secondary, .bd-header-article, #jb-print-docs-body, .prev-next-area, " +
               ".bd-footer-article, .bd-footer-content, .actlab-language-switch";
  var htmlToText = Search.htmlToText;
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(CHROME).forEach(function (el) { el.remove(); });
    return htmlToText(doc.documentElement.outerHTML, anchor);
  };
  var makeSearchSummary = Search.makeSearchSummary;
  Search.makeSearchSummary = function (htmlText, keywords, anchor) {
    var summary = makeSearchSummary(htmlText, keywords, anchor);
    if (summary && typeof _highlightText === "function") {
      Array.from(keywords).filter(function (k) { return /[\uac00-\ud7a3]/.test(k); })
        .forEach(function (k) { _highlightText(summary, k, "highlighted"); });
    }
    return summary;
  };
});
/* On a search page, the language switch keeps the query: the other language's search page runs it. */
document.addEventListener("DOMContentLoaded", function () {
  var link = document.querySelector("a.actlab-language-switch");
  if (link && new URLSearchParams(location.search).has("q")) link.search = location.search;
});
/*
 * Keyboard access to wide formulas (WCAG 2.1.1; axe-core's scrollable-region-focusable). A display
 * formula wider than the column scrolls sideways inside its MathJax container; pydata-sphinx-theme
 * gives scrolling code blocks, outputs and tables a tab stop, but not formulas (MathJax would, with
 * its menu, which is off: its speech engine loads from a CDN). Same rule as the theme's: a tab stop
 * while it scrolls, none otherwise; checked again when the window is resized.
 */
(function () {
  function updateTabStops() {
    document.querySelectorAll('mjx-container[display="true"]').forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
      if (scrolls) el.setAttribute("tabindex", "0");
      else el.removeAttribute("tabindex");
    });
  }
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(updateTabStops, 200);
  });
  window.addEventListener("load", function () {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(updateTabStops);
  });
})();
