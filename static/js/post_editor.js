// The post body's editor: django-prose-editor's "configurable" preset, except that tiptap is
// told not to inject its <style> element, which the site's CSP refuses; the same rules come
// from css/post_editor.css instead.
import * as parts from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-post";

function extensionsOf(config) {
  return Object.entries(config.extensions)
    .filter(([name]) => parts[name])
    .map(([name, options]) =>
      typeof options === "object" ? parts[name].configure(options) : parts[name],
    );
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE));
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  new parts.Editor({
    element: wrapper,
    extensions: extensionsOf(config),
    content: textarea.value,
    injectCSS: false,
    // Screen readers name the editing area after the field's label and help text.
    editorProps: {
      attributes: {
        "aria-label": document.querySelector(`label[for="${textarea.id}"]`)?.textContent ?? "",
        "aria-describedby": textarea.getAttribute("aria-describedby") ?? "",
        "aria-multiline": "true",
      },
    },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      // An empty document is one empty paragraph: send nothing, so "required" still works.
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
}

parts.initializeEditors(createEditor, `[${ATTRIBUTE}]`);
