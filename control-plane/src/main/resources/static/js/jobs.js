// The jobs table: filters, paging, actions, and live updates from the event socket.
"use strict";

const PAGE_SIZE = 20;
const state = { status: "", type: "", offset: 0, total: 0, jobs: new Map() };
const tbody = document.querySelector("#jobs tbody");

const params = new URLSearchParams(location.search);
state.status = params.get("status") || "";
state.type = params.get("job_type") || "";

/** The filters offer the API's statuses and job types; the page counts as synced only once they exist. */
const filtersReady = vocabulary().then(words => {
  for (const status of words.statuses) {
    document.getElementById("filter-status").append(el("option", { value: status }, status));
  }
  for (const type of words.job_types) {
    document.getElementById("filter-type").append(el("option", { value: type }, type.replace(/_/g, " ")));
  }
  document.getElementById("filter-status").value = state.status;
  document.getElementById("filter-type").value = state.type;
});

document.getElementById("filter-status").addEventListener("change", event => { state.status = event.target.value; state.offset = 0; reload(); });
document.getElementById("filter-type").addEventListener("change", event => { state.type = event.target.value; state.offset = 0; reload(); });
document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); reload(); });
document.getElementById("next").addEventListener("click", () => { state.offset += PAGE_SIZE; reload(); });

async function reload() {
  const query = new URLSearchParams({ limit: PAGE_SIZE, offset: state.offset });
  if (state.status) query.set("status", state.status);
  if (state.type) query.set("job_type", state.type);
  history.replaceState(null, "", "/" + (state.status || state.type
    ? "?" + new URLSearchParams(Object.entries({ status: state.status, job_type: state.type }).filter(([, v]) => v)) : ""));
  const page = await api("GET", "/training/jobs?" + query);
  state.total = page.total;
  state.jobs = new Map(page.jobs.map(job => [job.id, job]));
  tbody.replaceChildren(...page.jobs.map(row));
  if (page.jobs.length === 0) {
    tbody.append(el("tr", {}, el("td", { colspan: 10, class: "muted" }, "No jobs.")));
  }
  const last = Math.min(state.offset + page.jobs.length, state.total);
  document.getElementById("page").textContent = state.total === 0 ? "" : `${state.offset + 1}–${last} of ${state.total}`;
  document.getElementById("prev").disabled = state.offset === 0;
  document.getElementById("next").disabled = last >= state.total;
}

function row(job) {
  const training = job.job_type === "training";
  const percent = Math.round(job.progress_percent || 0);
  return el("tr", { "data-job-id": job.id, "data-status": job.status, "data-job-type": job.job_type },
    el("td", {}, el("a", { href: "/jobs/" + job.id }, job.job_name)),
    el("td", {}, training ? "training" : "synthetic data"),
    el("td", {}, [statusBadge(job.status), queueNote(job)]),
    el("td", { class: "progress" }, training
      ? [el("span", { class: "num", title: job.restart_reason || "" }, `${epochProgress(job)}${restartNote(job)}`),
         el("div", { class: "bar", title: percent + "%" }, el("span", { style: `width:${percent}%` }))]
      : el("span", { class: "muted" }, job.status === "completed" ? "generated" : "—")),
    el("td", { class: "num" }, fmtLoss(job.train_loss)),
    el("td", { class: "num" }, fmtLoss(job.val_loss)),
    el("td", { class: "num" }, job.best_val_loss === null || job.best_val_loss === undefined
      ? "—" : `${fmtLoss(job.best_val_loss)} (${job.best_epoch})`),
    el("td", {}, fmtTime(job.created_at)),
    el("td", {}, fmtTime(job.updated_at)),
    el("td", {}, actionButtons(job, act)));
}

async function act(action, job) {
  await runAction(action, job);
}

let reloadTimer;
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => reload().catch(error => toast(error.message, true)), 250);
}

/** A change to a row on this page updates it in place; anything else may move rows, so the page is fetched again. */
function onEvent(message) {
  if (message.event === "training_job_update") {
    const change = message.data;
    const known = state.jobs.get(change.job_id);
    const matches = (!state.status || state.status === change.status) && (!state.type || state.type === change.job_type);
    // Any job's admission or ending moves the waiting ones up the queue: their positions come from the API.
    const queueMoves = [...state.jobs.values()].some(job => job.queue_position);
    if (!known || !matches || queueMoves) {
      reloadSoon();
      return;
    }
    const job = Object.assign({}, known, change, { id: change.job_id });
    state.jobs.set(job.id, job);
    const old = tbody.querySelector(`tr[data-job-id="${job.id}"]`);
    const fresh = row(job);
    if (known.status !== job.status) fresh.classList.add("flash");
    old.replaceWith(fresh);
  } else if (message.event === "training_job_deleted") {
    if (state.jobs.has(message.data.job_id)) reloadSoon();
  }
}

