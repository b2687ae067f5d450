package io.mcpca.shared.codec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The two codecs, both on Jackson 2 (jackson-dataformat-msgpack is a Jackson 2 format; Spring Boot 4's
 * own Jackson 3 mapper is left alone): MessagePack on the wire by default, JSON for debugging
 * ({@code redis-cli XRANGE} shows it as text).
 */
public final class JacksonCodec implements WireCodec {

    public static final String MSGPACK = "msgpack";
    public static final String JSON = "json";

    private final String name;
    private final ObjectMapper mapper;

    private JacksonCodec(String name, ObjectMapper mapper) {
        this.name = name;
        // Newer writers may add fields; old readers ignore them and rely on `version` for breaking changes.
        this.mapper = mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    public static JacksonCodec messagePack() {
        return new JacksonCodec(MSGPACK, new ObjectMapper(new MessagePackFactory()));
    }

    public static JacksonCodec json() {
        return new JacksonCodec(JSON, new ObjectMapper());
    }

    /** The codec registered under {@code name}. */
    public static JacksonCodec named(String name) {
        return switch (name) {
            case MSGPACK -> messagePack();
            case JSON -> json();
            default -> throw new IllegalArgumentException("unknown codec '" + name + "' (known: msgpack, json)");
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("corrupt " + name + " " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
