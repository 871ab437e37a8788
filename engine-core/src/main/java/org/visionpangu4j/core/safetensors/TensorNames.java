package org.visionpangu4j.core.safetensors;

import org.visionpangu4j.core.ModelFormatException;

/** Helpers for the dotted tensor names of PyTorch state dicts ({@code prefix.N.rest}). */
public final class TensorNames {
    private TensorNames() {
    }

    /**
     * The index N of a name {@code prefix + N + "." + ...}, or -1 when the name is not under {@code prefix}; an
     * index that is not a number is an error naming the tensor.
     */
    public static int layerIndex(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return -1;
        }
        int dot = name.indexOf('.', prefix.length());
        String idx = dot < 0 ? name.substring(prefix.length()) : name.substring(prefix.length(), dot);
        if (idx.isEmpty() || idx.length() > 9 || !idx.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ModelFormatException("tensor " + name + ": layer index '" + idx + "' is not a number");
        }
        return Integer.parseInt(idx);
    }
}
