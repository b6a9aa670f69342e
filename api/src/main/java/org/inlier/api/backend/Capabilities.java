package org.inlier.api.backend;

import java.util.Set;
import org.inlier.api.quant.Granularity;

/**
 * What a hardware backend can execute, checked against a pipeline at validation time.
 *
 * @param minBits          smallest supported bit width
 * @param maxBits          largest supported bit width
 * @param granularities    supported quantization granularities
 * @param trains           whether training stages can run on it
 * @param integerExecution whether quantized layers run in integer arithmetic (otherwise simulated)
 */
public record Capabilities(int minBits, int maxBits, Set<Granularity> granularities, boolean trains, boolean integerExecution) {

    public Capabilities {
        granularities = Set.copyOf(granularities);
    }
}
