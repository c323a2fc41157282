package dev.pausable.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.auth.Role;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Browser;
import dev.pausable.controlplane.support.Http;
import dev.pausable.controlplane.support.Networks;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The seed's Test 5 in a real headless Chromium against the running control plane and its real
 * PostgreSQL. Jobs are put into the states a trainer would by SQL; the page must follow by itself.
 */
class DashboardBrowserIT extends ApiITBase {

    /** The contract: the table reflects the database within 2 s of a change, without reload. */
    private static final Duration LIVE = Duration.ofSeconds(2);
    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void noDialogLeftOpenAndSignedInAsAdmin() {
        try {
            browser.switchTo().alert().dismiss();
        } catch (org.openqa.selenium.NoAlertPresentException e) {
            // nothing open
        }
        signIn(token("ops-admin", Role.ADMIN));
    }

    /** As the quickstart's link does: the token once in the address, then only in the session cookie. */
    private void signIn(String token) {
        browser.get(base() + "/?token=" + token);
        waitFor().until(d -> d.getCurrentUrl().equals(base() + "/"));
        waitFor().until(d -> !d.findElements(By.id("principal")).isEmpty());
    }

    @Test
    void buttonsAndBadgesFollowTheSeedsRules() throws Exception {
        UUID dataset = registerDataset();
        UUID running = running(createTrainingJob(dataset, 20));
        UUID paused = running(createTrainingJob(dataset, 20));
        commitPause(paused, 4);
        UUID pausing = running(createTrainingJob(dataset, 20));
        forceStatus(pausing, "pausing");
        UUID synthetic = createSyntheticJob();
        forceStatus(synthetic, "running");
        UUID completed = running(createTrainingJob(dataset, 20));
        forceStatus(completed, "completed");

        openJobs();

        assertThat(actions(running)).containsExactly("pause", "cancel", "delete");
        assertThat(button(running, "pause").getText()).contains("⏸");
        assertThat(button(running, "delete").getAttribute("disabled")).isNotNull();

        assertThat(actions(synthetic)).as("never a pause button for synthetic data jobs").doesNotContain("pause")
                .contains("cancel");

        assertThat(actions(paused)).as("resume, no cancel, delete disabled").containsExactly("resume", "delete");
        assertThat(button(paused, "resume").getText()).contains("▶");
        assertThat(button(paused, "delete").getAttribute("disabled")).isNotNull();

        WebElement pausedBadge = badge(paused);
        assertThat(pausedBadge.getText()).isEqualTo("⏸ paused");
        assertThat(pausedBadge.getCssValue("background-color")).as("dark variant").isEqualTo("rgba(43, 48, 56, 1)");
        assertThat(badge(pausing).getAttribute("class")).as("pausing visibly in progress").contains("in-progress");
        assertThat(actions(pausing)).doesNotContain("pause", "resume").contains("cancel");

        assertThat(actions(completed)).containsExactly("delete");
        assertThat(button(completed, "delete").getAttribute("disabled")).isNull();
        assertThat(row(running).findElement(By.cssSelector(".progress")).getText()).contains("epoch 0 / 20");

        Browser.screenshot(browser, "jobs-table");
    }

    @Test
    void pauseAndResumeAskFirstAndSendNothingWhenDeclined() throws Exception {
        UUID dataset = registerDataset();
        UUID job = running(createTrainingJob(dataset, 20));
        openJobs();
        markPage();

        button(job, "pause").click();
        assertThat(pauseDialog().getText()).startsWith("Pause \"").contains("after the current averaging round")
                .contains("after the whole epoch");
        choose("keep");
        assertThat(status(job)).as("declined: nothing sent").isEqualTo("running");
        assertThat(eventCount(job, "intent")).isZero();

        button(job, "pause").click();
        choose("epoch");
        waitForRowStatus(job, "pausing");
        assertThat(status(job)).isEqualTo("pausing");
        assertThat(sql.sql("SELECT pause_at FROM training_jobs WHERE id = :id").param("id", job)
                .query(String.class).single()).isEqualTo("epoch");

        commitPause(job, 3);
        waitForRowStatus(job, "paused");
        button(job, "resume").click();
        assertThat(waitFor().until(ExpectedConditions.alertIsPresent()).getText()).startsWith("Resume \"");
        browser.switchTo().alert().dismiss();
        assertThat(status(job)).isEqualTo("paused");
        assertThat(launcher.submissions()).hasSize(1);

        button(job, "resume").click();
        waitFor().until(ExpectedConditions.alertIsPresent()).accept();
        waitForRowStatus(job, "queued");
        assertThat(launcher.submissions()).hasSize(2);
        assertThat(pageWasNotReloaded()).isTrue();
    }

