// A slider of Go Memory Lab (gomemlab.controls.Slider), an anywidget front end: a native
// <input type=range> over the option positions, named by its <label>, saying the option's
// label (not its position) to a screen reader, with the label shown beside it.
// The arrow keys move to the next position that reads differently (the GC guide's GOGC
// slider repeats values); Home, End, PageUp and PageDown work as the browser's own.
// The value goes to Python when it is set (a key, or the pointer let go), not while dragging.
let made = 0;

function render({ model, el }) {
  const id = `gml-slider-${++made}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("gml-slider");
  // JupyterLab's command-mode shortcuts (arrows select cells) stay out of the slider
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.style.cssText = "display:flex;align-items:center;gap:8px;padding:2px 0";
  const label = document.createElement("label");
  label.htmlFor = id;
  const input = document.createElement("input");
  Object.assign(input, { type: "range", id, min: "0", step: "1" });
  input.style.cssText = "flex:1 1 auto;min-width:80px";
  const shown = document.createElement("output");
  shown.htmlFor = id;
  shown.style.cssText = "min-width:4em;font-variant-numeric:tabular-nums";
  el.append(label, input, shown);

  const labels = () => model.get("labels") || [];
  const say = (index) => {
    const text = labels()[index] ?? "";
    input.setAttribute("aria-valuetext", text);
    shown.textContent = text;
  };
  const show = () => {
    label.textContent = model.get("description");
    input.max = String(Math.max(labels().length - 1, 0));
    input.value = String(model.get("index"));
    input.disabled = model.get("disabled");
    say(model.get("index"));
  };
  const commit = (index) => {
    if (index !== model.get("index")) {
      model.set("index", index);
      model.save_changes();
    }
    show();
  };
  input.addEventListener("input", () => say(Number(input.value)));
  input.addEventListener("change", () => commit(Number(input.value)));
  input.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const all = labels();
    const here = Number(input.value);
    let next = here + step;
    while (next >= 0 && next < all.length && all[next] === all[here]) next += step;
    if (next >= 0 && next < all.length) commit(next);
  });
  for (const name of ["description", "labels", "index", "disabled"]) {
    model.on(`change:${name}`, show);
  }
  show();
  return () => {
    for (const name of ["description", "labels", "index", "disabled"]) {
      model.off(`change:${name}`, show);
    }
  };
}

export default { render };
