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
 * TeX as plain text, for the search summaries: delimiters dropped, Greek letters and common symbols
 * as Unicode, \frac{a}{b} as a/b, \mathrm{x}/\text{x} as x, other commands by their name, braces
 * dropped. Not a TeX renderer (MathJax is not loaded on the search page): enough to read a formula.
 */
var TEX_SYMBOLS = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ", eta: "η",
  theta: "θ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ",
  sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ",
  Theta: "Θ", Lambda: "Λ", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω", Pi: "Π",
  cdot: "·", times: "×", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠", approx: "≈",
  infty: "∞", to: "→", rightarrow: "→", leftarrow: "←", in: "∈", partial: "∂", nabla: "∇", sum: "Σ",
  prod: "Π", int: "∫", sqrt: "√", pm: "±", odot: "⊙", circ: "∘", ldots: "…", cdots: "⋯", dots: "…",
  quad: " ", qquad: " ", lvert: "|", rvert: "|", lVert: "‖", rVert: "‖", mid: "|", log: "log", exp: "exp",
  max: "max", min: "min", tanh: "tanh", sin: "sin", cos: "cos", ln: "ln",
};
function texToText(tex) {
  var text = tex.trim().replace(/^\\\(|\\\)$|^\\\[|\\\]$|^\$\$?|\$\$?$/g, "");
  text = text.replace(/\\begin\{[^}]*\}|\\end\{[^}]*\}|&|\\\\/g, " ");
  for (var i = 0; i < 3; i++) {  // innermost braces first: exponents, then (nested) fractions
    text = text.replace(/\^\{([^{}]*)\}/g, "^($1)").replace(/_\{([^{}]*)\}/g, "_$1");
    text = text.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)");
  }
  text = text.replace(/\\(?:mathrm|mathbf|mathit|mathcal|operatorname|text|textrm|textbf|boldsymbol)\s*\{([^{}]*)\}/g, "$1");
  text = text.replace(/\\(left|right|big|Big|bigg|Bigg)\b/g, "");
  text = text.replace(/\\([A-Za-z]+)/g, function (_, name) { return TEX_SYMBOLS[name] !== undefined ? TEX_SYMBOLS[name] : name; });
  text = text.replace(/\\[,;:! ]/g, " ").replace(/\\([{}%$#_])/g, "$1");
  text = text.replace(/\^\{([^{}]*)\}/g, "^($1)").replace(/_\{([^{}]*)\}/g, "_$1").replace(/[{}]/g, "");
  text = text.replace(/\(([\w.]+)\)\//g, "$1/").replace(/\/\(([\w.]+)\)/g, "/$1");
  return text.replace(/\s+/g, " ").trim();
}

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
    // Formulas are TeX source in the page (MathJax typesets them there); a summary shows them as
    // plain text instead: \(\sigma(x) = \frac{1}{1+e^{-x}}\) -> σ(x) = 1/(1+e^(-x)).
    doc.querySelectorAll(".math, script[type^='math/tex']").forEach(function (el) {
      el.textContent = " " + texToText(el.textContent) + " ";
    });
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
/*
 * On a search page, the language switch keeps the query: the other language's search page runs it.
 * Every switch on the page gets it as soon as the page is parsed (for "open in a new tab" and copying
 * the link), and a click carries it whenever it comes: this script runs in the <head>, so the click
 * handler is there before the first switch can be clicked, even while the search index still loads.
 */
(function () {
  function withQuery(link) {
    var query = new URLSearchParams(location.search).get("q");
    if (query === null) return;
    var url = new URL(link.href, location.href);
    url.searchParams.set("q", query);
    link.href = url.href;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.actlab-language-switch");
    if (link) withQuery(link);
  }, true);
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("a.actlab-language-switch").forEach(withQuery);
  });
})();
/*
 * Keyboard access to wide formulas and tables (WCAG 2.1.1; axe-core's scrollable-region-focusable). A display
 * formula wider than the column scrolls sideways inside its MathJax container; pydata-sphinx-theme
 * gives scrolling code blocks, outputs and tables a tab stop, but not formulas (MathJax would, with
 * its menu, which is off: its speech engine loads from a CDN). Same rule as the theme's: a tab stop
 * while it scrolls, none otherwise; checked again when the window is resized.
 */
(function () {
  function updateTabStops() {
    // An inline formula wider than its paragraph (a phone) becomes a small scroll box of its own
    // (class actlab-wide-math): MathJax 3 cannot break a formula across lines.
    document.querySelectorAll('mjx-container:not([display="true"])').forEach(function (el) {
      var block = el.closest("p, li, dd, td, th, div");
      var wide = el.classList.contains("actlab-wide-math") ? el.scrollWidth > el.clientWidth + 1
        : block && el.getBoundingClientRect().width > block.clientWidth + 1;
      el.classList.toggle("actlab-wide-math", !!wide);
    });
    document.querySelectorAll('mjx-container[display="true"], mjx-container.actlab-wide-math').forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
      if (scrolls) el.setAttribute("tabindex", "0");
      else el.removeAttribute("tabindex");
    });
    // A table wider than the column scrolls in its container (the theme's, with a tab stop): class
    // actlab-scrolls gives it a height limit, so that its scrollbar is on screen, and faded edges
    // that say there is more to the left or right (actlab-more-left/right, updated as it scrolls).
    document.querySelectorAll(".bd-article .pst-scrollable-table-container").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      el.classList.toggle("actlab-scrolls", scrolls);
      if (scrolls) {
        el.setAttribute("tabindex", "0");
        if (!el.hasAttribute("role")) {
          el.setAttribute("role", "region");
          var caption = el.querySelector("caption");
          el.setAttribute("aria-label", caption ? caption.textContent.trim()
            : (document.documentElement.lang === "ko" ? "표 (옆으로 스크롤)" : "Table (scrolls sideways)"));
        }
      }
      markEdges(el);
    });
  }
  function markEdges(el) {
    el.classList.toggle("actlab-more-left", el.scrollLeft > 1);
    el.classList.toggle("actlab-more-right", el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
  }
  document.addEventListener("scroll", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("actlab-scrolls")) markEdges(el);
  }, true);
  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(updateTabStops, 200);
  });
  window.addEventListener("load", function () {
    updateTabStops();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(updateTabStops);
  });
})();
