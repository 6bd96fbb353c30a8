// The media library's picker, opened by the body editor's "Browse..." button (django-prose-editor's
// Figure extension, which speaks CKEditor's file-browser protocol): a click hands the chosen
// image's address, alt text and caption back to the editor's dialog and closes the window. An
// image just uploaded here (the page then carries it as .picked) is handed back at once.
"use strict";
function handBack(element) {
  const funcNum = document.getElementById("picker").dataset.funcNum;
  const tools = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools;
  if (!tools || !funcNum) {
    window.alert("Open the library from the editor's image dialog (Browse...) to insert an image.");
    return;
  }
  tools.callFunction(Number(funcNum), element.dataset.url, {
    id: element.dataset.id,
    alternative_text: element.dataset.alt,
    caption: element.dataset.caption,
  });
  window.close();
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-url]");
  if (!button) return;
  event.preventDefault();
  handBack(button);
});
document.addEventListener("DOMContentLoaded", () => {
  const picked = document.querySelector("#picker .picked[data-url]");
  if (picked) handBack(picked);
});
