package io.mcpca.ingress.mcp;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The MCP SDK's own schema check (the same networknt validator, dialect and messages) with two costs per call taken
 * out (docs/decisions/019): 1. the SDK finds a compiled schema by a key it computes on every call, the deep
 * {@code hashCode} of the whole schema map; here that key is remembered per schema map (ours are made once, when
 * the catalog is read); 2. a tool's answer ({@link RawStructuredContent}, the analyzer's JSON text) is checked
 * from its text, parsed once, instead of being parsed, written into a token buffer and read back into a tree.
 * Used for the arguments ({@link McpServerFactory}) and by the SDK for {@code structuredContent}.
 */
public final class ToolSchemaValidator extends DefaultJsonSchemaValidator {

    /** Schema maps seen: the tools' input and output schemas, a few dozen; more means maps made per call. */
    private static final int MAX_KEYS = 1_024;

    private final Map<Map<String, Object>, String> keys = Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public JsonSchemaValidator.ValidationResponse validate(Map<String, Object> schema, Object content) {
        // the SDK's validator reads a String as JSON text: the raw answer's text is exactly that
        return super.validate(schema, content instanceof RawStructuredContent raw ? raw.json() : content);
    }

    @Override
    protected String generateCacheKey(Map<String, Object> schema) {
        String key = keys.get(schema);
        if (key == null) {
            key = super.generateCacheKey(schema);
            if (keys.size() >= MAX_KEYS) {
                keys.clear(); // schema maps made per call: remembering them would only grow
            }
            keys.put(schema, key);
        }
        return key;
    }
}
