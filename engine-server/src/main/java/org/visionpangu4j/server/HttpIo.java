package org.visionpangu4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Reading bounded request bodies and writing JSON responses on the JDK's HTTP server. */
final class HttpIo {
    static final String JSON = "application/json";

    private HttpIo() {
    }

    /**
     * The request body, at most {@code max} bytes: a declared {@code Content-Length} above it is refused before
     * anything is read, an undeclared (chunked) body as soon as it grows past it.
     */
    static byte[] readBody(HttpExchange ex, long max) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalid(null, "malformed Content-Length header");
            }
            if (n > max) {
                throw tooLarge(max);
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes((int) max + 1);
            if (body.length > max) {
                throw tooLarge(max);
            }
            return body;
        }
    }

    private static ApiException tooLarge(long max) {
        return new ApiException(413, ApiException.INVALID_REQUEST, null, "request_too_large",
                "request body is larger than this server's limit of " + max + " bytes");
    }

    /** A complete JSON response with its length. */
    static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = OpenAiJson.bytes(body);
        ex.getResponseHeaders().set("Content-Type", JSON);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void sendError(HttpExchange ex, ApiException e) throws IOException {
        if (e.status() == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        } else if (e.status() == 429 || e.status() == 503) {
            ex.getResponseHeaders().set("Retry-After", "1");
        }
        send(ex, e.status(), OpenAiJson.error(e));
    }
}
