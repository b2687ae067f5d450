package io.mcpca.app;

import io.mcpca.app.cli.AnalyzeCommand;
import io.mcpca.app.cli.BatchCommand;
import io.mcpca.app.cli.CacheCommand;
import io.mcpca.app.cli.ReportCommand;
import io.mcpca.app.cli.SessionsCommand;
import io.mcpca.ingress.mcp.StdioSession;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Entry point of every mode. The roles come from auto-configuration in the ingress and workers modules
 * and are switched with {@code mcpca.ingress.enabled} / {@code mcpca.worker.enabled}; {@code analyze} is
 * handled before Spring starts, since it is a client (it may start an embedded server of its own).
 */
@SpringBootApplication
public class McpcaApplication {

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && "analyze".equals(args[0])) {
            System.exit(AnalyzeCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && "batch".equals(args[0])) {
            System.exit(BatchCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && "cache".equals(args[0])) {
            System.exit(CacheCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && "sessions".equals(args[0])) {
            System.exit(SessionsCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && "report".equals(args[0])) {
            System.exit(ReportCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        ConfigurableApplicationContext context = start(args);
        if (context.containsBean("stdioSession")) {
            context.getBean(StdioSession.class).awaitEnd();
            System.exit(SpringApplication.exit(context));
        }
    }

    /**
     * Starts the configured roles. A stdio process runs without a web server (stdout is the protocol); a worker-only
     * one serves only the actuator, on its management port (profile {@code worker-only}, application-worker-only.yml).
     */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication application = new SpringApplication(McpcaApplication.class);
        boolean stdio = has(args, "--mcpca.ingress.stdio=true");
        boolean workerOnly = has(args, "--mcpca.ingress.enabled=false");
        if (stdio) {
            application.setWebApplicationType(WebApplicationType.NONE);
        } else if (workerOnly) {
            application.setAdditionalProfiles(WORKER_ONLY_PROFILE);
        }
        return application.run(args);
    }

    /** The profile of a worker-only process: its web server is the actuator on the management port. */
    public static final String WORKER_ONLY_PROFILE = "worker-only";

    private static boolean has(String[] args, String flag) {
        return Arrays.asList(args).contains(flag);
    }
}
