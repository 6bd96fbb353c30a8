// The article form as a place to write (loaded by ArticleAdmin.Media):
// - spellcheck on in the body editor (django-prose-editor's NoSpellCheck is off in the
//   editor's configuration; this says "true" outright rather than leave it to the browser);
// - a warning before leaving the page with unsaved changes (the body editor writes into its
//   textarea, so comparing the form's data covers it), never after a submit;
// - a confirmation before a live article's address (slug) is changed;
// - beside the newsroom's time zone, the editor's own offset when their computer differs.
"use strict";
(function () {
  function spellcheck(root) {
    for (const el of root.querySelectorAll(".ProseMirror[contenteditable]")) {
      el.setAttribute("spellcheck", "true");
    }
  }
  document.addEventListener("prose-editor:ready", (event) => {
    const dom = event.detail && event.detail.editor && event.detail.editor.view
      ? event.detail.editor.view.dom : null;
    if (dom) dom.setAttribute("spellcheck", "true");
    else spellcheck(document);
  });

  function formatOffset(minutes) {
    const sign = minutes < 0 ? "\u2212" : "+";
    const abs = Math.abs(minutes);
    const hh = String(Math.floor(abs / 60)).padStart(2, "0");
    const mm = String(abs % 60).padStart(2, "0");
    return `UTC${sign}${hh}:${mm}`;
  }

  function showOwnOffset() {
    const own = -new Date().getTimezoneOffset();
    for (const note of document.querySelectorAll(".newsroom-zone[data-zone-offset-minutes]")) {
      if (Number(note.dataset.zoneOffsetMinutes) === own || note.querySelector(".own-zone")) continue;
      const span = document.createElement("span");
      span.className = "own-zone";
      span.textContent = ` (your computer: ${formatOffset(own)})`;
      note.append(span);
    }
  }

  function snapshot(form) {
    const pairs = [];
    for (const [name, value] of new FormData(form).entries()) {
      if (name === "csrfmiddlewaretoken") continue;
      pairs.push([name, typeof value === "string" ? value : value.name]);
    }
    return JSON.stringify(pairs);
  }

  document.addEventListener("DOMContentLoaded", () => {
    showOwnOffset();
    spellcheck(document);
    const form = document.getElementById("article_form");
    if (!form) return;
    let saved = null;
    let submitting = false;
    // Taken once the page (and the editor, which fills in asynchronously) has settled.
    window.addEventListener("load", () => {
      spellcheck(document);
      saved = snapshot(form);
    });

    form.addEventListener("submit", (event) => {
      const slug = form.querySelector("input[data-live-slug]");
      if (slug && slug.value !== slug.dataset.liveSlug) {
        const ok = window.confirm(
          "This article is live. Readers and search engines use its current address " +
          `(“${slug.dataset.liveSlug}”). Change it to “${slug.value}”?`
        );
        if (!ok) {
          event.preventDefault();
          return;
        }
      }
      submitting = true;
    });

    window.addEventListener("beforeunload", (event) => {
      if (submitting || saved === null || snapshot(form) === saved) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers show their own text; none takes ours
    });
  });
})();
