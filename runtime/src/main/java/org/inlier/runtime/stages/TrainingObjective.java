package org.inlier.runtime.stages;

import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.suppression.OutlierSuppression;
import org.inlier.runtime.config.PluginRef;
import org.inlier.runtime.model.SiteRecorder;
import org.nd4j.autodiff.samediff.SDVariable;

/** What training minimises: the task's loss plus the loss terms of the pipeline's outlier-suppression methods. */
final class TrainingObjective {

    /** The name of the summed objective when any method adds a term. */
    static final String OBJECTIVE = "objective";

    private TrainingObjective() {
    }

    /**
     * Adds every suppression method's loss term to the graph.
     *
     * @param taskLoss the scalar the task minimises: the model's own loss, or a distillation loss
     * @return the name of the variable to minimise: the task's loss if no method adds a term
     */
    static String build(RunContext run, ModelGraph model, SiteRecorder sites, String taskLoss) {
        Map<QuantizationSite, SDVariable> siteVariables = sites.sites();
        SDVariable objective = null;
        for (PluginRef ref : run.config().suppression()) {
            OutlierSuppression method = run.registry().require(PluginKind.OUTLIER_SUPPRESSION, ref.id(), OutlierSuppression.class);
            Optional<SDVariable> term = method.lossTerm(siteVariables, ref.options());
            if (term.isPresent()) {
                run.events().log("train: loss term of " + ref.id() + " added");
                objective = (objective == null ? model.sd().getVariable(taskLoss) : objective).add(term.get());
            }
        }
        if (objective == null) {
            model.sd().setLossVariables(taskLoss);
            return taskLoss;
        }
        objective.rename(OBJECTIVE);
        model.sd().setLossVariables(OBJECTIVE);
        return OBJECTIVE;
    }
}
