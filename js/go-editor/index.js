// The Go editor of Go Memory Lab, an anywidget front end.
// The model holds `code` (the text), `runs` (a count the editor bumps on Ctrl/Cmd-Enter, so
// Python can run the compiler) and `marks` ([{line, kind, message}] painted as line
// backgrounds with the message as a tooltip: the compiler's verdicts on the lines they name).
//
// It edits Go the way gofmt writes it: a tab indents (Tab inserts one), and brackets close
// as they are typed: Enter between `{}` indents the line and puts `}` below, once. Typing a
// program line by line, `}` lines included, gives exactly that program: a `}` typed on the
// blank line above an auto-inserted `}` steps over it (as a `)` typed before `)` does).
// Suggestions never take Enter unless one was picked with the arrows.
// Escape leaves the editor, so the next Tab reaches the Run button: the keyboard alone gets
// in and out. The editable area is named (`label`) for screen readers.
//
// Under load, two races showed (tests/test_editor_browser.py, three busy loops):
// - CodeMirror parses within 20 ms of wall-clock time per edit and finishes in the
//   background; Enter before the parse reached the cursor copied the line's indent instead
//   of indenting the block. Every key now first finishes the parse (a small file: ~1 ms).
// - CodeMirror's own "Escape, then Tab leaves" lasts 2 s, and only when no suggestion
//   request is pending: Tab after coming back within those 2 s left again. The editor now
//   sets that mode itself: on at Escape, off at any other key or when the focus comes back.
import { basicSetup } from "codemirror";
import { EditorView, Decoration, keymap } from "@codemirror/view";
import { EditorState, Prec, StateEffect, StateField } from "@codemirror/state";
import { autocompletion } from "@codemirror/autocomplete";
import { indentLess, insertTab } from "@codemirror/commands";
import { forceParsing, indentUnit, syntaxTreeAvailable } from "@codemirror/language";
import { go } from "@codemirror/lang-go";

// `}` typed on a blank line just above the `}` that closeBrackets put there when `{` was
// typed (and Enter moved down): step over that one, as a `)` typed before a `)` does, so the
// learner's own `}` never leaves a stray one behind. Only where the blank line is indented
// deeper than that `}`, i.e. it is inside the block the `}` closes.
const stepOverClosingBrace = EditorView.inputHandler.of((view, from, to, text) => {
  const { state } = view;
  if (text !== "}" || from !== to || state.selection.ranges.length !== 1) return false;
  const line = state.doc.lineAt(from);
  if (line.text.trim() !== "" || line.number === state.doc.lines) return false;
  const next = state.doc.line(line.number + 1);
  const indent = (s) => s.length - s.trimStart().length;
  if (next.text.trim() !== "}" || indent(next.text) >= indent(line.text)) return false;
  view.dispatch({
    changes: { from: line.from, to: next.from },
    selection: { anchor: line.from + next.text.length },
    userEvent: "input.type",
    scrollIntoView: true,
  });
  return true;
});

const setMarks = StateEffect.define();

const marksField = StateField.define({
  create: () => Decoration.none,
  update(decorations, transaction) {
    decorations = decorations.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (effect.is(setMarks)) decorations = effect.value;
    }
    return decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function decorationsFor(doc, marks) {
  const ranges = [];
  const seen = new Set();
  for (const mark of [...marks].sort((a, b) => a.line - b.line)) {
    if (mark.line < 1 || mark.line > doc.lines || seen.has(mark.line)) continue;
    seen.add(mark.line);
    const line = doc.line(mark.line);
    ranges.push(Decoration.line({
      attributes: { class: `gml-mark gml-mark-${mark.kind}`, title: mark.message || "" },
    }).range(line.from));
  }
  return Decoration.set(ranges);
}

// Finish the parse to the end (at most `budget` ms of work) and publish the tree to the
// state, where indentation reads it.
function finishParse(view, budget = 1000) {
  if (!syntaxTreeAvailable(view.state, view.state.doc.length)) {
    forceParsing(view, view.state.doc.length, budget);
  }
}

function render({ model, el }) {
  el.classList.add("gml-go-editor");
  const run = () => {
    model.set("runs", model.get("runs") + 1);
    model.save_changes();
    return true;
  };
  // Escape: Tab and Shift-Tab move the focus on (to the Run button, back to what came
  // before) instead of indenting (CodeMirror's tab-focus mode, which passes Tab to the
  // browser), until another key is typed or the editor is entered again.
  const keys = EditorView.domEventHandlers({
    keydown: (event, view) => {
      if (event.key === "Escape") view.setTabFocusMode(true); // and it still closes suggestions
      else if (!["Tab", "Shift"].includes(event.key)) view.setTabFocusMode(false);
      finishParse(view);
      return false;
    },
    focus: (_event, view) => {
      view.setTabFocusMode(false);
      return false;
    },
  });
  const view = new EditorView({
    doc: model.get("code"),
    parent: el,
    extensions: [
      basicSetup,
      go(),
      indentUnit.of("\t"),
      // Suggestions show, none chosen until an arrow key picks one: Enter ends the line, so
      // `n int` Enter never becomes `n interface`.
      autocompletion({ selectOnOpen: false }),
      EditorState.tabSize.of(4),
      // Above basicSetup's own keymap, where Mod-Enter would insert a blank line.
      Prec.highest(keymap.of([
        { key: "Mod-Enter", run },
        { key: "Shift-Enter", run },
        { key: "Tab", run: insertTab, shift: indentLess },
      ])),
      marksField,
      stepOverClosingBrace,
      Prec.highest(keys),
      EditorView.contentAttributes.of({ "aria-label": model.get("label") || "Go source code" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          model.set("code", update.state.doc.toString());
          model.save_changes();
        }
      }),
      EditorView.theme({
        "&": { fontSize: "14px", border: "1px solid #bbb", maxHeight: `${model.get("height")}px` },
        ".cm-scroller": { fontFamily: "var(--jp-code-font-family, monospace)", overflow: "auto" },
        ".gml-mark-heap": { backgroundColor: "#fbe3d6" },
        ".gml-mark-leak": { backgroundColor: "#fdf1cc" },
        ".gml-mark-stack": { backgroundColor: "#dcebf7" },
        ".gml-mark-error": { backgroundColor: "#f7d4d4" },
      }),
    ],
  });
  const paint = () => view.dispatch({
    effects: setMarks.of(decorationsFor(view.state.doc, model.get("marks") || [])),
  });
  model.on("change:code", () => {
    const text = model.get("code");
    if (text !== view.state.doc.toString()) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    }
  });
  model.on("change:marks", paint);
  paint();
  // Keep JupyterLab's own shortcuts (its keydown listener runs first, in the capture phase:
  // Ctrl-Enter would run the cell, Tab would leave) out of the editor while it has the focus.
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.addEventListener("keydown", (event) => event.stopPropagation());
  return () => view.destroy();
}

export default { render };
