package org.inlier.runtime.stages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in stages, by the name a pipeline file uses. */
public final class StageCatalog {

    private StageCatalog() {
    }

    /** Every stage, in their usual pipeline order. */
    public static Map<String, Stage> builtIn() {
        Map<String, Stage> stages = new LinkedHashMap<>();
        for (Stage s : List.of(new TrainStage(), new CalibrateStage(), new QuantizeStage(), new EvaluateStage())) {
            stages.put(s.name(), s);
        }
        return stages;
    }
}
