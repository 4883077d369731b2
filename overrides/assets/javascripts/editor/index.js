/**
 * The code editor of editable demos: CodeMirror 6 with Python.
 *
 * Bundled at set-up (`npm run build:editor`) into one file that the widget
 * imports only when a reader opens a demo's code. Highlighting uses classes
 * coloured with Material's own code colours, so it follows the palette.
 */

import { basicSetup } from "codemirror"
import { indentWithTab } from "@codemirror/commands"
import { python } from "@codemirror/lang-python"
import { classHighlighter } from "@lezer/highlight"
import { indentUnit, syntaxHighlighting } from "@codemirror/language"
import { EditorView, keymap } from "@codemirror/view"

/**
 * Create an editor.
 *
 * Tab indents by four spaces, as PEP 8 and the book's code do; Escape then Tab
 * moves the focus on, so keyboard users are never trapped (the element named
 * by `describedBy` says so). Shift+Enter runs.
 *
 * @param {HTMLElement} parent - where the editor goes
 * @param {object} options - {doc, label, describedBy, onChange(text), onRun()}
 * @returns {EditorView} the editor; `.state.doc.toString()` is its text
 */
export function createEditor(parent, { doc, label, describedBy, onChange, onRun }) {
  return new EditorView({
    doc,
    parent,
    extensions: [
      keymap.of([{ key: "Shift-Enter", run: () => { onRun(); return true } }]),
      basicSetup,
      keymap.of([indentWithTab]),
      python(),
      indentUnit.of("    "),
      syntaxHighlighting(classHighlighter),
      EditorView.contentAttributes.of({ "aria-label": label, "aria-describedby": describedBy }),
      EditorView.updateListener.of(update => { if (update.docChanged) onChange(update.state.doc.toString()) }),
    ],
  })
}

/**
 * Replace an editor's text (Reset), as one undoable change.
 *
 * @param {EditorView} view - the editor
 * @param {string} text - the new text
 */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } })
}
