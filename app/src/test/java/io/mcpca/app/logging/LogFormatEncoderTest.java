package io.mcpca.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

class LogFormatEncoderTest {

    private static final String PATTERN =
            "%level %logger - %replace([%X{correlationId}] ){'\\[\\] ', ''}%msg%n";

    private static String encode(LoggerContext context, String format, Map<String, String> mdc) {
        LogFormatEncoder encoder = new LogFormatEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.setPattern(PATTERN);
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.mcpca.calls"), Level.DEBUG, "call received",
                null, null);
        event.setMDCPropertyMap(mdc);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        // Spring Boot's structured encoder finds the Environment here, as Boot's logging system puts it
        context.putObject(Environment.class.getName(), new StandardEnvironment());
        return context;
    }

    @Test
    void jsonIsOneEcsObjectPerLineWithTheCallsKeysAtTopLevel() throws Exception {
        String line = encode(context(), "JSON", Map.of("correlationId", "c1", "requestId", "r1", "tool", "ping"));
        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("message").asText()).isEqualTo("call received");
        assertThat(json.path("log").path("level").asText()).isEqualTo("DEBUG");
        assertThat(json.path("correlationId").asText()).isEqualTo("c1");
        assertThat(json.path("requestId").asText()).isEqualTo("r1");
        assertThat(json.path("ecs").path("version").asText()).isNotEmpty();
    }

    @Test
    void textIsTheDefaultAndShowsTheCorrelationIdOnlyWhenThereIsOne() {
        LoggerContext context = context();
        assertThat(encode(context, "text", Map.of("correlationId", "c1")))
                .isEqualTo("DEBUG io.mcpca.calls - [c1] call received\n");
        assertThat(encode(context, "", Map.of())).isEqualTo("DEBUG io.mcpca.calls - call received\n");
    }

    @Test
    void anUnknownFormatLogsTextAndSaysSo() {
        LoggerContext context = context();
        assertThat(encode(context, "yaml", Map.of())).isEqualTo("DEBUG io.mcpca.calls - call received\n");
        assertThat(context.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .anySatisfy(message -> assertThat(message).contains("'yaml' is unknown"));
    }
}
