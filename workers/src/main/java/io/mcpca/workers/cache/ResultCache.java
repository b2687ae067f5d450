package io.mcpca.workers.cache;

import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.JsonBytes;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where finished results are looked up before an analyzer runs, keyed by the content digest of the call
 * (see {@link ResultDigest}). A failing cache never fails a call: it answers a miss.
 */
public interface ResultCache {

    /**
     * The cache key of a call, or empty when this tool's results are not cached (ping, which reports
     * pids and times).
     *
     * @param input the resolved file or directory of the tool's path argument, if it has one
     */
    Optional<String> keyOf(ToolDescriptor tool, Map<String, Object> arguments, Optional<Path> input);

    /** The result stored under {@code key}, as the JSON bytes it was stored with. */
    Optional<JsonBytes> get(String key);

    void put(String key, JsonBytes result);

    /** No caching: every call runs. */
    ResultCache NONE = new ResultCache() {
        @Override
        public Optional<String> keyOf(ToolDescriptor tool, Map<String, Object> arguments, Optional<Path> input) {
            return Optional.empty();
        }

        @Override
        public Optional<JsonBytes> get(String key) {
            return Optional.empty();
        }

        @Override
        public void put(String key, JsonBytes result) {
        }
    };
}
