// The media library's picker, opened by the body editor's "Browse..." button (django-prose-editor's
// Figure extension, which speaks CKEditor's file-browser protocol): a click hands the chosen
// image's address, alt text and caption back to the editor's dialog and closes the window.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-url]");
  if (!button) return;
  event.preventDefault();
  const funcNum = document.getElementById("picker").dataset.funcNum;
  const tools = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools;
  if (!tools || !funcNum) {
    window.alert("Open the library from the editor's image dialog (Browse...) to insert an image.");
    return;
  }
  tools.callFunction(Number(funcNum), button.dataset.url, {
    id: button.dataset.id,
    alternative_text: button.dataset.alt,
    caption: button.dataset.caption,
  });
  window.close();
});
