package io.mcpca.shared.tools;

import java.util.Map;

/**
 * One tool's contract, read from {@code tools/<name>.json}: what the ingress advertises and validates,
 * and which worker pool runs it.
 *
 * @param name         MCP tool name
 * @param title        short human title
 * @param description  what it does, for agents choosing a tool
 * @param pool         worker pool whose request streams carry it
 * @param version      contract version; part of cache keys and the wire request
 * @param pathArgument name of the argument holding a path to confine to the roots, or empty
 * @param inputSchema  JSON schema of the arguments
 * @param outputSchema JSON schema of {@code structuredContent}
 * @param sessionless  the contract needs no session serialization: the tool neither reads nor writes the
 *                     session, so a worker runs it without the session lease, fence, session write or
 *                     execution record (the fast path); absent in the file means false
 */
public record ToolDescriptor(
        String name,
        String title,
        String description,
        String pool,
        String version,
        String pathArgument,
        Map<String, Object> inputSchema,
        Map<String, Object> outputSchema,
        boolean sessionless) {

    /** The pseudo-pool of tools the ingress answers itself (the batch tools): no worker reads it. */
    public static final String INGRESS_POOL = "ingress";

    /** Whether the ingress answers this tool itself, from Redis, instead of queueing it for a worker. */
    public boolean answeredByIngress() {
        return INGRESS_POOL.equals(pool);
    }

    public ToolDescriptor {
        pathArgument = pathArgument == null ? "" : pathArgument;
        outputSchema = outputSchema == null ? Map.of() : outputSchema;
    }

    /** A session-locked tool (the default of every contract file without {@code "sessionless": true}). */
    public ToolDescriptor(String name, String title, String description, String pool, String version,
                          String pathArgument, Map<String, Object> inputSchema, Map<String, Object> outputSchema) {
        this(name, title, description, pool, version, pathArgument, inputSchema, outputSchema, false);
    }
}
