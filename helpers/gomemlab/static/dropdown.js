// A drop-down list of Go Memory Lab (gomemlab.controls.Dropdown), an anywidget front end: a
// native <select> named by its <label>. Its element carries data-lm-suppress-shortcuts, so
// the arrow keys change the choice instead of moving JupyterLab's cell cursor.
let made = 0;

function render({ model, el }) {
  const id = `gml-dropdown-${++made}-${Math.random().toString(36).slice(2, 8)}`;
  el.classList.add("gml-dropdown");
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  el.style.cssText = "display:flex;align-items:center;gap:8px;padding:2px 0";
  const label = document.createElement("label");
  label.htmlFor = id;
  const select = document.createElement("select");
  select.id = id;
  el.append(label, select);

  const show = () => {
    label.textContent = model.get("description");
    const labels = model.get("labels") || [];
    if (select.options.length !== labels.length
        || labels.some((text, i) => select.options[i].text !== text)) {
      select.replaceChildren(...labels.map((text, i) => new Option(text, String(i))));
    }
    select.value = String(model.get("index"));
    select.disabled = model.get("disabled");
  };
  select.addEventListener("change", () => {
    model.set("index", Number(select.value));
    model.save_changes();
  });
  const names = ["description", "labels", "index", "disabled"];
  for (const name of names) model.on(`change:${name}`, show);
  show();
  return () => {
    for (const name of names) model.off(`change:${name}`, show);
  };
}

export default { render };
