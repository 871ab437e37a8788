package org.visionpangu4j.server;

/**
 * A request the server refuses, as OpenAI reports it: an HTTP status and the body
 * {@code {"error":{"message","type","param","code"}}}. Thrown anywhere while a request is handled; the handler turns
 * it into the response.
 */
public final class ApiException extends RuntimeException {
    /** OpenAI's error type for a request that is wrong in itself. */
    public static final String INVALID_REQUEST = "invalid_request_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a parameter is missing, of the wrong type or out of range. */
    static ApiException invalid(String param, String message) {
        return new ApiException(400, INVALID_REQUEST, param, null, message);
    }

    /** 400 with a machine-readable code, e.g. {@code context_length_exceeded}. */
    static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, INVALID_REQUEST, param, code, message);
    }

    /** 400 for a parameter OpenAI defines that this server does not implement. */
    static ApiException unsupported(String param, String message) {
        return new ApiException(400, INVALID_REQUEST, param, "unsupported_parameter", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The offending request field, e.g. {@code messages[0].content[1].image_url.url}; null when none. */
    public String param() {
        return param;
    }

    /** A machine-readable reason, or null. */
    public String code() {
        return code;
    }
}
