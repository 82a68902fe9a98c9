// The drop-an-image page of vgg4j serve: sends the image to /predictions/{model} (top 5) and /preprocess/{model}
// (the model's input as a PNG) and shows both. No libraries, nothing loaded from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
let seenUrl = null;
let originalUrl = null;

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error) {
      return body.error;
    }
  } catch (e) {
    // not JSON: fall through
  }
  return "HTTP " + response.status;
}

async function loadModels() {
  const response = await fetch("v2/models");
  if (!response.ok) {
    showError("cannot list the models: " + (await errorOf(response)));
    return;
  }
  const body = await response.json();
  const select = $("model");
  select.textContent = "";
  for (const m of body.models) {
    const option = document.createElement("option");
    option.value = m.name;
    option.textContent = m.name + " (" + m.input_shape.join("x") + ")";
    select.appendChild(option);
  }
}

function query() {
  return $("invert").checked ? "?invert=true" : "";
}

function renderTop(predictions) {
  const list = $("top");
  list.textContent = "";
  for (const p of predictions) {
    const item = document.createElement("li");
    item.className = "prediction";
    item.dataset.class = p.class;
    item.dataset.probability = String(p.probability);
    const name = document.createElement("span");
    name.className = "class";
    name.textContent = p.class;
    const bar = document.createElement("span");
    bar.className = "bar";
    const fill = document.createElement("span");
    fill.className = "fill";
    fill.style.width = (100 * p.probability).toFixed(1) + "%";
    bar.appendChild(fill);
    const value = document.createElement("span");
    value.className = "probability";
    value.textContent = p.probability.toFixed(4);
    item.append(name, bar, value);
    list.appendChild(item);
  }
}

async function classify(file) {
  showError("");
  const model = $("model").value;
  if (!model) {
    showError("no model is served");
    return;
  }
  $("status").textContent = "classifying " + file.name + " ...";
  document.body.dataset.state = "busy";
  const bytes = await file.arrayBuffer();
  const headers = { "Content-Type": file.type || "application/octet-stream" };
  const base = encodeURIComponent(model);
  try {
    const [top, seen] = await Promise.all([
      fetch("predictions/" + base + query() + (query() ? "&" : "?") + "topk=5", { method: "POST", headers, body: bytes }),
      fetch("preprocess/" + base + query(), { method: "POST", headers, body: bytes }),
    ]);
    if (!top.ok) {
      throw new Error(await errorOf(top));
    }
    if (!seen.ok) {
      throw new Error(await errorOf(seen));
    }
    const predictions = await top.json();
    if (seenUrl) URL.revokeObjectURL(seenUrl);
    if (originalUrl) URL.revokeObjectURL(originalUrl);
    seenUrl = URL.createObjectURL(await seen.blob());
    originalUrl = URL.createObjectURL(file);
    $("seen").src = seenUrl;
    $("original").src = originalUrl;
    $("file-name").textContent = file.name;
    renderTop(predictions);
    $("result").hidden = false;
    $("status").textContent = "";
    document.body.dataset.state = "done";
  } catch (e) {
    $("result").hidden = true;
    $("status").textContent = "";
    showError(e.message);
    document.body.dataset.state = "error";
  }
}

function setUp() {
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length > 0) {
      classify(e.dataTransfer.files[0]);
    }
  });
  $("file").addEventListener("change", (e) => {
    if (e.target.files.length > 0) {
      classify(e.target.files[0]);
    }
  });
  loadModels().then(() => {
    document.body.dataset.state = "ready";
  });
}

setUp();
