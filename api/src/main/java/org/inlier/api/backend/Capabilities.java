package org.inlier.api.backend;

import java.util.Set;
import org.inlier.api.quant.Granularity;

/**
 * What a hardware backend can execute, checked against a pipeline at validation time.
 *
 * @param minBits       smallest supported bit width
 * @param maxBits       largest supported bit width
 * @param granularities supported quantization granularities
 * @param trains        whether training stages can run on it
 * @param integerOps    the operations it runs in integer arithmetic; empty when quantization is only simulated
 */
public record Capabilities(int minBits, int maxBits, Set<Granularity> granularities, boolean trains, Set<IntegerOp> integerOps) {

    public Capabilities {
        granularities = Set.copyOf(granularities);
        integerOps = Set.copyOf(integerOps);
    }

    /** Whether any quantized operation runs in integer arithmetic (otherwise everything is simulated). */
    public boolean integerExecution() {
        return !integerOps.isEmpty();
    }
}
