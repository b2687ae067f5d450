package io.mcpca.ingress.mcp;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonGeneratorBase;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.TypeSerializer;

/**
 * A tool result as {@code structuredContent}, kept as the JSON text the analyzer wrote: written into the MCP
 * answer as that text (raw), never decoded and encoded again. The MCP Java SDK (2.1) cannot skip reading it
 * entirely: for a tool with an outputSchema (all of ours) it checks structured content against the schema on a
 * tree it builds with {@code valueToTree}; for that tree (any generator that is not a JSON text writer) the
 * text is parsed, once per answer. Relies on the SDK's Jackson 3 mapper ({@code McpJsonDefaults}).
 */
public final class RawStructuredContent implements JacksonSerializable {

    private final String json;

    public RawStructuredContent(String json) {
        this.json = json;
    }

    /** The JSON text, as the analyzer wrote it. */
    public String json() {
        return json;
    }

    @Override
    public void serialize(JsonGenerator gen, SerializationContext context) throws JacksonException {
        if (gen instanceof JsonGeneratorBase) {
            gen.writeRawValue(json);
        } else {
            gen.writeTree(JsonMapper.shared().readTree(json));
        }
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializationContext context, TypeSerializer types)
            throws JacksonException {
        serialize(gen, context);
    }

    @Override
    public String toString() {
        return json.length() > 200 ? json.substring(0, 200) + "..." : json;
    }
}
