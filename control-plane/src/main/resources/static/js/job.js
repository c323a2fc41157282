// One job: facts, loss and learning-rate curves with the best epoch and the pause/resume points,
// checkpoints, audit trail. Kept current from the event socket.
"use strict";

const jobId = location.pathname.split("/").pop();
document.getElementById("job").dataset.jobId = jobId;
let job = null;
let charts = [];
/** Epochs are whole numbers: axis ticks never fall between them. */
const EPOCH_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

async function loadJob() {
  await whoami; // the principal decides the buttons
  job = await api("GET", "/training/jobs/" + jobId);
  document.title = "Pausable training — " + job.job_name;
  document.getElementById("title").textContent = job.job_name;
  document.getElementById("badge").replaceChildren(...[statusBadge(job.status), queueNote(job)].filter(Boolean));
  document.getElementById("job").dataset.status = job.status;
  document.getElementById("progress").textContent = job.job_type === "training"
    ? `${epochProgress(job)}${restartNote(job)}` + (job.best_val_loss == null ? ""
      : ` · best val loss ${fmtLoss(job.best_val_loss)} at epoch ${job.best_epoch}`)
    : "synthetic data";
  document.getElementById("actions").replaceChildren(actionButtons(job, async (action, target) => {
    if (await runAction(action, target) && action === "delete") location.href = "/";
  }));
  document.getElementById("error").replaceChildren(job.error_message
    ? el("div", { class: "error-box", id: "error-message" }, job.error_message) : "");
  const facts = [
    ["Job id", job.id], ["Type", job.job_type], ["Attempt", job.attempt],
    ["Submission", job.submission_id], ["Spark application", job.spark_app_id], ["Spark driver", job.spark_driver_id],
    ["Dataset", job.dataset_id], ["Pause checkpoint", job.pause_checkpoint_path],
    ["Latest checkpoint", job.latest_checkpoint
      ? `${position(job.latest_checkpoint.epoch, job.latest_checkpoint.round)} (${job.latest_checkpoint.kind}) ${job.latest_checkpoint.uri}` : null],
    ["Restarts", job.restart_count > 0 ? `${job.restart_count}: ${job.restart_reason}` : "0"],
    ["Created", fmtTime(job.created_at)], ["Started", fmtTime(job.started_at)],
    ["Updated", fmtTime(job.updated_at)], ["Finished", fmtTime(job.completed_at)],
  ];
  document.getElementById("facts").replaceChildren(...facts.flatMap(([name, value]) => [
    el("dt", {}, name), el("dd", { "data-fact": name.toLowerCase().replace(/ /g, "-") }, value ?? "—")]));
  document.getElementById("config").textContent = JSON.stringify({ config: job.config, spark_conf: job.spark_conf }, null, 2);
}

async function loadHistory() {
  const [metrics, events, checkpoints, rounds] = await Promise.all([
    api("GET", `/training/jobs/${jobId}/metrics?limit=10000`),
    api("GET", `/training/jobs/${jobId}/events?limit=10000`),
    api("GET", `/training/jobs/${jobId}/checkpoints?limit=10000`),
    api("GET", `/training/jobs/${jobId}/rounds`),
  ]);
  drawCharts(metrics.metrics);
  drawRounds(rounds.rounds);
  document.querySelector("#checkpoints tbody").replaceChildren(...checkpoints.checkpoints.map(c =>
    el("tr", { "data-checkpoint-kind": c.kind },
      el("td", {}, c.kind), el("td", { class: "num" }, c.round ? `${c.epoch} · round ${c.round}` : c.epoch),
      el("td", { class: "num" }, c.attempt),
      el("td", { class: "num", title: c.size_bytes + " bytes" }, fmtBytes(c.size_bytes)),
      el("td", { class: "mono", title: c.sha256 }, c.sha256.slice(0, 16) + "…"),
      el("td", { class: "mono" }, c.uri), el("td", {}, fmtTime(c.created_at)),
      el("td", {}, c.deleted_at ? fmtTime(c.deleted_at) : "—"))));
  document.querySelector("#events tbody").replaceChildren(...events.events.map(e =>
    el("tr", { "data-event-type": e.event_type },
      el("td", {}, fmtTime(e.created_at)), el("td", {}, e.event_type),
      el("td", {}, (e.from_value ? e.from_value + " → " : "") + e.to_value), el("td", {}, e.actor),
      el("td", {}, e.reason || ""), el("td", { class: "num" }, e.epoch ?? ""), el("td", { class: "num" }, e.attempt ?? ""))));
}

