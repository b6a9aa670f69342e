package org.inlier.plugins.backends.int8.model;

import java.util.Arrays;

/**
 * The model families int8-jvm executes, by how their blocks are wired (the site names follow
 * {@code decoder-clm}'s and {@code PostLnEncoder}'s javadoc).
 */
public enum Architecture {

    /** {@code decoder-clm}: pre-LN blocks, causal attention, ND4J's sigmoid GELU, final LayerNorm and LM head; outputs logits. */
    PRE_LN_DECODER("decoder-clm"),

    /** {@code bert-onnx}: post-LN blocks, bidirectional attention over non-padding keys, exact GELU; outputs the last hidden state. */
    POST_LN_ENCODER("bert-onnx");

    private final String family;

    Architecture(String family) {
        this.family = family;
    }

    /** The model family id this architecture executes. */
    public String family() {
        return family;
    }

    /**
     * The architecture of a model family.
     *
     * @throws IllegalArgumentException naming the family and the ones int8-jvm executes
     */
    public static Architecture of(String family) {
        return Arrays.stream(values()).filter(a -> a.family.equals(family)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("backend 'int8-jvm' executes the model families "
                        + Arrays.stream(values()).map(Architecture::family).toList() + ", not '" + family + "'"));
    }
}
