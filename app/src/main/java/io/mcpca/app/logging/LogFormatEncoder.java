package io.mcpca.app.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.boot.logging.logback.StructuredLogEncoder;

/**
 * The log encoder chosen by one setting, {@code mcpca.log-format} ({@code MCPCA_LOG_FORMAT}), read in
 * {@code logback-spring.xml}: {@code text} (the default: one readable line, the call's correlation id in brackets
 * when there is one), {@code json} or {@code ecs} (Spring Boot's structured logging, Elastic Common Schema: one JSON
 * object per line, the call's MDC keys as top-level fields), {@code logstash} (Boot's Logstash JSON). Logback
 * cannot branch on a property without Janino, hence one encoder that delegates; an unknown value logs text and says
 * so once, rather than leaving the process without logs.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

    private String format = "text";
    private String pattern = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n";
    private Encoder<ILoggingEvent> delegate;

    public void setFormat(String format) {
        this.format = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
    }

    /** The text format's layout. */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        delegate = switch (format) {
            case "json", "ecs" -> structured("ecs");
            case "logstash" -> structured("logstash");
            default -> text();
        };
        if (!format.isEmpty() && !format.equals("text") && delegate instanceof PatternLayoutEncoder) {
            // Logback's status (which Spring Boot prints on stderr) says so before the first line
            addWarn("mcpca.log-format '" + format + "' is unknown (text, json, ecs, logstash); logging text");
        }
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }

    private Encoder<ILoggingEvent> structured(String name) {
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(getContext());
        encoder.setFormat(name);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    private Encoder<ILoggingEvent> text() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(getContext());
        encoder.setPattern(pattern);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }
}
