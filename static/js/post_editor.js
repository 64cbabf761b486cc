// The post body's editor: django-prose-editor's "configurable" preset, except that tiptap is
// told not to inject its <style> element, which the site's CSP refuses; the same rules come
// from css/post_editor.css instead. A figure is kept whole: writing goes on below a new or
// selected picture, and deleting a selected picture removes its figure.
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

// The figure whose picture (or itself) is selected, as a range; null otherwise.
function selectedFigure(selection) {
  const { node, $from } = selection;
  if (node?.type.name === "figure") return { from: selection.from, to: selection.to };
  if (node?.type.name === "image" && $from.parent.type.name === "figure") {
    return { from: $from.before($from.depth), to: $from.after($from.depth) };
  }
  return null;
}

// Writing goes on in an empty paragraph at ``after`` (made unless one is there), with ``text``.
function writeBelow(editor, after, text = "") {
  const next = editor.state.doc.resolve(after).nodeAfter;
  let chain = editor.chain();
  if (!(next?.type.name === "paragraph" && next.content.size === 0)) {
    chain = chain.insertContentAt(after, { type: "paragraph" });
  }
  chain = chain.setTextSelection(after + 1);
  if (text) chain = chain.insertContent(text);
  chain.run();
}

// The package's figure dialog leaves a new picture selected or the caret at the end of its
// caption: writing goes on below it. An empty caption is one the author asked for ("Add
// caption"): the caret stays there.
function continueBelowNewFigure({ editor, transaction }) {
  if (!transaction.docChanged || !insertsFigure(transaction)) return;
  // Undo, redo, paste and drop put figures back or elsewhere: the author's caret stays.
  if (transaction.getMeta("history$") || transaction.getMeta("uiEvent")) return;
  const { $from } = transaction.selection;
  if ($from.parent.type.name === "caption" && $from.parent.content.size === 0) return;
  const after = figureEnd(transaction.selection);
  if (after !== null) writeBelow(editor, after);
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE));
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new parts.Editor({
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
      // A selected picture is one block with its figure (the package's figure would keep an
      // empty, invisible picture): Delete or Backspace removes the figure, caption and all;
      // typing goes on below it.
      handleKeyDown(view, event) {
        const figure = selectedFigure(view.state.selection);
        if (!figure || !["Backspace", "Delete"].includes(event.key)) return false;
        editor.chain().deleteRange(figure).run();
        return true;
      },
      handleTextInput(view, from, to, text) {
        const figure = selectedFigure(view.state.selection);
        if (!figure) return false;
        writeBelow(editor, figure.to, text);
        return true;
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
