package org.visionpangu4j.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an {@link OpenAiServer} listens, admits and limits requests. Immutable; start from {@link #builder()}.
 *
 * @param host             address to bind (default {@code 127.0.0.1}: loopback only)
 * @param port             TCP port; 0 picks a free one (see {@link OpenAiServer#port()})
 * @param modelName        the model id shown by {@code /v1/models} and in replies
 * @param apiKey           when non-null, every {@code /v1} request must send {@code Authorization: Bearer <key>}
 * @param parallel         requests generating at once (they take turns on the engine's worker pool)
 * @param queue            requests admitted beyond {@code parallel} that wait for a turn; more get 429
 * @param maxBodyBytes     largest request body (413 above)
 * @param maxImageBytes    largest encoded image, after base64 decoding
 * @param maxImages        most images in one request
 * @param fileImageDir     when non-null, {@code file:} image URLs are accepted for files inside this directory
 * @param defaultMaxTokens reply length limit when the request sets neither {@code max_tokens} nor
 *                         {@code max_completion_tokens}
 * @param shutdownGrace    how long {@link OpenAiServer#close()} lets running requests finish before cancelling them
 */
public record ServerOptions(String host, int port, String modelName, String apiKey, int parallel, int queue,
                            long maxBodyBytes, long maxImageBytes, int maxImages, Path fileImageDir,
                            int defaultMaxTokens, Duration shutdownGrace) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("modelName must not be empty");
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must be null (no key) or non-blank");
        }
        if (parallel < 1 || queue < 0) {
            throw new IllegalArgumentException("parallel must be ≥ 1 and queue ≥ 0, got " + parallel + " and " + queue);
        }
        if (maxBodyBytes < 1024 || maxBodyBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxBodyBytes must be in 1 KiB..2 GiB, got " + maxBodyBytes);
        }
        if (maxImageBytes < 1 || maxImages < 0) {
            throw new IllegalArgumentException("maxImageBytes must be ≥ 1 and maxImages ≥ 0");
        }
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens must be ≥ 1, got " + defaultMaxTokens);
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must be ≥ 0");
        }
        fileImageDir = fileImageDir == null ? null : fileImageDir.toAbsolutePath().normalize();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().host(host).port(port).modelName(modelName).apiKey(apiKey).parallel(parallel).queue(queue)
                .maxBodyBytes(maxBodyBytes).maxImageBytes(maxImageBytes).maxImages(maxImages)
                .fileImageDir(fileImageDir).defaultMaxTokens(defaultMaxTokens).shutdownGrace(shutdownGrace);
    }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String modelName = "visionpangu";
        private String apiKey;
        private int parallel = 4;
        private int queue = 16;
        private long maxBodyBytes = 16L << 20;
        private long maxImageBytes = 10L << 20;
        private int maxImages = 8;
        private Path fileImageDir;
        private int defaultMaxTokens = 512;
        private Duration shutdownGrace = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder host(String h) {
            this.host = h;
            return this;
        }

        public Builder port(int p) {
            this.port = p;
            return this;
        }

        public Builder modelName(String n) {
            this.modelName = n;
            return this;
        }

        public Builder apiKey(String k) {
            this.apiKey = k;
            return this;
        }

        public Builder parallel(int n) {
            this.parallel = n;
            return this;
        }

        public Builder queue(int n) {
            this.queue = n;
            return this;
        }

        public Builder maxBodyBytes(long n) {
            this.maxBodyBytes = n;
            return this;
        }

        public Builder maxImageBytes(long n) {
            this.maxImageBytes = n;
            return this;
        }

        public Builder maxImages(int n) {
            this.maxImages = n;
            return this;
        }

        public Builder fileImageDir(Path dir) {
            this.fileImageDir = dir;
            return this;
        }

        public Builder defaultMaxTokens(int n) {
            this.defaultMaxTokens = n;
            return this;
        }

        public Builder shutdownGrace(Duration d) {
            this.shutdownGrace = d;
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(host, port, modelName, apiKey, parallel, queue, maxBodyBytes, maxImageBytes,
                    maxImages, fileImageDir, defaultMaxTokens, shutdownGrace);
        }
    }
}
