package org.visionpangu4j.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A streamed chat request over a plain socket with a small receive buffer, so the test controls exactly when the
 * client stops reading and goes away.
 */
final class RawStream implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;

    /** Sends {@code body} to {@code /v1/chat/completions}; {@link #status()} waits for the reply. */
    RawStream(int port, String body, String... headers) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads the status line and the headers. */
    int status() throws IOException {
        String statusLine = in.readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before a status line");
        }
        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
            // headers
        }
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    /** Reads until {@code n} SSE {@code data:} lines have arrived. */
    void readEvents(int n) throws IOException {
        int seen = 0;
        while (seen < n) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("stream ended after " + seen + " events");
            }
            if (line.startsWith("data: ")) {
                seen++;
            }
        }
    }

    /** The {@code data:} payloads until the server ends the response (chunk framing lines skipped). */
    java.util.List<String> remainingEvents() throws IOException {
        java.util.List<String> events = new java.util.ArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("data: ")) {
                events.add(line.substring("data: ".length()));
            }
            if (line.equals("0")) { // the last chunk of a chunked body
                break;
            }
        }
        return events;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
