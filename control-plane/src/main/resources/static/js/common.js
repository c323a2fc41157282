// Shared by the dashboard pages: the REST API, the live event socket, and how a job is shown.
"use strict";

const API = "/v1";

/** The API's vocabulary (statuses, job types, actions), fetched once: the pages repeat none of it. */
let vocabularyRequest;
function vocabulary() {
  vocabularyRequest = vocabularyRequest || api("GET", "/vocabulary");
  return vocabularyRequest;
}

/**
 * Calls the API as the signed-in principal: the browser sends the session cookie; a change also
 * carries the CSRF token (the XSRF-TOKEN cookie's value), which another site cannot read.
 */
async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-XSRF-TOKEN"] = csrfToken();
  const response = await fetch(API + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    // The session ended (token revoked or expired): sign in again, then come back here.
    location.assign("/sign-in.html?next=" + encodeURIComponent(location.pathname + location.search) + "&refused");
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(data && data.detail ? data.detail : response.status + " " + response.statusText);
    error.problem = data;
    throw error;
  }
  return data;
}

function csrfToken() {
  const cookie = document.cookie.split("; ").find(c => c.startsWith("XSRF-TOKEN="));
  return cookie ? decodeURIComponent(cookie.substring("XSRF-TOKEN=".length)) : "";
}

/** Who is signed in ({name, role}), once per page; the header shows it with a sign-out button. */
let ME = null;
const whoami = api("GET", "/me").then(me => {
  ME = me;
  const nav = document.querySelector("header nav");
  const signOut = el("button", { type: "button", id: "sign-out" }, "Sign out");
  signOut.addEventListener("click", async () => {
    await fetch("/sign-out", { method: "POST", headers: { "X-XSRF-TOKEN": csrfToken() } });
    location.assign("/sign-in.html");
  });
  nav.append(el("span", { id: "principal", class: "muted", "data-role": me.role }, `${me.name} (${me.role})`), signOut);
  return me;
});

