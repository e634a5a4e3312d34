// The Go editor of Go Memory Lab, an anywidget front end.
// The model holds `code` (the text), `runs` (a count the editor bumps on Ctrl/Cmd-Enter, so
// Python can run the compiler) and `marks` ([{line, kind, label, message}]: the compiler's
// verdicts, or the x-ray's, on the lines they name). A mark shows three ways, so colour is
// never the only sign and the mouse never the only way in:
// - in a gutter of its own, as words: `label` ("heap 62%", "stack"; `kind` when none), on a
//   background of the kind's colour, which also tints the line;
// - hovering a gutter mark shows its `message` in a tooltip;
// - the keyboard: with the cursor on a marked line, the panel under the editor (a polite live
//   region: screen readers read it) shows that line's message; F8 and Shift-F8 move the
//   cursor to the next and previous marked line. Elsewhere the panel says how to get there.
// An edit keeps the marks on their lines (a deleted line's mark goes) but dashes them and says
// they are from the run before the edit, until the next run brings new ones.
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
import {
  EditorView, Decoration, GutterMarker, gutter, keymap, showPanel, showTooltip,
} from "@codemirror/view";
import { EditorState, Prec, RangeSet, StateEffect, StateField } from "@codemirror/state";
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
const setHovered = StateEffect.define();

// A mark's words in the gutter: its label on its kind's colour.
class MarkWords extends GutterMarker {
  constructor(mark) {
    super();
    this.mark = mark;
  }
  eq(other) {
    return other.mark === this.mark;
  }
  toDOM() {
    const words = document.createElement("span");
    words.className = `gml-xray-mark gml-mark-${this.mark.kind}`;
    words.textContent = this.mark.label || this.mark.kind;
    return words;
  }
}

// Marks as they stand: `words` (gutter markers at line starts), `lines` (line tints), and
// `stale` (the text changed since the run that made them).
const noMarks = { words: RangeSet.empty, lines: Decoration.none, stale: false };

function marksFor(doc, marks) {
  const words = [];
  const lines = [];
  const seen = new Set();
  for (const mark of [...marks].sort((a, b) => a.line - b.line)) {
    if (mark.line < 1 || mark.line > doc.lines || seen.has(mark.line)) continue;
    seen.add(mark.line);
    const start = doc.line(mark.line).from;
    words.push(new MarkWords(mark).range(start));
    lines.push(Decoration.line({ attributes: { class: `gml-mark gml-mark-${mark.kind}` } })
      .range(start));
  }
  return { words: RangeSet.of(words), lines: Decoration.set(lines), stale: false };
}

// One mark a line after an edit (lines joined by a deletion bring two marks together).
function onePerLine(set, doc) {
  let last = 0;
  return set.update({
    filter: (from) => {
      const number = doc.lineAt(from).number;
      if (number === last) return false;
      last = number;
      return true;
    },
  });
}

const marksField = StateField.define({
  create: () => noMarks,
  update(marks, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setMarks)) return effect.value;
    }
    if (!transaction.docChanged || marks.words.size === 0) return marks;
    const doc = transaction.state.doc;
    return {
      words: onePerLine(marks.words.map(transaction.changes), doc),
      lines: onePerLine(marks.lines.map(transaction.changes), doc),
      stale: true,
    };
  },
  provide: (field) => EditorView.decorations.from(field, (marks) => marks.lines),
});

// The mark on the line that starts at `start`, or null.
function markAt(state, start) {
  let found = null;
  state.field(marksField).words.between(start, start, (from, _to, words) => {
    if (from === start) found = words.mark;
  });
  return found;
}

function details(mark, lineNumber, stale) {
  const head = `Line ${lineNumber} · ${mark.label || mark.kind}`;
  const old = stale ? " (from the run before your last edit: run again to update)" : "";
  return `${head}${old}\n${mark.message || ""}`.trim();
}

// The tooltip of the hovered gutter mark: {start} or null.
const hoveredField = StateField.define({
  create: () => null,
  update(hovered, transaction) {
    for (const effect of transaction.effects) {
      if (effect.is(setHovered)) hovered = effect.value;
      if (effect.is(setMarks)) hovered = null;
    }
    return hovered && transaction.docChanged ? null : hovered;
  },
  provide: (field) => showTooltip.compute([field, marksField], (state) => {
    const hovered = state.field(field);
    const mark = hovered && markAt(state, hovered.start);
    if (!mark) return null;
    return {
      pos: hovered.start,
      above: false,
      create: () => {
        const dom = document.createElement("div");
        dom.className = "gml-xray-tooltip";
        dom.textContent = details(
          mark, state.doc.lineAt(hovered.start).number, state.field(marksField).stale);
        return { dom };
      },
    };
  }),
});

const marksGutter = gutter({
  class: "gml-xray-gutter",
  markers: (view) => view.state.field(marksField).words,
  domEventHandlers: {
    mouseover(view, line, event) {
      const over = event.target.closest && event.target.closest(".gml-xray-mark");
      const start = over && markAt(view.state, line.from) ? line.from : null;
      const now = view.state.field(hoveredField);
      if ((now && now.start) !== start) {
        view.dispatch({ effects: setHovered.of(start === null ? null : { start }) });
      }
      return false;
    },
    mouseleave(view) {
      if (view.state.field(hoveredField)) view.dispatch({ effects: setHovered.of(null) });
      return false;
    },
  },
});

