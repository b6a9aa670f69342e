package org.inlier.api.suppression;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the calibrate stage offers an outlier-suppression method that chooses activation ranges:
 * the calibration batches with every quantized site's values and the floating-point output, the
 * quantized model's output error for candidate ranges, and the quantized model as a graph for
 * learning quantizer parameters on that error.
 *
 * <p><b>The quantized model</b> here is the model as the quantize stage will quantize it: every
 * activation site of {@link #sites()} fake-quantized with the given ranges under the configured
 * activation scheme, and every weight the placement profile selects fake-quantized with its own
 * min-max range under the weight scheme.
 *
 * <p><b>The output error</b> is the mean squared difference between the quantized model's final
 * output and the floating-point output over the real tokens of the calibration batches: padding
 * positions ({@link #tokenMasks()}) do not count.
 */
public interface CalibrationContext {

    /** The activation sites that carry quantizers, in graph order. */
    List<QuantizationSite> sites();

    /** The ranges the configured estimator chose, per site name. */
    Map<String, Range> estimatedRanges();

    /**
     * The values of a site, one array per calibration batch, padding included. Each call runs the
     * floating-point model over the batches again: for many sites use {@link #forEachBatch}.
     */
    List<INDArray> samples(String site);

    /**
     * Runs the floating-point model over the calibration batches and hands the values of the given
     * sites to {@code visitor} one batch at a time, in batch order, so that a method never holds
     * every site's values of every batch at once (MiniLM's 16 calibration batches hold 6.5 GB).
     *
     * @param sites   site names
     * @param visitor called once per batch; the arrays are the visitor's to keep or drop
     * @throws IllegalArgumentException if a site is not one of {@link #sites()}
     */
    void forEachBatch(Collection<String> sites, BatchVisitor visitor);

    /** Receives the values of one calibration batch. */
    @FunctionalInterface
    interface BatchVisitor {

        /**
         * @param batch  the batch's index, from 0
         * @param values the floating-point values of the requested sites, by site name
         * @param mask   the batch's token mask {@code (B, T)} (see {@link #tokenMasks()})
         */
        void visit(int batch, Map<String, INDArray> values, INDArray mask);
    }

    /**
     * Which positions of each calibration batch are real tokens: one array per batch, shape
     * {@code (B, T)}, 1 for a token and 0 for padding; all ones in a family that does not pad.
     * Samples index it by their first two axes ({@code (B, T, D)}) or, for attention scores
     * {@code (B, H, T, T)}, by the batch and the last two axes (query and key).
     */
    List<INDArray> tokenMasks();

    /** The parameters a range gives for a site under the configured scheme. */
    QuantParams params(String site, Range range);

    /**
     * The output error of the quantized model with activations quantized with these ranges.
     * Scoring many candidates is cheap: the quantized graph is built once and each call costs one
     * forward pass over the calibration batches.
     *
     * @param ranges a range for every site of {@link #sites()}
     * @throws IllegalArgumentException if a site has no range
     */
    default double outputError(Map<String, Range> ranges) {
        return outputError(ranges, Integer.MAX_VALUE);
    }

    /**
     * The output error over the first calibration batches only: a cheaper, noisier score.
     *
     * @param ranges  a range for every site of {@link #sites()}
     * @param batches how many batches, from the first; more than there are means all
     * @throws IllegalArgumentException if a site has no range or {@code batches} is not positive
     */
    double outputError(Map<String, Range> ranges, int batches);

    /**
     * The quantized model as a differentiable graph whose loss is the output error of one batch,
     * for learning quantizer parameters by gradient (e.g. the fine stage of Token-Wise Clipping).
     *
     * <p>While the graph is built, each site named in {@code learned} is handed to its operator
     * with the site's floating-point tensor, and the graph continues with what the operator returns;
     * an operator creates its parameters in that tensor's graph ({@code x.getSameDiff()}),
     * typically quantizing with {@link #learnableFakeQuantize}. Create them as constants and make
     * them variables once this returns ({@code convertToVariables}): a family loads its
     * weights into the graph's variables while building it, and a pretrained one rejects variables
     * its checkpoint has no values for. Every other site is quantized with frozen parameters from
     * {@code ranges}, and weights as described above. The model's own weights stay variables of
     * the graph but must not be trained.
     *
     * @param ranges  a range for every site of {@link #sites()} not in {@code learned}
     * @param learned how to quantize the sites whose parameters are learned, by site name
     * @return the graph with its loss and the feeds of every calibration batch
     * @throws IllegalArgumentException if a site has neither a range nor an operator
     */
    OutputLossGraph outputLossGraph(Map<String, Range> ranges, Map<String, UnaryOperator<SDVariable>> learned);

    /**
     * Fake quantization of a site's tensor under the configured quantizer and the site's per-tensor
     * scheme, with scale and zero-point given by the graph and gradients flowing to them (LSQ+, see
     * {@link org.inlier.api.quant.Quantizer#fakeQuantize(SDVariable, SDVariable, SDVariable,
     * org.inlier.api.quant.QuantScheme, boolean)}).
     *
     * @param site      the site
     * @param x         its tensor, as handed to an operator of {@link #outputLossGraph}
     * @param scale     a positive scalar of {@code x}'s graph
     * @param zeroPoint a scalar of {@code x}'s graph (ignored under a symmetric scheme)
     * @throws IllegalArgumentException if the site's scheme is not per tensor
     */
    SDVariable learnableFakeQuantize(String site, SDVariable x, SDVariable scale, SDVariable zeroPoint);

    /**
     * Keeps a row of one of the method's tables for the run's records: the calibrate stage writes
     * the tables to {@code calibration.json} under the method's id and to the run report as the
     * section {@code "<method id>: <table>"}.
     *
     * @param table the table's name, e.g. {@code "candidates"}
     * @param row   column name to a number or text
     */
    void record(String table, Map<String, Object> row);

    /** Writes a line to the run's log, e.g. the progress of a search. */
    void log(String line);
}
