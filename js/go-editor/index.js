// The Go editor of Go Memory Lab, an anywidget front end.
// The model holds `code` (the text), `runs` (a count the editor bumps on Ctrl/Cmd-Enter, so
// Python can run the compiler) and `marks` ([{line, kind, message}] painted as line
// backgrounds with the message as a tooltip: the compiler's verdicts on the lines they name).
import { basicSetup } from "codemirror";
import { EditorView, Decoration, keymap } from "@codemirror/view";
import { Prec, StateEffect, StateField } from "@codemirror/state";
import { indentWithTab } from "@codemirror/commands";
import { go } from "@codemirror/lang-go";

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

function render({ model, el }) {
  el.classList.add("gml-go-editor");
  const run = () => {
    model.set("runs", model.get("runs") + 1);
    model.save_changes();
    return true;
  };
  const view = new EditorView({
    doc: model.get("code"),
    parent: el,
    extensions: [
      basicSetup,
      go(),
      // Above basicSetup's own keymap, where Mod-Enter would insert a blank line.
      Prec.highest(keymap.of([{ key: "Mod-Enter", run }, { key: "Shift-Enter", run }])),
      keymap.of([indentWithTab]),
      marksField,
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