    @Test
    void thePauseDialogOffersTheNextRoundAndTheTableShowsWhereInTheEpochTheJobIs() throws Exception {
        UUID job = running(createTrainingJob(registerDataset(), 20));
        openJobs();

        sql.sql("UPDATE training_jobs SET current_epoch = 2, current_round = 57, rounds_per_epoch = 250 WHERE id = :id")
                .param("id", job).update();
        waitFor(LIVE).until(d -> row(job).findElement(By.cssSelector(".progress")).getText()
                .contains("epoch 2 / 20 · epoch 3, round 57 of 250"));

        button(job, "pause").click();
        pauseDialog();
        Browser.screenshot(browser, "pause-dialog");
        choose("round");
        waitForRowStatus(job, "pausing");
        assertThat(sql.sql("SELECT pause_at FROM training_jobs WHERE id = :id").param("id", job)
                .query(String.class).single()).isEqualTo("round");
        waitFor().until(d -> browser.findElement(By.id("toast")).getText()
                .equals("Training will pause after completing the current averaging round"));

        commitPause(job, 2, 120);
        waitForRowStatus(job, "paused");
        assertThat(row(job).findElement(By.cssSelector(".progress")).getText())
                .contains("epoch 2 / 20 · epoch 3, round 120 of 250");
        button(job, "resume").click();
        assertThat(waitFor().until(ExpectedConditions.alertIsPresent()).getText())
                .contains("(epoch 2 of 20, round 120)");
        browser.switchTo().alert().dismiss();
    }

    @Test
    void aChangeInTheDatabaseShowsWithinTwoSecondsAndTheSocketReconnects() throws Exception {
        UUID job = running(createTrainingJob(registerDataset(), 20));
        openJobs();
        markPage();

        sql.sql("UPDATE training_jobs SET current_epoch = 7, progress_percent = 35, val_loss = 0.25 WHERE id = :id")
                .param("id", job).update();
        waitFor(LIVE).until(d -> row(job).findElement(By.cssSelector(".progress")).getText().contains("epoch 7 / 20"));
        forceStatus(job, "completed");
        waitForRowStatus(job, "completed");

        ((JavascriptExecutor) browser).executeScript("window.pausableEvents.close()");
        waitFor().until(d -> "live".equals(browser.findElement(By.id("connection")).getAttribute("data-state"))
                && browser.executeScript("return window.pausableEvents.readyState").equals(1L));
        waitUntilSynced();
        forceStatus(job, "failed");
        waitForRowStatus(job, "failed");
        assertThat(pageWasNotReloaded()).isTrue();
    }

    @Test
    void filtersByStatusAndType() {
        UUID dataset = registerDataset();
        UUID running = running(createTrainingJob(dataset, 20));
        UUID paused = running(createTrainingJob(dataset, 20));
        commitPause(paused, 2);
        UUID synthetic = createSyntheticJob();
        openJobs();

        new Select(browser.findElement(By.id("filter-status"))).selectByValue("paused");
        waitFor().until(d -> jobIds().equals(List.of(paused.toString())));
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("");
        new Select(browser.findElement(By.id("filter-type"))).selectByValue("synthetic_data");
        waitFor().until(d -> jobIds().equals(List.of(synthetic.toString())));
        assertThat(jobIds()).doesNotContain(running.toString());
    }

