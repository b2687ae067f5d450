package io.mcpca.ingress.mcp;

import io.modelcontextprotocol.util.DefaultMcpUriTemplateManagerFactory;
import io.modelcontextprotocol.util.McpUriTemplateManager;
import io.modelcontextprotocol.util.McpUriTemplateManagerFactory;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * URI templates whose one variable ends them ({@code analysis://summary/{path}}) match the rest of the URI, slashes
 * included, so a path variable takes a whole path (RFC 6570's reserved expansion, {@code {+path}}, in effect). The
 * SDK's default stops a variable at a slash; other templates keep its matching.
 */
final class TrailingVariableTemplates implements McpUriTemplateManagerFactory {

    private static final Pattern TRAILING = Pattern.compile("([^{}]*)\\{([A-Za-z_][A-Za-z0-9_]*)\\}");
    private final McpUriTemplateManagerFactory others = new DefaultMcpUriTemplateManagerFactory();

    @Override
    public McpUriTemplateManager create(String template) {
        var trailing = TRAILING.matcher(template);
        if (!trailing.matches()) {
            return others.create(template);
        }
        String prefix = trailing.group(1);
        String variable = trailing.group(2);
        return new McpUriTemplateManager() {
            @Override
            public List<String> getVariableNames() {
                return List.of(variable);
            }

            @Override
            public Map<String, String> extractVariableValues(String uri) {
                return matches(uri) ? Map.of(variable, uri.substring(prefix.length())) : Map.of();
            }

            @Override
            public boolean matches(String uri) {
                return uri != null && uri.startsWith(prefix) && uri.length() > prefix.length();
            }

            @Override
            public boolean isUriTemplate(String uri) {
                return uri != null && uri.contains("{");
            }
        };
    }
}
