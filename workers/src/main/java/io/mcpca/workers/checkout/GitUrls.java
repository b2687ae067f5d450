package io.mcpca.workers.checkout;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.wire.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which repository URLs a caller may name, and how a URL is shown. {@code file://} URLs are always allowed, but
 * only to a repository under an analysis root (a file URL is a path, and paths are confined); remote URLs only
 * when an allowed pattern ({@code scheme://host[/path-prefix]}, host may be {@code *.domain}) matches their
 * scheme, host, port and path. The scheme must be one git speaks safely: never {@code ext::} (it runs a
 * command) and never scp-like {@code host:path} (not a URL, so not checkable). Credentials in a URL
 * ({@code https://user:token@host/...}) are used for the clone but never shown: {@link #redact} strips them from
 * every message and log line.
 */
public final class GitUrls {

    /** Schemes a remote pattern may allow; git's own protocol.allow is set to exactly the schemes in use. */
    static final Set<String> REMOTE_SCHEMES = Set.of("https", "http", "ssh", "git");

    /** userinfo in any URL inside a text: {@code scheme://user[:password]@} */
    private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s'\"]+@");

    private final List<AllowedUrl> allowed;
    private final PathGuard roots;

    /**
     * @param allowedUrls the configured remote patterns
     * @param roots       where {@code file://} repositories must lie
     */
    public GitUrls(List<String> allowedUrls, PathGuard roots) {
        this.allowed = allowedUrls.stream().map(GitUrls::pattern).toList();
        this.roots = roots;
    }

    /** A URL git may fetch from: the confined {@code file://} URL of a local repository, or an allowed remote URL as given. */
    public String check(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new CheckoutException(ErrorCode.URL_NOT_ALLOWED, "not a URL this server clones: " + url
                    + " (give scheme://host/path; scp-like host:path and ext:: are not accepted)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty() && !"localhost".equals(uri.getHost())) {
                throw new CheckoutException(ErrorCode.URL_NOT_ALLOWED, "a file URL names no host: " + url);
            }
            return fileUrl(confined(uri.getPath()));
        }
        if (!REMOTE_SCHEMES.contains(scheme) || uri.getHost() == null || uri.isOpaque()) {
            throw new CheckoutException(ErrorCode.URL_NOT_ALLOWED, "repository URL not allowed: " + url
                    + " (schemes: file, or " + String.join(", ", new TreeSet<>(REMOTE_SCHEMES))
                    + " for hosts in mcpca.worker.checkout.allowed-urls)");
        }
        if (allowed.stream().noneMatch(p -> matches(p, uri))) {
            throw new CheckoutException(ErrorCode.URL_NOT_ALLOWED, "repository URL not allowed: " + url
                    + " (not in mcpca.worker.checkout.allowed-urls)");
        }
        return uri.toString();
    }

    /** The {@code file://} URL of a confined local repository directory. */
    public String fileUrl(Path real) {
        return real.toUri().toString();
    }

    /** The real path of a local repository, confined to the roots. */
    public Path confined(String path) {
        try {
            return roots.resolve(path);
        } catch (PathRejectedException e) {
            throw new CheckoutException(e.code(), e.getMessage());
        }
    }

    /** The schemes git may use for this configuration: file, plus those of the allowed patterns. */
    public Set<String> schemes() {
        Set<String> schemes = new TreeSet<>(Set.of("file"));
        allowed.forEach(p -> schemes.add(p.scheme()));
        return schemes;
    }

    /** {@code text} with the credentials of every URL in it replaced by {@code ***}. */
    public static String redact(String text) {
        return text == null ? "" : USERINFO.matcher(text).replaceAll("$1***@");
    }

    /** One configured pattern: scheme, host ({@code *.domain} for any host below it), port (-1: default), path prefix. */
    record AllowedUrl(String scheme, String host, int port, String pathPrefix) {
    }

    private static boolean matches(AllowedUrl pattern, URI uri) {
        if (!pattern.scheme().equalsIgnoreCase(uri.getScheme()) || pattern.port() != uri.getPort()) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean hostMatches = pattern.host().startsWith("*.") ? host.endsWith(pattern.host().substring(1))
                : host.equals(pattern.host());
        String prefix = pattern.pathPrefix();
        String path = uri.normalize().getPath() == null ? "" : uri.normalize().getPath();
        if (prefix.isEmpty() || prefix.equals("/")) {
            return hostMatches;
        }
        String directory = prefix.endsWith("/") ? prefix : prefix + "/";
        String asDirectory = path.endsWith("/") ? path : path + "/";
        return hostMatches && !path.contains("/../") && asDirectory.startsWith(directory);
    }

    private static AllowedUrl pattern(String configured) {
        // "*.example.com" is not a valid URI host: parse with a placeholder label, then put the star back
        String parseable = configured.trim().replace("://*.", "://wildcard-label.");
        URI uri;
        try {
            uri = new URI(parseable);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("mcpca.worker.checkout.allowed-urls: not a URL pattern: " + configured);
        }
        if (uri.getScheme() == null || !REMOTE_SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("mcpca.worker.checkout.allowed-urls: expected scheme://host[/path] with "
                    + "a scheme of " + new TreeSet<>(REMOTE_SCHEMES) + ": " + configured);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT).replace("wildcard-label.", "*.");
        return new AllowedUrl(uri.getScheme().toLowerCase(Locale.ROOT), host, uri.getPort(),
                uri.getPath() == null ? "" : uri.getPath());
    }
}