// The panel under the editor: the cursor line's mark, in words a screen reader reads.
function marksPanel(view) {
  const dom = document.createElement("div");
  dom.className = "gml-xray-panel";
  dom.setAttribute("role", "status");
  dom.setAttribute("aria-live", "polite");
  const say = (state) => {
    const marks = state.field(marksField);
    const line = state.doc.lineAt(state.selection.main.head);
    const mark = markAt(state, line.from);
    const count = marks.words.size;
    const text = mark
      ? details(mark, line.number, marks.stale)
      : `${count} marked line${count === 1 ? "" : "s"}: put the cursor on one for its ` +
        "details here (F8: next marked line, Shift-F8: previous), or hover its mark.";
    if (dom.textContent !== text) dom.textContent = text;
  };
  say(view.state);
  return {
    dom,
    update: (update) => {
      if (update.docChanged || update.selectionSet || update.transactions.some(
        (t) => t.effects.some((e) => e.is(setMarks)))) say(update.state);
    },
  };
}

const panelWhenMarked = showPanel.compute([marksField], (state) =>
  state.field(marksField).words.size ? marksPanel : null);

// F8 / Shift-F8: the cursor to the next / previous marked line (round the end).
function jumpToMark(forward) {
  return (view) => {
    const starts = [];
    view.state.field(marksField).words.between(0, view.state.doc.length, (from) => {
      starts.push(from);
    });
    if (!starts.length) return false;
    const here = view.state.doc.lineAt(view.state.selection.main.head).from;
    const next = forward
      ? starts.find((s) => s > here) ?? starts[0]
      : [...starts].reverse().find((s) => s < here) ?? starts[starts.length - 1];
    view.dispatch({ selection: { anchor: next }, scrollIntoView: true });
    return true;
  };
}

const markTheme = EditorView.theme({
  ".gml-xray-gutter .cm-gutterElement": { padding: "0 3px" },
  ".gml-xray-mark": {
    display: "inline-block",
    padding: "0 4px",
    borderLeft: "3px solid",
    borderRadius: "2px",
    color: "#1a1a1a",
    fontFamily: "var(--jp-ui-font-family, sans-serif)",
    fontSize: "12px",
    lineHeight: "1.3",
    whiteSpace: "nowrap",
    cursor: "help",
  },
  ".gml-xray-mark.gml-mark-heap": { backgroundColor: "#fbe3d6", borderColor: "#b3401a" },
  ".gml-xray-mark.gml-mark-leak": { backgroundColor: "#fdf1cc", borderColor: "#8a6100" },
  ".gml-xray-mark.gml-mark-stack": { backgroundColor: "#dcebf7", borderColor: "#1f5f99" },
  ".gml-xray-mark.gml-mark-error": { backgroundColor: "#f7d4d4", borderColor: "#a31515" },
  "&.gml-xray-stale .gml-xray-mark": { borderLeftStyle: "dashed", fontStyle: "italic" },
  ".gml-xray-tooltip, .gml-xray-panel": {
    whiteSpace: "pre-wrap",
    fontFamily: "var(--jp-ui-font-family, sans-serif)",
    fontSize: "13px",
    color: "#1a1a1a",
    backgroundColor: "#fafafa",
  },
  ".gml-xray-tooltip": { maxWidth: "60ch", padding: "4px 8px", border: "1px solid #888" },
  ".gml-xray-panel": { padding: "4px 8px", maxHeight: "9em", overflow: "auto" },
});

const staleClass = EditorView.editorAttributes.compute([marksField], (state) =>
  state.field(marksField).stale ? { class: "gml-xray-stale" } : {});

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
        { key: "F8", run: jumpToMark(true), shift: jumpToMark(false) },
      ])),
      marksField,
      hoveredField,
      marksGutter,
      panelWhenMarked,
      staleClass,
      markTheme,
      stepOverClosingBrace,
      Prec.highest(keys),
      // tabindex 0: the text is the scrolling region's focusable content for axe too (a
      // contenteditable alone is not counted), so a long file that scrolls is still reachable.
      EditorView.contentAttributes.of({
        "aria-label": model.get("label") || "Go source code",
        tabindex: "0",
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          model.set("code", update.state.doc.toString());
          model.save_changes();
        }
      }),
      EditorView.theme({
        // The height bounds the code, not the panel under it: the panel never makes the code
        // scroll (a scrolling region whose only focusable part is the text is one axe flags).
        "&": { fontSize: "14px", border: "1px solid #bbb" },
        ".cm-scroller": {
          fontFamily: "var(--jp-code-font-family, monospace)",
          overflow: "auto",
          maxHeight: `${model.get("height")}px`,
        },
        ".gml-mark-heap": { backgroundColor: "#fbe3d6" },
        ".gml-mark-leak": { backgroundColor: "#fdf1cc" },
        ".gml-mark-stack": { backgroundColor: "#dcebf7" },
        ".gml-mark-error": { backgroundColor: "#f7d4d4" },
      }),
    ],
  });
  const paint = () => view.dispatch({
    effects: setMarks.of(marksFor(view.state.doc, model.get("marks") || [])),
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
