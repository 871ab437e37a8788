package org.visionpangu4j.server;

import org.visionpangu4j.ImageInput;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns an {@code image_url.url} into encoded image bytes: {@code data:image/...;base64,...} always;
 * {@code file:} URLs only for files inside the configured directory; {@code http(s)} never (the server does not
 * fetch remote content, so a request cannot make it reach other hosts). Format and pixel checks happen when the
 * engine decodes the bytes.
 */
final class ImageUrls {
    private final long maxImageBytes;
    private final Path fileDir;

    /** @param fileDir directory whose files {@code file:} URLs may name; null refuses all {@code file:} URLs */
    ImageUrls(long maxImageBytes, Path fileDir) {
        this.maxImageBytes = maxImageBytes;
        this.fileDir = fileDir;
    }

    ImageInput resolve(String url, String param) {
        String scheme = scheme(url);
        return switch (scheme) {
            case "data" -> ImageInput.of(fromDataUri(url, param));
            case "file" -> ImageInput.of(fromFile(url, param));
            case "http", "https" -> throw ApiException.invalid(param, "unsupported_image_url",
                    "remote image URLs are not fetched by this server; send the image inline as a "
                            + "data:image/...;base64,... URI");
            default -> throw ApiException.invalid(param, "unsupported_image_url",
                    "unsupported image URL scheme '" + scheme + "'; send the image as a data:image/...;base64,... URI");
        };
    }

    private static String scheme(String url) {
        int colon = url.indexOf(':');
        return colon <= 0 ? "" : url.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** {@code data:[mediatype][;params];base64,<data>}: the media type must be an image type, the data base64. */
    private byte[] fromDataUri(String url, String param) {
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw ApiException.invalid(param, "invalid_image_url", "malformed data URI: no ',' before the data");
        }
        String header = url.substring("data:".length(), comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) {
            throw ApiException.invalid(param, "invalid_image_url",
                    "data URI must be base64-encoded (data:image/png;base64,...)");
        }
        String mediaType = header.substring(0, header.indexOf(';'));
        if (!mediaType.startsWith("image/")) {
            throw ApiException.invalid(param, "invalid_image_url",
                    "data URI media type must be image/..., got '" + mediaType + "'");
        }
        String data = stripWhitespace(url, comma + 1);
        // 4 base64 chars carry 3 bytes: refuse oversized images before allocating them.
        long decoded = data.length() / 4 * 3L;
        if (decoded > maxImageBytes + 2) {
            throw tooLarge(param, decoded);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(param, "invalid_base64", "image data is not valid base64: " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw ApiException.invalid(param, "invalid_image", "image data is empty");
        }
        if (bytes.length > maxImageBytes) {
            throw tooLarge(param, bytes.length);
        }
        return bytes;
    }

    /** The data without ASCII whitespace (line-wrapped base64, as some encoders write it). */
    private static String stripWhitespace(String s, int from) {
        StringBuilder sb = null;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
            if (space && sb == null) {
                sb = new StringBuilder(s.length() - from).append(s, from, i);
            } else if (!space && sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s.substring(from) : sb.toString();
    }

    /** A {@code file:} URL of a regular file whose real path (links resolved) lies inside {@link #fileDir}. */
    private byte[] fromFile(String url, String param) {
        if (fileDir == null) {
            throw ApiException.invalid(param, "unsupported_image_url", "file: image URLs are disabled on this server"
                    + " (it must be started with a directory that file URLs may read); send a data: URI instead");
        }
        Path path;
        try {
            path = Path.of(URI.create(url));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw ApiException.invalid(param, "invalid_image_url", "malformed file URL: " + e.getMessage());
        }
        if (!path.toAbsolutePath().normalize().startsWith(fileDir)) {
            throw outside(param);
        }
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(fileDir.toRealPath())) {
                throw outside(param);
            }
            if (!Files.isRegularFile(real)) {
                throw ApiException.invalid(param, "invalid_image_url", "file URL does not name a regular file");
            }
            long size = Files.size(real);
            if (size > maxImageBytes) {
                throw tooLarge(param, size);
            }
            try (InputStream in = Files.newInputStream(real)) {
                byte[] bytes = in.readNBytes((int) maxImageBytes + 1);
                if (bytes.length > maxImageBytes) {
                    throw tooLarge(param, bytes.length);
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw ApiException.invalid(param, "invalid_image_url", "no such image file");
        } catch (IOException e) {
            throw ApiException.invalid(param, "invalid_image_url", "cannot read the image file: " + e.getMessage());
        }
    }

    private static ApiException outside(String param) {
        return ApiException.invalid(param, "invalid_image_url",
                "file URL is outside the directory this server may read images from");
    }

    private ApiException tooLarge(String param, long bytes) {
        return ApiException.invalid(param, "image_too_large",
                "image of " + bytes + " bytes is larger than this server's limit of " + maxImageBytes + " bytes");
    }
}
