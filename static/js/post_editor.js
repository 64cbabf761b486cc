// The post body's editor: django-prose-editor's "configurable" preset, except that tiptap is
// told not to inject its <style> element, which the site's CSP refuses; the same rules come
// from css/post_editor.css instead. After a new figure, writing goes on below it.
import * as parts from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-post";

function extensionsOf(config) {
  return Object.entries(config.extensions)
    .filter(([name]) => parts[name])
    .map(([name, options]) =>
      typeof options === "object" ? parts[name].configure(options) : parts[name],
    );
}

function insertsFigure(transaction) {
  return transaction.steps.some((step) => {
    let found = false;
    step.slice?.content.descendants((node) => {
      found ||= node.type.name === "figure";
    });
    return found;
  });
}

// Where the figure holding the selection ends (a selected figure, or a selection inside one).
function figureEnd(selection) {
  if (selection.node?.type.name === "figure") return selection.to;
  const { $from } = selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "figure") return $from.after(depth);
  }
  return null;
}

// The package's figure dialog leaves a new picture selected (the next key typed would empty
// it) or the caret at the end of its caption: writing goes on in an empty paragraph below it.
// An empty caption is one the author asked for ("Add caption"): the caret stays there.
function continueBelowNewFigure({ editor, transaction }) {
  if (!transaction.docChanged || !insertsFigure(transaction)) return;
  const { $from } = transaction.selection;
  if ($from.parent.type.name === "caption" && $from.parent.content.size === 0) return;
  const after = figureEnd(transaction.selection);
  if (after === null) return;
  const next = transaction.doc.resolve(after).nodeAfter;
  let chain = editor.chain();
  if (!(next?.type.name === "paragraph" && next.content.size === 0)) {
    chain = chain.insertContentAt(after, { type: "paragraph" });
  }
  chain.setTextSelection(after + 1).run();
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
    onTransaction: continueBelowNewFigure,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      // An empty document is one empty paragraph: send nothing, so "required" still works.
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
}

parts.initializeEditors(createEditor, `[${ATTRIBUTE}]`);
