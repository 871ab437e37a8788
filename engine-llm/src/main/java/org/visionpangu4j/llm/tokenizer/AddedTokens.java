package org.visionpangu4j.llm.tokenizer;

import org.visionpangu4j.core.ModelFormatException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The added tokens of a byte-level BPE tokenizer while its files are read: ids and contents checked, kept by id. */
final class AddedTokens {
    private final ByteLevelVocab vocab;
    private final TreeMap<Integer, AddedToken> byId = new TreeMap<>();
    private final Map<String, AddedToken> byContent = new HashMap<>();

    AddedTokens(ByteLevelVocab vocab) {
        this.vocab = vocab;
    }

    /**
     * Adds a token; {@code where} (file and entry) prefixes errors. Refuses negative ids, ids beyond
     * {@link ByteLevelBpeSpec#MAX_ID}, an id with two contents and a content with two ids.
     */
    void add(long id, String content, boolean special, boolean lstrip, boolean rstrip, boolean normalized,
             boolean singleWord, String where) {
        if (id < 0) {
            throw new ModelFormatException(where + ": added token '" + content + "' has the negative id " + id);
        }
        if (id > ByteLevelBpeSpec.MAX_ID) {
            throw new ModelFormatException(where + ": added token '" + content + "' has the id "
                    + (id == Long.MAX_VALUE ? "of more than 18 digits" : Long.toString(id))
                    + ", beyond the largest supported id " + ByteLevelBpeSpec.MAX_ID + " (the vocabulary has "
                    + vocab.size() + " regular tokens)");
        }
        AddedToken old = byId.get((int) id);
        if (old != null && !old.content().equals(content)) {
            throw new ModelFormatException(where + ": id " + id + " is both '" + old.content() + "' and '" + content
                    + "'");
        }
        AddedToken same = byContent.get(content);
        if (same != null && same.id() != id) {
            throw new ModelFormatException(where + ": token '" + content + "' has two ids, " + same.id() + " and "
                    + id);
        }
        if (old == null) {
            AddedToken t = new AddedToken((int) id, content, special, lstrip, rstrip, normalized, singleWord);
            byId.put(t.id(), t);
            byContent.put(content, t);
        }
    }

    /**
     * The id of the added token {@code content}; a special token that is not one yet becomes one, at its vocabulary
     * id if it is a regular token, else at the next free id (transformers' {@code _add_tokens}).
     */
    int ensure(String content) {
        AddedToken t = byContent.get(content);
        if (t != null) {
            return t.id();
        }
        int id = vocab.idOf(content);
        if (id < 0) {
            id = byId.isEmpty() ? vocab.size() : Math.max(vocab.size(), byId.lastKey() + 1);
        }
        add(id, content, true, false, false, false, false, "special token '" + content + "'");
        return id;
    }

    int idOf(String content) {
        return byContent.get(content).id();
    }

    /** The tokens in increasing id order. */
    List<AddedToken> list() {
        return new ArrayList<>(byId.values());
    }
}
