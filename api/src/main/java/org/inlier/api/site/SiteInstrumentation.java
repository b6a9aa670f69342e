package org.inlier.api.site;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The hook a model family calls for every quantization site while building its graph.
 *
 * <p>The runtime decides what happens there: nothing (floating point), recording the tensor
 * for calibration and outlier metrics, or inserting fake quantization. A model family passes
 * each declared tensor through this hook and continues with what it returns.
 */
public interface SiteInstrumentation {

    /**
     * Declares an activation site and returns the tensor the graph continues with.
     *
     * @param site the site being declared; its name must be unique within the model
     * @param x    the activation as computed in floating point
     * @return {@code x} itself, or a (fake-)quantized version of it; never {@code null}
     */
    SDVariable activation(QuantizationSite site, SDVariable x);

    /**
     * Declares a weight site and returns the weight the graph uses.
     *
     * @param site the site being declared
     * @param w    the trainable weight variable
     * @return {@code w} itself, or a (fake-)quantized version of it; never {@code null}
     */
    SDVariable weight(QuantizationSite site, SDVariable w);

    /** Instrumentation that leaves every tensor as it is: the floating-point model. */
    SiteInstrumentation NONE = new SiteInstrumentation() {
        @Override
        public SDVariable activation(QuantizationSite site, SDVariable x) {
            return x;
        }

        @Override
        public SDVariable weight(QuantizationSite site, SDVariable w) {
            return w;
        }
    };
}
