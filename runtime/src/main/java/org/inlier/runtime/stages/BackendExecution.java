package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.backend.CompiledModel;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.backend.ModelExecution;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.PluginKind;
import org.inlier.runtime.model.SiteRecorder;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The pipeline's backend running the quantized model itself (e.g. {@code onnxruntime}), when it
 * does ({@link HardwareBackend#execution}): the evaluate stage then takes the quantized model's
 * loss, output and accuracy from the backend, while the per-site SQNR still comes from the SameDiff
 * simulation, the only place every site's tensor can be read. For backends that only simulate,
 * everything stays as the simulation computed it.
 */
final class BackendExecution implements AutoCloseable {

    private final RunContext run;
    private final String backendId;
    private final ModelGraph executed;
    private final CompiledModel compiled;

    private BackendExecution(RunContext run, String backendId, ModelGraph executed, CompiledModel compiled) {
        this.run = run;
        this.backendId = backendId;
        this.executed = executed;
        this.compiled = compiled;
    }

    /** Compiles the run's latest quantized model on the pipeline's backend, if the backend executes models. */
    static BackendExecution of(RunContext run, String label) {
        String id = run.config().backend().id();
        HardwareBackend backend = run.registry().require(PluginKind.HARDWARE_BACKEND, id, HardwareBackend.class);
        Optional<ModelExecution> execution = backend.execution(run.config().backend().options(), run.quantParams());
        if (execution.isEmpty()) {
            return new BackendExecution(run, id, null, null);
        }
        ModelGraph executed = run.buildModel(new SiteRecorder(execution.get()), false);
        List<String> outputs = new ArrayList<>(List.of(executed.loss(), executed.output()));
        if (executed.sd().hasVariable(ModelGraph.ACCURACY)) {
            outputs.add(ModelGraph.ACCURACY);
        }
        CompiledModel compiled = execution.get().compile(executed, outputs);
        run.events().log("evaluate " + label + " on " + id + ": " + compiled.description());
        return new BackendExecution(run, id, executed, compiled);
    }

    /**
     * The quantized model's values for one batch: the simulation's, with the loss, output and
     * accuracy replaced by the backend's when it executes the model.
     */
    Map<String, INDArray> outputs(Map<String, INDArray> feeds, Map<String, INDArray> simulated, ModelGraph simulatedModel) {
        if (compiled == null) {
            return simulated;
        }
        Map<String, INDArray> values = new HashMap<>(simulated);
        Map<String, INDArray> fromBackend = compiled.run(feeds);
        values.put(simulatedModel.loss(), fromBackend.get(executed.loss()));
        values.put(simulatedModel.output(), fromBackend.get(executed.output()));
        if (fromBackend.containsKey(ModelGraph.ACCURACY)) {
            values.put(ModelGraph.ACCURACY, fromBackend.get(ModelGraph.ACCURACY));
        }
        return values;
    }

    /** Logs the backend's mean loss beside the simulation's, for models that have a loss. */
    void logAgainstSimulation(double simulatedLoss, double loss, ModelGraph simulatedModel) {
        if (compiled != null && simulatedModel.sd().getVariable(simulatedModel.loss()).getVariableType() != VariableType.CONSTANT) {
            run.events().log(String.format("evaluate on %s: mean loss %.6f (SameDiff simulation %.6f)", backendId, loss, simulatedLoss));
        }
    }

    /** The backend's id when it executed the model, for the quality row. */
    Optional<String> executedBy() {
        return compiled == null ? Optional.empty() : Optional.of(backendId);
    }

    @Override
    public void close() {
        if (compiled != null) {
            compiled.close();
        }
    }
}
