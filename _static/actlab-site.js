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
