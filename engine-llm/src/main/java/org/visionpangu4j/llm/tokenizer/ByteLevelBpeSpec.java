package org.visionpangu4j.llm.tokenizer;

import java.util.List;
import java.util.Set;

/**
 * Everything a {@link ByteLevelBpeTokenizer} is built from, as read from the slow files or a tokenizer.json.
 *
 * @param source             the directory or file it came from, for messages
 * @param semantics          whose rules encoding and {@code skipSpecialTokens} follow
 * @param bpe                vocabulary and merges
 * @param added              the added tokens, ids distinct, contents distinct
 * @param dropIds            the ids {@code skipSpecialTokens} drops (all of them added tokens)
 * @param nfc                whether text is NFC-normalized before pre-tokenization
 * @param splitSpecialTokens slow {@code split_special_tokens}: added tokens are not cut out but encoded as text
 * @param bosId              the BOS id or -1 (never added by these tokenizers; reported by {@code bosId()})
 * @param eosId              the EOS id or -1
 */
record ByteLevelBpeSpec(String source, ByteLevelBpeTokenizer.Semantics semantics, BpeModel bpe,
                        List<AddedToken> added, Set<Integer> dropIds, boolean nfc, boolean splitSpecialTokens,
                        int bosId, int eosId) {
    /** Largest id accepted for an added token: ids index embedding rows, so a far larger one is a broken file. */
    static final int MAX_ID = (1 << 24) - 1;
}
