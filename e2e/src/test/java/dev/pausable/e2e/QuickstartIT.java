package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The quickstart's contract: {@code submit/quickstart.sh --port P --data-dir D --no-demo} starts the
 * stack, prints the API, DB and S3 lines, keeps everything under D, and SIGTERM stops all of it.
 */
class QuickstartIT {

    @Test
    void startsTheStackAnnouncesItAndStopsItOnSigterm() throws Exception {
        Path data = Files.createTempDirectory(Files.createDirectories(Path.of("target", "e2e")), "quickstart")
                .toAbsolutePath();
        int port = freePort();
        Path output = data.resolveSibling(data.getFileName() + ".out");
        Process script = new ProcessBuilder("bash", Path.of("..", "submit", "quickstart.sh").toString(),
                "--port", Integer.toString(port), "--data-dir", data.toString(), "--no-demo")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            Await.until("the S3: line", Duration.ofMinutes(3), () -> {
                assertThat(script.isAlive()).as(Files.readString(output)).isTrue();
                return Files.readString(output).contains("S3: ");
            });
            List<String> lines = Files.readAllLines(output);
            assertThat(lines).anyMatch(l -> l.startsWith("API: http://127.0.0.1:" + port));
            String token = lines.stream().filter(l -> l.startsWith("Token: pt_")).findFirst()
                    .orElseThrow(() -> new AssertionError("no Token: line in " + lines)).substring("Token: ".length());
            assertThat(lines).contains("Dashboard: http://127.0.0.1:" + port + "/?token=" + token
                    + "  (API docs: /swagger-ui.html, metrics: /actuator/prometheus)");
            assertThat(lines).anyMatch(l -> l.matches("DB: jdbc:postgresql://127\\.0\\.0\\.1:\\d+/pausable\\?user=postgres&password=[\\w-]{43}"));
            Matcher s3 = lines.stream().map(Pattern.compile("S3: http://127\\.0\\.0\\.1:(\\d+) bucket=training")::matcher)
                    .filter(Matcher::matches).findFirst().orElseThrow();

            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).contains("\"status\":\"UP\"");
            HttpResponse<String> jobs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/training/jobs"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(jobs.statusCode()).as("the printed token works").isEqualTo(200);
            assertThat(data.resolve("s3").resolve("training")).as("s3proxy objects under the data dir").isDirectory();
            assertThat(data.resolve("postgres").resolve("data").resolve("PG_VERSION")).exists();

            script.destroy();
            assertThat(script.waitFor(60, TimeUnit.SECONDS)).as("quickstart exits on SIGTERM").isTrue();
            assertThat(listening(port)).as("control plane stopped").isFalse();
            assertThat(listening(Integer.parseInt(s3.group(1)))).as("s3proxy stopped").isFalse();
            assertThat(data.resolve("postgres").resolve("data").resolve("postmaster.pid")).as("PostgreSQL stopped")
                    .doesNotExist();
        } finally {
            // A failed assertion must not orphan the stack: stop the children before the script.
            script.descendants().forEach(ProcessHandle::destroy);
            script.destroy();
            if (!script.waitFor(60, TimeUnit.SECONDS)) {
                script.destroyForcibly();
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