    @Test
    void theCreateFormShowsTheApisOwnValidationMessage() {
        UUID dataset = registerDataset();
        Http.Response api = http.post("/v1/training/jobs", """
                {"job_name": "x", "job_type": "training",
                 "config": {"dataset_id": "%s", "epochs": 0, "batch_size": 32, "learning_rate": 0.001}}"""
                .formatted(dataset));
        assertThat(api.status()).isEqualTo(400);
        openJobs();
        WebElement form = browser.findElement(By.id("create"));
        waitFor().until(d -> !form.findElements(By.cssSelector("select[name=dataset_id] option[value='" + dataset + "']"))
                .isEmpty());
        WebElement epochs = form.findElement(By.name("epochs"));
        epochs.clear();
        epochs.sendKeys("0");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor().until(d -> !browser.findElement(By.id("create-error")).getText().isEmpty());
        assertThat(browser.findElement(By.id("create-error")).getText()).isEqualTo(api.detail());
        assertThat(epochs.getAttribute("class")).contains("error-field");

        epochs.clear();
        epochs.sendKeys("3");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor().until(d -> jobIds().size() == 1);
        assertThat(countJobs()).isEqualTo(1);
    }

    @Test
    void theCreateFormTakesADl4jNetworkAndShowsWhatDoesNotFit() {
        UUID dataset = registerDataset();
        Http.Response api = http.post("/v1/training/jobs", """
                {"job_name": "x", "config": {"dataset_id": "%s", "epochs": 3, "batch_size": 32,
                 "model": {"type": "dl4j", "configuration": %s}}}""".formatted(dataset, Networks.branches(4)));
        assertThat(api.status()).isEqualTo(400);
        openJobs();
        WebElement form = browser.findElement(By.id("create"));
        waitFor().until(d -> !form.findElements(By.cssSelector("select[name=dataset_id] option[value='" + dataset + "']"))
                .isEmpty());
        new Select(form.findElement(By.name("model_type"))).selectByValue("dl4j");
        WebElement configuration = form.findElement(By.name("configuration"));
        assertThat(configuration.isDisplayed()).isTrue();
        assertThat(form.findElement(By.name("learning_rate")).isDisplayed())
                .as("a DL4J configuration brings its own updater").isFalse();
        assertThat(form.findElement(By.name("hidden_layers")).isDisplayed()).isFalse();

        browser.executeScript("arguments[0].value = arguments[1]", configuration, "{\"vertices\": ");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor().until(d -> !browser.findElement(By.id("create-error")).getText().isEmpty());
        assertThat(browser.findElement(By.id("create-error")).getText())
                .startsWith("Field 'config.model.configuration' is not JSON: ");
        assertThat(configuration.getAttribute("class")).contains("error-field");

        browser.executeScript("arguments[0].value = arguments[1]", configuration, Networks.branches(4));
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor().until(d -> browser.findElement(By.id("create-error")).getText().equals(api.detail()));
        assertThat(configuration.getAttribute("class")).contains("error-field");
        assertThat(countJobs()).isZero();

        browser.executeScript("arguments[0].value = arguments[1]", configuration, Networks.branches(3));
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor().until(d -> jobIds().size() == 1);
        JsonNode created = http.get("/v1/training/jobs/" + jobIds().get(0)).body();
        assertThat(created.get("config").get("model").get("type").asString()).isEqualTo("dl4j");
        assertThat(created.get("config").has("learning_rate")).isFalse();
    }

