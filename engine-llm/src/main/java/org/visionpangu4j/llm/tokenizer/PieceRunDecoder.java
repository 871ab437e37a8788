package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.llm.tokenizer.SentencePieceModel.PieceType;

/**
 * Decodes one run of ordinary SentencePiece pieces incrementally, as {@code SentencePieceProcessor::Decode}:
 * control pieces are invisible, {@code <unk>} shows the model's unk surface, the {@code ▁} that starts the run is
 * dropped (dummy prefix), {@code ▁} becomes a space, and consecutive byte pieces are reassembled as UTF-8 with one
 * U+FFFD per invalid byte.
 *
 * <p>Output only ever grows: a byte sequence is held back while it can still become a valid character and is
 * released as soon as it is complete or can no longer be valid; {@link #finish} releases what is left. So a full
 * decode and a streamed one produce the same text, and streaming never emits half a character.
 */
final class PieceRunDecoder {
    private final SentencePieceBpe sp;
    private final byte[] pending = new byte[4];   // at most 3 bytes of an incomplete character are ever held
    private int pendingLen;
    private boolean expectBosSpace = true;        // sentencepiece's is_bos_ws
    private boolean bosSpaceSeen;                 // the previous piece consumed the leading ▁
    private boolean hasText;                      // the run has produced visible text

    PieceRunDecoder(SentencePieceBpe sp) {
        this.sp = sp;
    }

    /** Starts a new run (after an added token interrupted the previous one). */
    void reset() {
        pendingLen = 0;
        expectBosSpace = true;
        bosSpaceSeen = false;
        hasText = false;
    }

    void accept(int id, StringBuilder out) {
        int b = sp.byteValue(id);
        if (b >= 0) {
            acceptByte(b, out);
        } else {
            acceptPiece(id, out);
        }
    }

    private void acceptPiece(int id, StringBuilder out) {
        finish(out);
        if (bosSpaceSeen || hasText) {
            expectBosSpace = false;
        }
        PieceType type = sp.type(id);
        String surface;
        boolean consumedBosSpace = false;
        if (type == PieceType.CONTROL) {
            surface = "";
        } else if (type == PieceType.UNKNOWN) {
            surface = sp.unkSurface();
        } else {
            String piece = sp.piece(id);
            if (expectBosSpace && sp.stripsLeadingSpaceSymbol() && !piece.isEmpty()
                    && piece.charAt(0) == SentencePieceBpe.SPACE_SYMBOL) {
                piece = piece.substring(1);
                // With whitespace removal every leading ▁ piece is dropped, so the flag stays unset.
                consumedBosSpace = !sp.removesExtraWhitespaces();
            }
            surface = piece.replace(SentencePieceBpe.SPACE_SYMBOL, ' ');
        }
        bosSpaceSeen = consumedBosSpace;
        append(surface, out);
    }

    private void acceptByte(int b, StringBuilder out) {
        pending[pendingLen++] = (byte) b;
        int off = 0;
        while (off < pendingLen) {
            int n = Utf8.charLength(pending, off, pendingLen);
            if (n == 0) {
                break;   // a valid prefix: wait for more bytes
            }
            off += emitChar(off, n, out);
        }
        dropPending(off);
    }

    /** Ends the run's byte sequence: everything held is released, incomplete bytes as U+FFFD each. */
    void finish(StringBuilder out) {
        int off = 0;
        while (off < pendingLen) {
            off += emitChar(off, Utf8.charLength(pending, off, pendingLen), out);
        }
        pendingLen = 0;
    }

    // n > 0: a complete character of n bytes; otherwise the byte at off is invalid (or cut short) → U+FFFD.
    private int emitChar(int off, int n, StringBuilder out) {
        if (n > 0) {
            append(Utf8.decode(pending, off, n), out);
            return n;
        }
        append("\uFFFD", out);
        return 1;
    }

    private void dropPending(int off) {
        System.arraycopy(pending, off, pending, 0, pendingLen - off);
        pendingLen -= off;
    }

    private void append(String text, StringBuilder out) {
        if (!text.isEmpty()) {
            out.append(text);
            hasText = true;
        }
    }
}
