package org.inlier.runtime.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.inlier.runtime.store.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training checkpoint: named arrays in groups (parameters, optimiser moments) plus a small
 * JSON state, stored as one ZIP written atomically.
 *
 * @param state  step, loss and anything else the trainer needs to resume
 * @param arrays group name ({@code params}, {@code adam.m}, ...) to variable name to array
 */
public record Checkpoint(Map<String, Object> state, Map<String, Map<String, INDArray>> arrays) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE = "state.json";

    /** Writes the checkpoint; the previous file stays intact until the new one is complete. */
    public void save(Path file) {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry(STATE));
            zip.write(JSON.writeValueAsBytes(state));
            zip.closeEntry();
            for (Map.Entry<String, Map<String, INDArray>> group : arrays.entrySet()) {
                for (Map.Entry<String, INDArray> a : group.getValue().entrySet()) {
                    zip.putNextEntry(new ZipEntry(group.getKey() + "/" + a.getKey()));
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    Nd4j.write(a.getValue(), new DataOutputStream(bytes));
                    bytes.writeTo(zip);
                    zip.closeEntry();
                }
            }
            zip.finish();
        });
    }

    /** Reads a checkpoint written by {@link #save}. */
    @SuppressWarnings("unchecked")
    public static Checkpoint load(Path file) {
        Map<String, Object> state = new LinkedHashMap<>();
        Map<String, Map<String, INDArray>> arrays = new TreeMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(STATE)) {
                    state = JSON.readValue(zip.readAllBytes(), Map.class);
                } else {
                    int slash = e.getName().indexOf('/');
                    INDArray array = Nd4j.read(new DataInputStream(new java.io.ByteArrayInputStream(zip.readAllBytes())));
                    arrays.computeIfAbsent(e.getName().substring(0, slash), k -> new LinkedHashMap<>())
                            .put(e.getName().substring(slash + 1), array);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        }
        return new Checkpoint(state, arrays);
    }
}