// The create form: the API's own validation messages, next to the field they name.
const form = document.getElementById("create");
// A field shows for its job type and, among a training job's, for the network it configures: a DL4J
// configuration brings its own updater and schedule, so the built-in network's are not offered with it.
function showFields() {
  const type = form.job_type.value;
  const model = form.model_type.value;
  for (const label of form.querySelectorAll("label[data-for]")) {
    const shown = label.dataset.for === type && (!label.dataset.model || label.dataset.model === model);
    label.style.display = shown ? "" : "none";
  }
}
form.job_type.addEventListener("change", showFields);
form.model_type.addEventListener("change", showFields);
showFields();

async function loadDatasets() {
  const page = await api("GET", "/datasets?limit=100");
  const select = form.dataset_id;
  select.replaceChildren(...page.datasets.map(d => el("option", { value: d.id }, `${d.name} (${d.num_samples ?? "?"} rows)`)));
  if (page.datasets.length === 0) select.append(el("option", { value: "" }, "no datasets yet"));
}

function number(name) {
  const value = form[name].value.trim();
  return value === "" ? undefined : Number(value);
}

// Pasted JSON that does not parse cannot be sent as an object: refused here, named like the API's refusals.
function configurationJson() {
  const text = form.configuration.value.trim();
  try {
    return JSON.parse(text === "" ? "null" : text);
  } catch (error) {
    const refusal = new Error(`Field 'config.model.configuration' is not JSON: ${error.message}`);
    refusal.problem = { field: "config.model.configuration" };
    throw refusal;
  }
}

// The input a refusal's field names: the model's fields are the network chosen.
function inputFor(field) {
  if (field.startsWith("model")) {
    return { dl4j: form.configuration, dl4j_uri: form.configuration_uri }[form.model_type.value] || form.hidden_layers;
  }
  const name = field.split(".")[0];
  return form[name] || (name === "lr_schedule" ? form.lr_schedule_type : null);
}

function createRequest() {
  const type = form.job_type.value;
  const config = {};
  const put = (key, value) => { if (value !== undefined && value !== "") config[key] = value; };
  if (type === "training") {
    put("dataset_id", form.dataset_id.value);
    for (const key of ["epochs", "batch_size", "workers", "validation_split", "early_stop_patience",
      "checkpoint_every_epochs", "seed"]) {
      put(key, number(key));
    }
    const model = form.model_type.value;
    if (model === "dl4j") {
      config.model = { type: "dl4j", configuration: configurationJson() };
    } else if (model === "dl4j_uri") {
      config.model = { type: "dl4j", configuration_uri: form.configuration_uri.value.trim() };
    } else {
      put("learning_rate", number("learning_rate"));
      const layers = form.hidden_layers.value.trim();
      if (layers) config.hidden_layers = layers.split(/[\s,]+/).filter(Boolean).map(Number);
      put("optimizer", form.optimizer.value);
      if (form.lr_schedule_type.value) {
        config.lr_schedule = { type: form.lr_schedule_type.value };
        if (number("lr_gamma") !== undefined) config.lr_schedule.gamma = number("lr_gamma");
        if (number("lr_step_epochs") !== undefined) config.lr_schedule.step_epochs = number("lr_step_epochs");
      }
    }
  } else {
    for (const key of ["num_samples", "num_receivers", "partitions"]) put(key, number(key));
    put("seed", number("synthetic_seed"));
  }
  return { job_name: form.job_name.value, job_type: type, priority: number("priority"), config };
}

form.addEventListener("submit", async event => {
  event.preventDefault();
  const errorBox = document.getElementById("create-error");
  errorBox.textContent = "";
  form.querySelectorAll(".error-field").forEach(field => field.classList.remove("error-field"));
  try {
    const job = await api("POST", "/training/jobs", createRequest());
    toast(`Created "${job.job_name}" (${job.status})`);
    reloadSoon();
  } catch (error) {
    errorBox.textContent = error.message;
    const field = error.problem && error.problem.field ? error.problem.field.replace(/^config\./, "") : null;
    const input = field && inputFor(field);
    if (input) input.classList.add("error-field");
  }
});

// Viewers read: the create form is for operators and admins.
const signedIn = whoami.then(me => {
  document.getElementById("create-panel").hidden = me.role === "viewer";
});
loadDatasets().catch(error => toast(error.message, true));
// The table does not wait for the socket: it loads now (once the principal is known, which decides its
// buttons), and again after every (re)connect to catch up.
signedIn.then(reload).catch(error => toast(error.message, true));
connectEvents(onEvent, () => signedIn.then(() => Promise.all([filtersReady, reload()]))
  .catch(error => toast(error.message, true)));
