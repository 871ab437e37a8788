package org.visionpangu4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.visionpangu4j.Completion;

/** The JSON form of a {@link Completion} printed by {@code --json}. */
final class Results {
    static final ObjectMapper JSON = new ObjectMapper();

    private Results() {
    }

    static ObjectNode toJson(String image, Completion c) {
        ObjectNode o = JSON.createObjectNode();
        if (image != null) {
            o.put("image", image);
        }
        o.put("caption", c.text());
        var prompt = o.putArray("prompt_token_ids");
        for (int id : c.promptTokenIds()) {
            prompt.add(id);
        }
        var gen = o.putArray("token_ids");
        for (int id : c.tokenIds()) {
            gen.add(id);
        }
        var tiles = o.putArray("tiles");
        for (int t : c.tiles()) {
            tiles.add(t);
        }
        o.put("stop_reason", c.stopReason().name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode t = o.putObject("timings_ms");
        Completion.Timings tm = c.timings();
        t.put("image", round(tm.imageMillis()));
        t.put("vision", round(tm.visionMillis()));
        t.put("prefill", round(tm.prefillMillis()));
        t.put("decode", round(tm.decodeMillis()));
        t.put("first_token", round(tm.firstTokenMillis()));
        t.put("total", round(tm.totalMillis()));
        o.put("decode_tokens_per_s", Double.isNaN(tm.decodeTokensPerSecond()) ? 0 : round(tm.decodeTokensPerSecond()));
        return o;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
