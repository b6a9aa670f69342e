package org.inlier.runtime.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A model's trainable parameters and their gradients laid end to end in two flat buffers, so that
 * clipping and the optimiser run a handful of ND4J calls per step over all of them instead of a
 * dozen calls per array (BENCHMARKS.md: ≈ 600 calls per step before).
 *
 * <p>The flat values are the master copy during training: {@link #load()} copies the graph's arrays
 * in, {@link #store()} copies the updated values back. SameDiff copies any array it is given, so
 * the graph's parameters cannot simply be views of the buffer.
 */
public final class ParameterBuffer {

    private final Map<String, INDArray> parameters;
    private final INDArray values;
    private final INDArray gradients;
    private final Map<String, INDArray> valueViews;
    private final Map<String, INDArray> gradientViews;

    /** @param parameters the graph's live parameter arrays by name, in a fixed order */
    public ParameterBuffer(Map<String, INDArray> parameters) {
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        long length = parameters.values().stream().mapToLong(INDArray::length).sum();
        this.values = Nd4j.zeros(DataType.FLOAT, length);
        this.gradients = Nd4j.zeros(DataType.FLOAT, length);
        this.valueViews = viewsOf(values);
        this.gradientViews = viewsOf(gradients);
        load();
    }

    /** The live parameter arrays of the graph by name. */
    public Map<String, INDArray> parameters() {
        return parameters;
    }

    /** Total number of parameters. */
    public long length() {
        return values.length();
    }

    /** The flat values, {@code (length)}. */
    public INDArray values() {
        return values;
    }

    /** The flat gradients of the last {@link #loadGradients}, {@code (length)}. */
    public INDArray gradients() {
        return gradients;
    }

    /** Copies the graph's parameter arrays into the flat values (after a checkpoint was restored into them). */
    public void load() {
        parameters.forEach((name, array) -> valueViews.get(name).assign(array));
    }

    /** Copies the flat values back into the graph's parameter arrays. */
    public void store() {
        parameters.forEach((name, array) -> array.assign(valueViews.get(name)));
    }

    /** Copies gradients by name into the flat gradients; a parameter without one gets zero. */
    public void loadGradients(Map<String, INDArray> byName) {
        gradientViews.forEach((name, view) -> {
            INDArray g = byName.get(name);
            if (g == null) {
                view.assign(0);
            } else {
                view.assign(g);
            }
        });
    }

    /** Adds gradients by name to the flat gradients (gradient accumulation over micro-batches). */
    public void addGradients(Map<String, INDArray> byName) {
        gradientViews.forEach((name, view) -> {
            INDArray g = byName.get(name);
            if (g != null) {
                view.addi(g);
            }
        });
    }

    /**
     * Scales the flat gradients so their global L2 norm is at most {@code max} (0 = no clipping).
     *
     * @return the norm before clipping
     */
    public double clipGradients(double max) {
        double norm = gradients.norm2Number().doubleValue();
        if (max > 0 && norm > max) {
            gradients.muli(max / norm);
        }
        return norm;
    }

    /** 1 where a parameter is in {@code names}, 0 elsewhere, {@code (length)}: a per-element selection. */
    public INDArray mask(Set<String> names) {
        INDArray mask = Nd4j.zeros(DataType.FLOAT, length());
        viewsOf(mask).forEach((name, view) -> view.assign(names.contains(name) ? 1 : 0));
        return mask;
    }

    /** A flat array of this layout split into views shaped like the parameters, by name. */
    public Map<String, INDArray> viewsOf(INDArray flat) {
        if (flat.length() != values.length()) {
            throw new IllegalArgumentException("flat array of length " + flat.length() + ", expected " + values.length());
        }
        Map<String, INDArray> views = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            long n = e.getValue().length();
            views.put(e.getKey(), flat.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', e.getValue().shape()));
            offset += n;
        }
        return views;
    }
}