/** Epochs after which the job paused: the next epoch was trained by a later attempt. */
function pausePoints(metrics) {
  const points = [];
  for (let i = 1; i < metrics.length; i++) {
    if (metrics[i].attempt !== metrics[i - 1].attempt) {
      points.push({ epoch: metrics[i - 1].epoch, from: metrics[i - 1].attempt, to: metrics[i].attempt });
    }
  }
  return points;
}

function drawCharts(metrics) {
  charts.forEach(chart => chart.destroy());
  charts = [];
  const epochs = metrics.map(m => m.epoch);
  const pauses = pausePoints(metrics);
  const best = job && job.best_epoch;
  const markers = [...pauses.map(p => el("li", { "data-marker": "pause", "data-epoch": p.epoch },
    `⏸ paused after epoch ${p.epoch} (attempt ${p.from}), ▶ resumed as attempt ${p.to}`))];
  if (best) markers.unshift(el("li", { "data-marker": "best", "data-epoch": best }, `★ best validation loss at epoch ${best}`));
  document.getElementById("markers").replaceChildren(...markers);
  if (metrics.length === 0) {
    document.getElementById("loss-chart").replaceChildren(el("p", { class: "muted" }, "No epoch finished yet."));
    document.getElementById("lr-chart").replaceChildren();
    return;
  }
  const width = Math.max(320, document.getElementById("loss-chart").clientWidth);
  const drawMarkers = u => {
    const ctx = u.ctx;
    ctx.save();
    const line = (epoch, color, dash) => {
      const x = u.valToPos(epoch, "x", true);
      ctx.strokeStyle = color;
      ctx.setLineDash(dash);
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
    };
    // Between the last epoch of one attempt and the first of the next: where the job paused and resumed.
    pauses.forEach(p => line(p.epoch + 0.5, "#2b3038", [6, 4]));
    if (best) line(best, "#1f7a3e", []);
    ctx.restore();
  };
  charts.push(new uPlot({
    width, height: 280, scales: { x: { time: false } },
    series: [{ label: "epoch" }, { label: "train loss", stroke: "#1f5fae", width: 2 },
      { label: "val loss", stroke: "#b3261e", width: 2 }],
    axes: [{ label: "epoch", incrs: EPOCH_STEPS }, { label: "loss" }],
    hooks: { draw: [drawMarkers] },
  }, [epochs, metrics.map(m => m.train_loss), metrics.map(m => m.val_loss)], document.getElementById("loss-chart")));
  charts.push(new uPlot({
    width: Math.max(260, document.getElementById("lr-chart").clientWidth), height: 280, scales: { x: { time: false } },
    series: [{ label: "epoch" }, { label: "learning rate", stroke: "#9a6100", width: 2 }],
    axes: [{ label: "epoch", incrs: EPOCH_STEPS },
      { size: 70, values: (u, ticks) => ticks.map(v => v === 0 ? "0" : v.toExponential(1)) }],
  }, [epochs, metrics.map(m => m.learning_rate)], document.getElementById("lr-chart")));
}

let roundChart;
/** The sampled round losses on a continuous epoch axis: round r of R in epoch e sits at e - 1 + r / R. */
function drawRounds(rounds) {
  if (roundChart) roundChart.destroy();
  roundChart = null;
  const box = document.getElementById("round-chart");
  box.dataset.samples = rounds.length;
  if (rounds.length === 0) {
    box.replaceChildren(el("p", { class: "muted" }, "No round sampled yet."));
    return;
  }
  box.replaceChildren();
  roundChart = new uPlot({
    width: Math.max(320, box.clientWidth), height: 220, scales: { x: { time: false } },
    series: [{ label: "epoch" }, { label: "train loss (round)", stroke: "#1f5fae", width: 1, points: { size: 3 } }],
    axes: [{ label: "epoch" }, { label: "loss" }],
  }, [rounds.map(r => r.epoch - 1 + r.round / r.rounds), rounds.map(r => r.train_loss)], box);
}

let refreshTimer;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => loadJob().then(loadHistory).catch(error => toast(error.message, true)), 200);
}

// The page does not wait for the socket: it loads now, and again after every (re)connect to catch up.
loadJob().then(loadHistory).catch(error => toast(error.message, true));
connectEvents(message => {
  if (message.data && message.data.job_id === jobId) {
    if (message.event === "training_job_deleted") {
      toast("This job was deleted");
    } else {
      refreshSoon();
    }
  } else if (job && job.queue_position && message.event === "training_job_update") {
    refreshSoon(); // another job's admission or ending moves this one up the queue
  }
}, () => loadJob().then(loadHistory).catch(error => toast(error.message, true)));
