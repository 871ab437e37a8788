package org.visionpangu4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.visionpangu4j.server.OpenAiServer;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code visionpangu serve}: its options, and a real server on the fixture that answers and stops cleanly. */
class ServeCommandTest {
    private static final Path MODEL = Path.of(System.getProperty("visionpangu.testdata"), "tiny-visionpangu");

    static MainTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new MainTest.Result(code, out.toString(), err.toString());
    }

    @Test
    void helpNamesTheEndpoints() {
        MainTest.Result r = run("serve", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("/v1/chat/completions") && r.out().contains("--api-key"), r.out());
        assertTrue(run("--help").out().contains("serve"));
    }

    @Test
    void badOptionsFailBeforeLoading() {
        MainTest.Result r = run("serve", "--model", MODEL.toString(), "--parallel", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("visionpangu: error: parallel must be ≥ 1"), r.err());
        r = run("serve", "--model", MODEL.toString(), "--weights", "q9");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--weights must be"), r.err());
        r = run("serve", "--model", MODEL.toString(), "--allow-file-dir", MODEL.resolve("nope").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no such directory"), r.err());
        r = run("serve", "--model", MODEL.resolve("nope").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no such model directory"), r.err());
    }

    @Test
    void servesTheModelUntilStopped() throws Exception {
        ServeCommand serve = new ServeCommand();
        CommandLine cmd = new CommandLine(serve);
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cmd.execute("--model", MODEL.toString(),
                "--port", "0", "--threads", "2", "--api-key", "k1", "--model-name", "tiny"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (serve.server() == null) {
            assertTrue(!exit.isDone(), "serve ended early: " + err);
            assertTrue(System.nanoTime() < deadline, "serve did not start: " + err);
            Thread.sleep(20);
        }
        OpenAiServer server = serve.server();
        assertTrue(err.toString().contains("serving 'tiny' at http://127.0.0.1:" + server.port() + "/v1"), err.toString());

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":3}";
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/chat/completions"))
                .header("Authorization", "Bearer k1").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode o = new ObjectMapper().readTree(reply.body());
        assertEquals("tiny", o.get("model").asText());
        assertEquals(3, o.get("usage").get("completion_tokens").asInt());

        serve.stop();
        assertEquals(0, exit.get(60, TimeUnit.SECONDS));
        assertTrue(err.toString().contains("shutting down"), err.toString());
    }
}
