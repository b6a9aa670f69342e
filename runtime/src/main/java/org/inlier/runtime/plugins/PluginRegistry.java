package org.inlier.runtime.plugins;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;

/**
 * Every loaded plugin by kind and id, plus the problems met while loading.
 *
 * <p>Plugins are added one by one; a second plugin with an id already taken for its kind is
 * rejected as a problem naming both sources, and the first stays.
 */
public final class PluginRegistry {

    private final Map<PluginKind, Map<String, LoadedPlugin>> byKind = new EnumMap<>(PluginKind.class);
    private final List<PluginProblem> problems = new ArrayList<>();

    /** Registers a plugin, or records a problem if its id is taken. */
    public synchronized void add(Plugin plugin, PluginSource source) {
        Map<String, LoadedPlugin> ids = byKind.computeIfAbsent(plugin.kind(), k -> new TreeMap<>());
        LoadedPlugin existing = ids.get(plugin.id());
        if (existing != null) {
            problems.add(new PluginProblem(source, "duplicate " + plugin.kind().label() + " id '" + plugin.id()
                    + "' (" + plugin.getClass().getName() + "); already provided by " + existing.plugin().getClass().getName()
                    + " from " + existing.source() + "; this one is skipped", null));
            return;
        }
        ids.put(plugin.id(), new LoadedPlugin(plugin, source));
    }

    /** Removes every plugin and every problem that came from a source (a bundle stopping, a JAR removed). */
    public synchronized void removeAll(PluginSource source) {
        byKind.values().forEach(ids -> ids.values().removeIf(p -> p.source().equals(source)));
        problems.removeIf(p -> p.source().equals(source));
    }

    /** Records a problem met while loading. */
    public synchronized void report(PluginProblem problem) {
        problems.add(problem);
    }

    /** The plugin of a kind with this id. */
    public synchronized <T extends Plugin> Optional<T> find(PluginKind kind, String id, Class<T> type) {
        LoadedPlugin p = byKind.getOrDefault(kind, Map.of()).get(id);
        return p == null ? Optional.empty() : Optional.of(type.cast(p.plugin()));
    }

    /**
     * The plugin of a kind with this id.
     *
     * @throws UnknownPluginException listing the known ids of that kind
     */
    public <T extends Plugin> T require(PluginKind kind, String id, Class<T> type) {
        return find(kind, id, type).orElseThrow(() -> new UnknownPluginException(kind, id, ids(kind)));
    }

    /** The ids of one kind, sorted. */
    public synchronized List<String> ids(PluginKind kind) {
        return List.copyOf(byKind.getOrDefault(kind, Map.of()).keySet());
    }

    /** Every plugin, by kind then id. */
    public synchronized List<LoadedPlugin> all() {
        List<LoadedPlugin> all = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            all.addAll(byKind.getOrDefault(kind, Map.of()).values());
        }
        return all;
    }

    /** The problems met while loading, in order. */
    public synchronized List<PluginProblem> problems() {
        return Collections.unmodifiableList(new ArrayList<>(problems));
    }
}
