package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parser for exactly one JSON shape, {@code {"token": id, ...}} (vocab.json), straight from the file's UTF-8
 * bytes. Why not Jackson: 150k distinct keys cost it several hundred milliseconds on a cold JVM, most of a
 * tokenizer's load time. Strict JSON (escapes, no trailing commas, no leading zeros); errors name line and column.
 */
final class VocabJsonReader {
    private final byte[] b;
    private final Path file;
    private int pos;
    private char[] chars = new char[64];

    private VocabJsonReader(byte[] b, Path file) {
        this.b = b;
        this.file = file;
    }

    /** Tokens and their ids in file order (the ids unchecked): {@code tokens.get(i)} has {@code ids[i]}. */
    record Entries(List<String> tokens, int[] ids) {
    }

    static Entries read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return new VocabJsonReader(bytes, file).object();
    }

    private Entries object() {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            pos = 3;   // UTF-8 byte order mark
        }
        List<String> tokens = new ArrayList<>();
        int[] ids = new int[1024];
        skipSpace();
        if (pos >= b.length || b[pos] != '{') {
            throw error(pos >= b.length ? "empty file, expected a JSON object" : "must be a JSON object");
        }
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                String token = string();
                skipSpace();
                expect(':');
                skipSpace();
                if (tokens.size() == ids.length) {
                    ids = java.util.Arrays.copyOf(ids, ids.length * 2);
                }
                ids[tokens.size()] = integer(token);
                tokens.add(token);
                skipSpace();
                int c = peek();
                pos++;
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }
        skipSpace();
        if (pos < b.length) {
            throw error("content after the vocabulary object");
        }
        return new Entries(tokens, java.util.Arrays.copyOf(ids, tokens.size()));
    }

    private int peek() {
        if (pos >= b.length) {
            throw error("unexpected end of file");
        }
        return b[pos];
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
            pos++;
        }
    }

    // A JSON string at pos (the opening quote).
    private String string() {
        pos++;
        int n = 0;
        while (true) {
            int c = peek() & 0xFF;
            if (n + 2 > chars.length) {
                chars = java.util.Arrays.copyOf(chars, chars.length * 2);
            }
            if (c == '"') {
                pos++;
                return new String(chars, 0, n);
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c == '\\') {
                pos++;
                int e = peek();
                pos++;
                chars[n++] = switch (e) {
                    case '"' -> '"';
                    case '\\' -> '\\';
                    case '/' -> '/';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'u' -> hex4();
                    default -> {
                        pos--;
                        throw error("invalid escape '\\" + (char) e + "'");
                    }
                };
            } else if (c < 0x80) {
                chars[n++] = (char) c;
                pos++;
            } else {
                int len = Utf8.charLength(b, pos, b.length);
                if (len <= 0) {
                    throw error("invalid UTF-8");
                }
                n += Character.toChars(codePoint(pos, len), chars, n);
                pos += len;
            }
        }
    }

    // The code point of the well-formed UTF-8 character b[at, at+len), len 2–4.
    private int codePoint(int at, int len) {
        int cp = b[at] & (0x7F >> len);
        for (int i = 1; i < len; i++) {
            cp = (cp << 6) | (b[at + i] & 0x3F);
        }
        return cp;
    }

    private char hex4() {
        if (pos + 4 > b.length) {
            throw error("unexpected end of file in a \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos + i], 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    // A JSON number that must be an int; "token" names the entry in the message.
    private int integer(String token) {
        int start = pos;
        if (pos < b.length && b[pos] == '-') {
            pos++;
        }
        int digits = pos;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        boolean fraction = pos < b.length && (b[pos] == '.' || b[pos] == 'e' || b[pos] == 'E');
        while (pos < b.length && (b[pos] == '.' || b[pos] == 'e' || b[pos] == 'E' || b[pos] == '+' || b[pos] == '-'
                || (b[pos] >= '0' && b[pos] <= '9'))) {
            pos++;
        }
        String text = new String(b, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII);
        if (pos == digits) {
            throw error("vocab.json maps '" + token + "' to something that is not an integer id");
        }
        if (b[digits] == '0' && pos - digits > 1 && !fraction) {
            throw error("a number with a leading zero");
        }
        try {
            if (fraction) {
                throw new NumberFormatException();
            }
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file + ": vocab.json maps '" + token + "' to " + text
                    + ", not an integer id (" + where(start) + ")");
        }
    }

    private ModelFormatException error(String what) {
        return new ModelFormatException(file + ": invalid JSON at " + where(Math.min(pos, b.length)) + ": " + what);
    }

    private String where(int at) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < at; i++) {
            if (b[i] == '\n') {
                line++;
                col = 1;
            } else if ((b[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        return "line " + line + ", column " + col;
    }
}
