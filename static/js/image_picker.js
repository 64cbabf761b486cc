// The image picker, opened in a window by the post editor's image button (django-prose-editor's
// Figure, which speaks CKEditor's file-browser protocol): "Insert" hands the chosen image to the
// editor's dialog, which then fills in its address, alternative text and caption.
const picker = document.querySelector(".image-picker");
const editor = window.opener?.CKEDITOR?.tools;
const callback = Number(picker?.dataset.callback);

if (picker && editor && callback) {
  for (const button of picker.querySelectorAll("[data-pick]")) {
    button.addEventListener("click", () => {
      const { id, url, alt, caption } = button.dataset;
      editor.callFunction(callback, url, { id: Number(id), alternative_text: alt, caption });
      window.close();
    });
  }
  // Just uploaded: its Insert button is the next step.
  picker.querySelector("[data-chosen]")?.focus();
} else if (picker) {
  picker.querySelector(".image-picker-orphan").hidden = false;
  for (const button of picker.querySelectorAll("[data-pick]")) button.disabled = true;
}