    @Test
    void aJobPageShowsCurvesWithBestAndPausePointsCheckpointsAuditAndError() throws Exception {
        UUID job = running(createTrainingJob(registerDataset(), 6));
        for (int epoch = 1; epoch <= 5; epoch++) {
            sql.sql("""
                    INSERT INTO training_metrics (job_id, attempt, epoch, train_loss, val_loss, learning_rate, duration_ms,
                                                  samples_per_second)
                    VALUES (:id, :attempt, :epoch, :train, :val, 0.001, 900, 5000)""")
                    .param("id", job).param("attempt", epoch <= 3 ? 1 : 2).param("epoch", epoch)
                    .param("train", 1.0 / epoch).param("val", epoch == 3 ? 0.2 : 0.3 + epoch / 100.0).update();
        }
        // Round samples of epoch 6 (attempt 2), and one of epoch 4 recorded by both attempts (shown once).
        sql.sql("""
                INSERT INTO round_losses (job_id, attempt, epoch, round, rounds, train_loss)
                SELECT :id, 2, 6, r, 10, 0.2 - r / 1000.0 FROM generate_series(1, 7) r
                UNION ALL SELECT :id, 1, 4, 5, 10, 0.4 UNION ALL SELECT :id, 2, 4, 5, 10, 0.4""")
                .param("id", job).update();
        sql.sql("""
                INSERT INTO checkpoints (job_id, epoch, attempt, uri, sha256, size_bytes, kind, write_ms)
                VALUES (:id, 3, 1, :uri, :sha, 19694, 'pause', 47)""")
                .param("id", job).param("uri", "s3a://training/checkpoints/" + job + "/epoch-0003-attempt-1.zip")
                .param("sha", "ab".repeat(32)).update();
        sql.sql("""
                UPDATE training_jobs SET status = 'failed', attempt = 2, current_epoch = 5, best_epoch = 3,
                       best_val_loss = 0.2, spark_app_id = 'local-1764400000000',
                       error_message = 'CheckpointMismatchException: size differs' WHERE id = :id""")
                .param("id", job).update();

        browser.get(base() + "/jobs/" + job);
        waitUntilSynced();

        assertThat(browser.findElement(By.cssSelector("#markers li[data-marker=pause]")).getAttribute("data-epoch"))
                .isEqualTo("3");
        assertThat(browser.findElement(By.cssSelector("#markers li[data-marker=best]")).getAttribute("data-epoch"))
                .isEqualTo("3");
        assertThat(browser.findElements(By.cssSelector("#loss-chart canvas"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#lr-chart canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("round-chart")).getAttribute("data-samples")).isEqualTo("8");
        assertThat(browser.findElements(By.cssSelector("#round-chart canvas"))).isNotEmpty();
        WebElement checkpoint = browser.findElement(By.cssSelector("#checkpoints tbody tr[data-checkpoint-kind=pause]"));
        assertThat(checkpoint.getText()).contains("19.2 KiB").contains("abababababababab");
        assertThat(browser.findElements(By.cssSelector("#events tbody tr"))).isNotEmpty();
        assertThat(browser.findElement(By.id("error-message")).getText())
                .isEqualTo("CheckpointMismatchException: size differs");
        assertThat(browser.findElement(By.cssSelector("dd[data-fact=submission]")).getText())
                .isEqualTo("pausable-" + job + "-a1");
        assertThat(browser.findElement(By.cssSelector("dd[data-fact=spark-application]")).getText())
                .isEqualTo("local-1764400000000");
        Browser.screenshot(browser, "job-page");
    }

    @Test
    void eachRoleSeesOnlyTheActionsItMayTake() {
        UUID dataset = registerDataset();
        UUID mine = running(createTrainingJob(dataset, 20));
        UUID theirs = running(createTrainingJob(as("someone-else", Role.OPERATOR), dataset, 20, ""));

        signIn(token("watcher", Role.VIEWER));
        openJobs();
        assertThat(browser.findElement(By.id("principal")).getText()).isEqualTo("watcher (viewer)");
        assertThat(actions(mine)).isEmpty();
        assertThat(browser.findElement(By.id("create-panel")).isDisplayed()).as("viewers create nothing").isFalse();

        signIn(token("tester", Role.OPERATOR));
        openJobs();
        assertThat(actions(mine)).as("its own job, no delete (admins only)").containsExactly("pause", "cancel");
        assertThat(actions(theirs)).as("someone else's job").isEmpty();
        assertThat(browser.findElement(By.id("create-panel")).isDisplayed()).isTrue();
    }

    @Test
    void theSessionIsAnHttpOnlyCookieChangesNeedTheCsrfTokenAndSignOutEndsIt() {
        UUID job = running(createTrainingJob(registerDataset(), 20));
        openJobs();
        assertThat(browser.getCurrentUrl()).as("the token left the address bar").doesNotContain("token=");
        assertThat((String) browser.executeScript("return document.cookie")).as("scripts cannot read the session")
                .doesNotContain("pausable_session").contains("XSRF-TOKEN=");

        // The cookie alone does not make a change: another site could make the browser send it.
        Object forged = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/v1/training/jobs/%s/pause', {method: 'POST'}).then(r => done(r.status));""".formatted(job));
        assertThat(((Number) forged).intValue()).isEqualTo(403);
        assertThat(status(job)).as("nothing changed").isEqualTo("running");

        browser.findElement(By.id("sign-out")).click();
        waitFor().until(d -> d.getCurrentUrl().startsWith(base() + "/sign-in.html"));
        browser.get(base() + "/jobs/" + job);
        waitFor().until(d -> d.getCurrentUrl().startsWith(base() + "/sign-in.html?next="));

        // Signing in with a pasted token returns to the page that was asked for.
        browser.findElement(By.name("token")).sendKeys("pt_not-a-token");
        browser.findElement(By.cssSelector("#sign-in button")).click();
        waitFor().until(d -> d.findElement(By.id("refused")).isDisplayed());
        browser.findElement(By.name("token")).sendKeys(token("ops-admin", Role.ADMIN));
        browser.findElement(By.cssSelector("#sign-in button")).click();
        waitFor().until(d -> d.getCurrentUrl().equals(base() + "/jobs/" + job));
        waitFor().until(d -> d.findElement(By.id("title")).getText().equals("Pause Resume Test"));
    }

    @Test
    void aRevokedTokenEndsTheSessionAtOnce() {
        String token = token("short-lived", Role.ADMIN);
        signIn(token);
        openJobs();
        String id = sql.sql("SELECT id::text FROM api_tokens WHERE name = 'short-lived'").query(String.class).single();
        assertThat(admin().send("DELETE", "/v1/tokens/" + id, null).status()).isEqualTo(200);
        browser.navigate().refresh();
        waitFor().until(d -> d.getCurrentUrl().startsWith(base() + "/sign-in.html?next="));
    }

    private UUID running(UUID job) {
        forceStatus(job, "running");
        return job;
    }

    private String base() {
        return "http://127.0.0.1:" + port();
    }

    /** The pause dialog, once it is open. */
    private WebElement pauseDialog() {
        return waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("pause-dialog")));
    }

    /** Answers the open pause dialog: round, epoch or keep; waits until it is closed. */
    private void choose(String choice) {
        pauseDialog().findElement(By.cssSelector("button[data-choice=" + choice + "]")).click();
        waitFor().until(ExpectedConditions.invisibilityOfElementLocated(By.id("pause-dialog")));
    }

    private void openJobs() {
        browser.get(base() + "/");
        waitUntilSynced();
        assertThat(jobIds()).hasSize((int) countJobs());
    }

    /** Live, and the catch-up fetch after connecting is rendered: nothing re-renders underneath the test. */
    private void waitUntilSynced() {
        waitFor().until(d -> "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-synced")));
    }

    private List<String> jobIds() {
        return browser.findElements(By.cssSelector("#jobs tbody tr[data-job-id]")).stream()
                .map(tr -> tr.getAttribute("data-job-id")).toList();
    }

    private WebElement row(UUID job) {
        return browser.findElement(By.cssSelector("#jobs tbody tr[data-job-id='" + job + "']"));
    }

    private List<String> actions(UUID job) {
        return row(job).findElements(By.cssSelector("button[data-action]")).stream()
                .map(b -> b.getAttribute("data-action")).toList();
    }

    private WebElement button(UUID job, String action) {
        return row(job).findElement(By.cssSelector("button[data-action='" + action + "']"));
    }

    private WebElement badge(UUID job) {
        return row(job).findElement(By.cssSelector(".badge"));
    }

    private void waitForRowStatus(UUID job, String status) {
        waitFor(LIVE).until(d -> status.equals(row(job).getAttribute("data-status")));
    }

    /** A mark in the page's memory that a reload would wipe. */
    private void markPage() {
        browser.executeScript("window.__notReloaded = true");
    }

    private boolean pageWasNotReloaded() {
        return Boolean.TRUE.equals(browser.executeScript("return window.__notReloaded === true"));
    }

    private int eventCount(UUID job, String type) {
        return sql.sql("SELECT count(*) FROM job_events WHERE job_id = :id AND event_type = :type")
                .param("id", job).param("type", type).query(Integer.class).single();
    }

    private static WebDriverWait waitFor() {
        return waitFor(Duration.ofSeconds(10));
    }

    private static WebDriverWait waitFor(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout, Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.ignoring(org.openqa.selenium.NoSuchElementException.class);
        return wait;
    }
}
