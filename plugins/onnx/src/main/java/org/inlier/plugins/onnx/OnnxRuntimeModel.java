package org.inlier.plugins.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ONNX model loaded into an ONNX Runtime session on the CPU, fed and fetched with ND4J arrays
 * under the tensors' names.
 */
public final class OnnxRuntimeModel implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String source;

    private OnnxRuntimeModel(OrtSession session, String source) {
        this.session = session;
        this.source = source;
    }

    /**
     * Loads a model from the bytes of an {@code .onnx} file.
     *
     * @param threads intra-op threads; 0 lets ONNX Runtime choose
     * @throws IllegalArgumentException if ONNX Runtime rejects the model, with its message
     */
    public static OnnxRuntimeModel load(byte[] model, int threads, String source) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            return new OnnxRuntimeModel(env.createSession(model, options), source);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads an {@code .onnx} file.
     *
     * @throws IllegalArgumentException if the file is missing or unreadable, or ONNX Runtime rejects it
     */
    public static OnnxRuntimeModel load(Path file, int threads) {
        try {
            return load(Files.readAllBytes(file), threads, file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("ONNX file " + file.toAbsolutePath() + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ONNX file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the model.
     *
     * @param feeds   every graph input by name (INT, LONG or FLOAT arrays)
     * @param outputs the tensors to fetch
     * @return the fetched tensors as FLOAT (or LONG/INT) arrays, by name
     * @throws IllegalArgumentException if a feed is missing or of the wrong type, with ONNX Runtime's message
     */
    public Map<String, INDArray> run(Map<String, INDArray> feeds, List<String> outputs) {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (String input : session.getInputNames()) {
                INDArray value = feeds.get(input);
                if (value == null) {
                    throw new IllegalArgumentException(source + " needs the input " + input + "; given: " + feeds.keySet());
                }
                tensors.put(input, tensor(value));
            }
            try (OrtSession.Result result = session.run(tensors, new HashSet<>(outputs))) {
                Map<String, INDArray> fetched = new LinkedHashMap<>();
                for (String output : outputs) {
                    OnnxValue v = result.get(output).orElseThrow(() -> new IllegalArgumentException(source + " has no output " + output));
                    fetched.put(output, array((OnnxTensor) v));
                }
                return fetched;
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime failed to run " + source + ": " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session of " + source, e);
        }
    }

    private OnnxTensor tensor(INDArray value) throws OrtException {
        INDArray c = value.dup('c');
        long[] shape = c.shape();
        return switch (c.dataType()) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(c.data().asFloat()), shape);
            case INT -> OnnxTensor.createTensor(env, IntBuffer.wrap(c.data().asInt()), shape);
            case LONG -> OnnxTensor.createTensor(env, LongBuffer.wrap(c.data().asLong()), shape);
            default -> throw new IllegalArgumentException("cannot feed a " + c.dataType() + " array to ONNX Runtime (FLOAT, INT, LONG)");
        };
    }

    private static INDArray array(OnnxTensor t) {
        TensorInfo info = t.getInfo();
        long[] shape = info.getShape();
        return switch (info.type) {
            case FLOAT -> {
                FloatBuffer b = t.getFloatBuffer();
                float[] values = new float[b.remaining()];
                b.get(values);
                yield Nd4j.create(values, shape, 'c');
            }
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                long[] values = new long[b.remaining()];
                b.get(values);
                yield Nd4j.createFromArray(values).reshape(shape);
            }
            case INT32 -> {
                IntBuffer b = t.getIntBuffer();
                int[] values = new int[b.remaining()];
                b.get(values);
                yield Nd4j.createFromArray(values).reshape(shape);
            }
            default -> throw new IllegalArgumentException("ONNX Runtime returned a " + info.type + " tensor; the backend reads FLOAT, INT32, INT64");
        };
    }
}