/** Whether the signed-in principal's role allows an action on a job: admins all, operators their own jobs. */
function mayAct(action, job) {
  if (!ME || ME.role === "viewer") return false;
  if (ME.role === "admin") return true;
  return action !== "delete" && job.owner === ME.name;
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function fmtLoss(value) {
  return value === null || value === undefined ? "—" : Number(value).toPrecision(4);
}

function fmtTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function fmtBytes(bytes) {
  if (bytes === null || bytes === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit];
}

/** For a job waiting for a slot: its place in the queue and its priority (else nothing). */
function queueNote(job) {
  if (!job.queue_position) return null;
  return el("span", { class: "muted queue", "data-queue-position": job.queue_position,
    title: "Waiting for a free slot (pausable.admission.max-running); higher priority first" },
    ` #${job.queue_position} in queue · priority ${job.priority}`);
}

/** The status badge: paused is dark with ⏸, pausing and cancelling visibly in progress. */
function statusBadge(status) {
  const label = status === "paused" ? "⏸ paused" : status;
  const busy = status === "pausing" || status === "cancelling";
  return el("span", { class: "badge status-" + status + (busy ? " in-progress" : ""), "data-badge": status }, label);
}

/**
 * The buttons a job offers: exactly the actions its JSON says are offered now (the seed's UI rules,
 * decided by the API: pause only for running training jobs, resume only for paused jobs, cancel never
 * for paused ones) that the principal's role allows; delete, for admins, is shown disabled until it is offered.
 */
function actionButtons(job, onAction) {
  const offered = new Set((job.actions || []).filter(action => mayAct(action, job)));
  const buttons = [];
  if (offered.has("pause")) {
    buttons.push(el("button", { type: "button", "data-action": "pause", title: "Pause after the current round or epoch" }, "⏸ Pause"));
  }
  if (offered.has("resume")) {
    buttons.push(el("button", { type: "button", "data-action": "resume", title: "Resume from the pause checkpoint" }, "▶ Resume"));
  }
  if (offered.has("cancel")) {
    buttons.push(el("button", { type: "button", "data-action": "cancel" }, "✕ Cancel"));
  }
  if (mayAct("delete", job)) {
    buttons.push(el("button", {
      type: "button", "data-action": "delete", disabled: !offered.has("delete"),
      title: offered.has("delete") ? "Delete this job" : "Only finished jobs can be deleted",
    }, "Delete"));
  }
  for (const button of buttons) {
    button.addEventListener("click", () => onAction(button.dataset.action, job));
  }
  return el("div", { class: "actions" }, buttons);
}

const QUESTIONS = {
  pause: job => `Pause "${job.job_name}"? It saves a checkpoint and stops after the current averaging round`
    + ` (within epoch ${job.current_epoch + 1} of ${job.total_epochs}) or after the whole epoch.`,
  resume: job => {
    const [epoch, round] = resumePoint(job);
    return `Resume "${job.job_name}" from its ${job.status === "failed" ? "latest" : "pause"} checkpoint`
      + ` (epoch ${epoch} of ${job.total_epochs}${round ? `, round ${round}` : ""})?`;
  },
  cancel: job => `Cancel "${job.job_name}"?`,
  delete: job => `Delete "${job.job_name}" and its history?`,
};

/** Where a resume continues, [epoch, round]: the pause checkpoint's, else the latest checkpoint's (a failed job). */
function resumePoint(job) {
  if (job.pause_checkpoint_epoch != null) return [job.pause_checkpoint_epoch, job.pause_checkpoint_round];
  if (job.latest_checkpoint) return [job.latest_checkpoint.epoch, job.latest_checkpoint.round];
  // A row updated from the event socket: a paused job stands where its pause checkpoint holds it.
  return [job.current_epoch, job.status === "paused" ? job.current_round : 0];
}

/** "epoch 2", or "epoch 2, round 120" for a point within the next epoch (as the API's messages say). */
function position(epoch, round) {
  return round ? `epoch ${epoch}, round ${round}` : `epoch ${epoch}`;
}

/** "epoch 2 / 20", and where training is within the next epoch: " · epoch 3, round 120 of 250". */
function epochProgress(job) {
  const done = `epoch ${job.current_epoch} / ${job.total_epochs}`;
  const within = job.current_round > 0 && job.current_epoch < job.total_epochs
    && !["completed", "cancelled"].includes(job.status);
  return within
    ? `${done} · epoch ${job.current_epoch + 1}, round ${job.current_round}`
      + (job.rounds_per_epoch ? ` of ${job.rounds_per_epoch}` : "")
    : done;
}

/** "restarted 2×" when the control plane restarted the job after lost attempts, else "". */
function restartNote(job) {
  return job.restart_count > 0 ? ` · restarted ${job.restart_count}×` : "";
}

/**
 * Asks first; sends nothing when the operator declines. A pause asks where to stop: after the current
 * averaging round, after the current epoch, or not at all. Returns whether a request was sent.
 */
async function runAction(action, job) {
  let query = "";
  if (action === "pause") {
    const choice = await askPauseBoundary(job);
    if (choice === "keep") return false;
    query = "?at=" + choice;
  } else if (!window.confirm(QUESTIONS[action](job))) {
    return false;
  }
  try {
    if (action === "delete") {
      await api("DELETE", "/training/jobs/" + job.id);
      toast(`Deleted "${job.job_name}"`);
    } else {
      const accepted = await api("POST", `/training/jobs/${job.id}/${action}${query}`);
      toast(accepted.message);
    }
  } catch (error) {
    toast(error.message, true);
  }
  return true;
}

/** The pause dialog (a modal <dialog>): resolves to "round", "epoch" or "keep" (also on Escape). */
function askPauseBoundary(job) {
  let dialog = document.getElementById("pause-dialog");
  if (!dialog) {
    dialog = el("dialog", { id: "pause-dialog" },
      el("p", { id: "pause-question" }),
      el("div", { class: "actions" },
        el("button", { type: "button", "data-choice": "round", title: "Within one averaging round" }, "⏸ After this round"),
        el("button", { type: "button", "data-choice": "epoch", title: "The seed's epoch boundary" }, "⏸ After this epoch"),
        el("button", { type: "button", "data-choice": "keep" }, "Keep training")));
    document.body.append(dialog);
  }
  document.getElementById("pause-question").textContent = QUESTIONS.pause(job);
  return new Promise(resolve => {
    const buttons = [...dialog.querySelectorAll("button[data-choice]")];
    const done = choice => {
      buttons.forEach(b => { b.onclick = null; });
      dialog.oncancel = null;
      dialog.close();
      resolve(choice);
    };
    buttons.forEach(b => { b.onclick = () => done(b.dataset.choice); });
    dialog.oncancel = event => { event.preventDefault(); done("keep"); };
    dialog.showModal();
  });
}

let toastTimer;
function toast(message, isError) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.className = isError ? "error" : "";
  box.style.display = "block";
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.style.display = "none"; }, 5000);
}

/**
 * The control plane's event stream (/ws): every job change and every epoch's metrics as they are
 * committed. Reconnects with backoff when the socket drops; onOpen runs after every (re)connect so a
 * page can fetch what it missed (return its promise: body[data-synced] turns "true" when it is done).
 */
function connectEvents(onMessage, onOpen) {
  const indicator = document.getElementById("connection");
  let delay = 500;
  function open() {
    const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    window.pausableEvents = socket; // for diagnostics from the browser console
    socket.onopen = () => {
      delay = 500;
      indicator.textContent = "live";
      indicator.className = "conn live";
      indicator.dataset.state = "live";
      // Set once the page has caught up with what it may have missed while not connected.
      Promise.resolve(onOpen()).then(() => { document.body.dataset.synced = "true"; });
    };
    socket.onmessage = message => onMessage(JSON.parse(message.data));
    socket.onclose = () => {
      indicator.textContent = "reconnecting…";
      indicator.className = "conn down";
      indicator.dataset.state = "down";
      document.body.dataset.synced = "false";
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  open();
}
