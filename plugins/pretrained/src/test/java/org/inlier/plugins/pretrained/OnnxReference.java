package org.inlier.plugins.pretrained;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/** Runs an ONNX model with ONNX Runtime, the reference the import is checked against. */
public final class OnnxReference {

    private OnnxReference() {
    }

    /**
     * The named output for token ids with their padding mask and token type 0 everywhere.
     *
     * @param model  the ONNX file's bytes
     * @param output the graph output to fetch
     * @param ids    {@code (B, T)} token ids
     * @param mask   {@code (B, T)} 1 = token, 0 = padding
     * @return {@code (B, T, D)}
     */
    public static float[][][] run(byte[] model, String output, long[][] ids, long[][] mask) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor idTensor = OnnxTensor.createTensor(env, ids);
                 OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask);
                 OnnxTensor typeTensor = OnnxTensor.createTensor(env, new long[ids.length][ids[0].length]);
                 OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor,
                         "token_type_ids", typeTensor), java.util.Set.of(output))) {
                return (float[][][]) result.get(0).getValue();
            }
        }
    }
}
