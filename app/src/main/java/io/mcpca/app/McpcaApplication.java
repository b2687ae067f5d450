package io.mcpca.app;

import io.mcpca.app.cli.AnalyzeCommand;
import io.mcpca.app.cli.BatchCommand;
import io.mcpca.app.cli.CacheCommand;
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
        ConfigurableApplicationContext context = start(args);
        if (context.containsBean("stdioSession")) {
            context.getBean(StdioSession.class).awaitEnd();
            System.exit(SpringApplication.exit(context));
        }
    }

    /** Starts the configured roles; stdio and worker-only processes run without a web server. */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication application = new SpringApplication(McpcaApplication.class);
        boolean stdio = has(args, "--mcpca.ingress.stdio=true");
        boolean workerOnly = has(args, "--mcpca.ingress.enabled=false");
        if (stdio || workerOnly) {
            application.setWebApplicationType(WebApplicationType.NONE);
        }
        return application.run(args);
    }

    private static boolean has(String[] args, String flag) {
        return Arrays.asList(args).contains(flag);
    }
}
