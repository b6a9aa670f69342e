package org.inlier.api.backend;

import java.util.List;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.site.SiteInstrumentation;

/**
 * A backend's own execution of a quantized model, in place of the SameDiff simulation: the model
 * family builds its graph through this instrumentation (which marks the quantized sites the way
 * the backend needs them), then {@link #compile} turns the built graph into something the backend
 * runs (an exported file, integer kernels, ...).
 */
public interface ModelExecution extends SiteInstrumentation {

    /**
     * Compiles a model built through this instrumentation, its arrays set.
     *
     * @param model   the built model
     * @param outputs the variables the compiled model returns
     * @return the compiled model; the caller closes it
     * @throws IllegalArgumentException if the model holds something the backend cannot execute, saying what
     */
    CompiledModel compile(ModelGraph model, List<String> outputs);
}
