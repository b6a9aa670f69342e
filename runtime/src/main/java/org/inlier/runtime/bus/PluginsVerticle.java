package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Plugin;
import org.inlier.runtime.plugins.LoadedPlugin;
import org.inlier.runtime.plugins.PluginProblem;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.Stage;

/** Answers {@value Addresses#PLUGINS_LIST} with every plugin, its options, the stages and the loading problems. */
final class PluginsVerticle extends VerticleBase {

    private final PluginRegistry registry;
    private final Map<String, Stage> stages;

    PluginsVerticle(PluginRegistry registry, Map<String, Stage> stages) {
        this.registry = registry;
        this.stages = stages;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().consumer(Addresses.PLUGINS_LIST, message -> {
            try {
                message.reply(list());
            } catch (RuntimeException | LinkageError e) {
                // A plugin whose options cannot be described must not leave the client waiting for a reply.
                FailureReplies.fail(message, e);
            }
        });
        return Future.succeededFuture();
    }

    private JsonObject list() {
        JsonArray plugins = new JsonArray();
        for (LoadedPlugin loaded : registry.all()) {
            Plugin p = loaded.plugin();
            plugins.add(new JsonObject().put("kind", p.kind().label()).put("id", p.id()).put("version", p.version())
                    .put("description", p.description()).put("source", loaded.source().location()).put("options", options(p.options())));
        }
        JsonArray stageList = new JsonArray();
        stages.values().forEach(s -> stageList.add(new JsonObject().put("kind", "stage").put("id", s.name()).put("version", "built-in")
                .put("description", s.description()).put("source", "runtime").put("options", options(s.options()))));
        JsonArray problems = new JsonArray();
        registry.problems().stream().map(PluginProblem::toString).forEach(problems::add);
        return new JsonObject().put("plugins", plugins).put("stages", stageList).put("problems", problems);
    }

    private static JsonArray options(java.util.List<OptionSpec> specs) {
        JsonArray options = new JsonArray();
        for (OptionSpec o : specs) {
            options.add(new JsonObject().put("name", o.name()).put("type", o.type().name().toLowerCase())
                    .put("default", o.defaultValue() == null ? null : String.valueOf(o.defaultValue()))
                    .put("allowed", o.allowed()).put("description", o.description()));
        }
        return options;
    }
}
