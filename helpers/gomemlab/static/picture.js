// A picture of Go Memory Lab (gomemlab.controls.Picture), an anywidget front end: the PNG
// bytes shown as an <img> whose alt is the figure's text alternative.
function render({ model, el }) {
  el.classList.add("gml-picture");
  const img = document.createElement("img");
  img.style.cssText = "max-width:100%;height:auto;display:block";
  el.append(img);
  let url = "";
  const show = () => {
    const data = model.get("value");
    if (url) URL.revokeObjectURL(url);
    url = data && data.byteLength
      ? URL.createObjectURL(new Blob([data], { type: `image/${model.get("format")}` }))
      : "";
    img.src = url;
    img.alt = model.get("alt_text") || "";
  };
  for (const name of ["value", "format", "alt_text"]) model.on(`change:${name}`, show);
  show();
  return () => {
    for (const name of ["value", "format", "alt_text"]) model.off(`change:${name}`, show);
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
