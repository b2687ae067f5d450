package io.mcpca.app.observe;

import java.util.Locale;
import org.springframework.core.env.Environment;

/**
 * What this process runs, as the common meter tag {@code role}: {@code serve} (ingress and worker in one JVM),
 * {@code ingress} or {@code worker}. Read from the same switches the roles' auto-configurations use.
 */
public enum ProcessRole {
    SERVE, INGRESS, WORKER;

    public static ProcessRole of(Environment environment) {
        boolean ingress = environment.getProperty("mcpca.ingress.enabled", Boolean.class, true);
        boolean worker = environment.getProperty("mcpca.worker.enabled", Boolean.class, true);
        return ingress && worker ? SERVE : ingress ? INGRESS : WORKER;
    }

    /** The tag value. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
