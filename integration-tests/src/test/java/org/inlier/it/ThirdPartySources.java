package org.inlier.it;

/** Sources of third-party plugins, compiled at test time by {@link PluginJars}. */
final class ThirdPartySources {

    /** The SPI whose services file lists attention variants. */
    static final String ATTENTION_SPI = "org.inlier.api.attention.AttentionVariant";

    /** The packages an attention variant from {@link #attentionVariant} uses, as a bundle's Import-Package lists them. */
    static final String ATTENTION_IMPORTS = "org.inlier.api.attention,org.inlier.api.plugin,org.nd4j.autodiff.samediff,"
            + "org.nd4j.autodiff.samediff.ops";

    private ThirdPartySources() {
    }

    /** A softmax attention at temperature 2, in package {@code thirdparty}. */
    static String attentionVariant(String className, String id, String constructorBody) {
        return """
                package thirdparty;
                import java.util.List;
                import org.inlier.api.attention.*;
                import org.inlier.api.plugin.*;
                import org.nd4j.autodiff.samediff.SDVariable;
                public class %1$s implements AttentionVariant {
                    public %1$s() { %3$s }
                    public String id() { return "%2$s"; }
                    public String description() { return "softmax with a fixed temperature of 2"; }
                    public List<OptionSpec> options() { return List.of(); }
                    public SDVariable probabilities(SDVariable scores, AttentionContext c, Options o) {
                        return c.sd().nn.softmax(scores.div(2.0), -1);
                    }
                    public SDVariable headOutputs(SDVariable h, AttentionContext c, Options o) { return h; }
                }
                """.formatted(className, id, constructorBody);
    }
}
